"""HT112: the user the container runs as cannot run its own entrypoint."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Instruction, Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule


class EntrypointNotExecutable(DockerfileRule):
    """The ENTRYPOINT or CMD is a file the runtime user may not execute (or read).

    Why:
        Files are copied as root unless `--chown` says otherwise, and `--chmod` sets the
        mode exactly as written: `--chmod=0700` makes a script only root can run. Once
        `USER` switches to an unprivileged account, the container fails at start with
        "permission denied", so the image is safe only because it never runs.

    Failing:
        FROM debian:13-slim
        RUN useradd --uid 10001 app
        COPY --chmod=0700 entrypoint.sh /usr/local/bin/entrypoint.sh
        USER 10001
        ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]

    Passing:
        FROM debian:13-slim
        RUN useradd --uid 10001 app
        COPY --chmod=0755 entrypoint.sh /usr/local/bin/entrypoint.sh
        USER 10001
        ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]

    Fix:
        Keep the file owned by root but executable by everyone (`--chmod=0755`, or
        `chmod 0755` in a RUN), so the runtime user can run it and still cannot change it.
    """

    id = "HT112"
    name = "entrypoint-not-executable"
    topic = Topic.ROOT
    severity = Severity.ERROR
    lesson = "non-root-user"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag the final ENTRYPOINT (or CMD) when the model says it cannot start."""
        verdict = ctx.model.starts()
        if verdict.ok is not False:
            return
        inst = _command_instruction(ctx)
        if inst is None:
            return
        yield self.at(inst, f"The container cannot start: {verdict.why}.")


def _command_instruction(ctx: DockerfileContext) -> Instruction | None:
    """The ENTRYPOINT, else the CMD, that the final image runs."""
    for keyword in ("ENTRYPOINT", "CMD"):
        found = [i for i in ctx.dockerfile.instructions
                 if i.keyword == keyword and i.stage in ctx.final_chain]
        if found:
            return found[-1]
    return None
