"""HT104: the final USER is a name rather than a numeric UID."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.profile import is_root_user
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule


class UserByName(DockerfileRule):
    """The final image's USER is a user name, where a numeric UID would be portable.

    Why:
        A name only means something through the image's /etc/passwd. Kubernetes'
        `runAsNonRoot` check cannot verify a name and refuses to start the pod, and
        volume permissions and host tooling see only numbers. A numeric UID (and GID)
        says exactly who the process is, wherever it runs.

    Failing:
        FROM python:3.13-slim
        RUN useradd --uid 10001 app
        USER app

    Passing:
        FROM python:3.13-slim
        RUN useradd --uid 10001 app
        USER 10001:10001

    Fix:
        Use the numeric UID (and optionally GID) in USER, such as `USER 10001:10001`.
    """

    id = "HT104"
    name = "user-by-name"
    topic = Topic.ROOT
    severity = Severity.INFO
    lesson = "non-root-user"
    aliases = ("DL3066",)

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag the deciding USER when its user part is not numeric."""
        inst = ctx.profile.user_instruction
        user = ctx.profile.user
        if inst is None or user is None or is_root_user(user):
            return
        name = user.split(":", 1)[0]
        if not name.isdigit():
            yield self.at(inst, f"USER {user} names the user: Kubernetes runAsNonRoot cannot "
                                f"verify a name, and its UID depends on this image's "
                                f"/etc/passwd.")
