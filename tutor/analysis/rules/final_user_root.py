"""HT101: the final image runs as root."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule

ATTACKER_GAINS = (
    "Whoever exploits the application gets uid 0 inside the container: they can rewrite any "
    "file in it, install tools, read every secret mounted into it, and a single kernel or "
    "runtime flaw turns that into root on the host."
)

EXPORT_FIX = (
    "Nothing to change while the stage only exports files (`docker build --output type=local,"
    "dest=out .`). If the image is ever meant to run, give it a CMD or ENTRYPOINT and end "
    "the stage with `USER <uid>` (for example `USER 65532`); scratch has no /etc/passwd, so "
    "use a number.")


class FinalUserRoot(DockerfileRule):
    """The image this Dockerfile builds runs its processes as root.

    Why:
        Containers share the host's kernel, and uid 0 in a container is uid 0 on the
        host unless user namespaces remap it. An attacker who gets code execution in a
        root container can change anything inside it and is one container-escape bug
        away from the host. Only the final stage matters: builder stages are thrown away,
        so they may run as root. When the final stage sets no USER, the base image's
        default applies, and for almost every image that default is root (scratch too).
        A final stage FROM scratch with no CMD or ENTRYPOINT holds files for
        `docker build --output` to export, not a program to run; that is only noted.

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
        if profile.runs_as_root is not True or profile.override is not None:
            return
        if profile.exports_files:
            yield self.finding(
                profile.deciding_line,
                f"Nothing runs in the final image: {profile.reason}.",
                fix=EXPORT_FIX, severity=Severity.INFO)
            return
        yield self.finding(profile.deciding_line,
                           f"The final image runs as root: {profile.reason}. "
                           f"{ATTACKER_GAINS}")
