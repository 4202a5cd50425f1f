"""HT103: who the image runs as cannot be known from the Dockerfile."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule


class UserUnknown(DockerfileRule):
    """The final image's user depends on a value the Dockerfile does not give.

    Why:
        `USER $APP_UID` with no default, or a base image chosen by a build argument with
        no default, means the answer to "does this run as root?" is decided outside the
        file, at build time. A build that forgets the argument can silently ship a root
        container, and no reviewer or linter can tell from the Dockerfile.

    Failing:
        FROM python:3.13-slim
        ARG APP_UID
        USER ${APP_UID}

    Passing:
        FROM python:3.13-slim
        ARG APP_UID=10001
        USER ${APP_UID}

    Fix:
        Give the build argument a non-root default (`ARG APP_UID=10001`), or write the
        numeric UID in the USER instruction.
    """

    id = "HT103"
    name = "user-unknown"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "non-root-user"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag a final image whose user cannot be resolved."""
        profile = ctx.profile
        if profile.runs_as_root is None and profile.final_stage is not None:
            yield self.finding(profile.deciding_line,
                               f"Cannot tell whether the image runs as root: {profile.reason}. "
                               f"A build that leaves the value unset may ship a root container.")
