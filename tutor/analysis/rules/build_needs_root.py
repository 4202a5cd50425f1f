"""HT111: a build step needs root, but the USER in force is not root, so the build fails."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule

_NO_SHELL_FIX = ("Do the work in an earlier build stage that has a shell (FROM debian or the "
                 "language image), and bring only its result into this stage with COPY "
                 "--from=that-stage.")


class BuildStepNeedsRoot(DockerfileRule):
    """A RUN does something only root may do, after USER switched to another user.

    Why:
        USER applies to every later RUN, not only to the running container. Installing
        packages, creating users, giving files to another user or writing into a
        root-owned directory then fails with "Permission denied", and the image does not
        build at all. Moving USER to the top "to be safe" is a common first attempt at
        hardening that breaks the image instead of protecting it. A step that calls a
        command the base image does not have (`useradd` on Alpine, whose BusyBox offers
        `adduser`) or that needs a shell the image lacks breaks the build the same way,
        and is reported here too.

    Failing:
        FROM debian:13-slim
        RUN useradd --uid 10001 app
        USER 10001
        RUN apt-get update && apt-get install -y --no-install-recommends curl

    Passing:
        FROM debian:13-slim
        RUN apt-get update && apt-get install -y --no-install-recommends curl \\
         && useradd --uid 10001 app
        USER 10001

    Fix:
        Do the privileged steps while the build is still root, and put `USER` after them,
        as late as possible. If a later step must write somewhere, give that one directory
        to the user (`RUN mkdir /app/data && chown 10001 /app/data`) before switching.
    """

    id = "HT111"
    name = "build-step-needs-root"
    topic = Topic.ROOT
    severity = Severity.ERROR
    lesson = "non-root-user"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """One finding per failing line, in the stages the build runs."""
        by_line = {inst.line: inst for inst in ctx.dockerfile.instructions}
        seen: set[int] = set()
        for failure in ctx.model.failures:
            inst = by_line.get(failure.line)
            if failure.line in seen or inst is None:
                continue
            seen.add(failure.line)
            message = (f"The build fails here: {failure.why}." if failure.brief else
                       f"The build fails here: {failure.action} runs as "
                       f"{failure.user.shown}, and {failure.why}.")
            fix = failure.fix or (_NO_SHELL_FIX if failure.brief else None)
            yield self.at(inst, message, fix)
