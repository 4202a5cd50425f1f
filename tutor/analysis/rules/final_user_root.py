"""HT101: the final image runs as root."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, Rule

ATTACKER_GAINS = (
    "Whoever exploits the application gets uid 0 inside the container: they can rewrite any "
    "file in it, install tools, read every secret mounted into it, and a single kernel or "
    "runtime flaw turns that into root on the host."
)


class FinalUserRoot(Rule):
    """The image this Dockerfile builds runs its processes as root.

    Why:
        Containers share the host's kernel, and uid 0 in a container is uid 0 on the
        host unless user namespaces remap it. An attacker who gets code execution in a
        root container can change anything inside it and is one container-escape bug
        away from the host. Only the final stage matters: builder stages are thrown away,
        so they may run as root. When the final stage sets no USER, the base image's
        default applies, and for almost every image that default is root (scratch too).

    Failing:
        FROM python:3.13-slim
        WORKDIR /app
        COPY app.py .
        CMD ["python", "app.py"]

    Passing:
        FROM python:3.13-slim
        RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin app
        WORKDIR /app
        COPY app.py .
        USER 10001
        CMD ["python", "app.py"]

    Fix:
        Create an unprivileged user with a fixed UID in the final stage and end the
        stage with `USER <uid>` (for example `USER 10001`), or build on an image that
        already runs as non-root, such as a distroless `:nonroot` tag.
    """

    id = "HT101"
    name = "final-user-root"
    topic = Topic.ROOT
    severity = Severity.ERROR
    lesson = "root-risks"
    aliases = ("DL3002", "DS-0002", "CKV_DOCKER_3", "CKV_DOCKER_8")

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag the line that decides a root final image."""
        profile = ctx.profile
        # A compose service's user: root is reported on the compose line (HT109).
        if profile.runs_as_root is True and profile.override is None:
            yield self.finding(profile.deciding_line,
                               f"The final image runs as root: {profile.reason}. "
                               f"{ATTACKER_GAINS}")
