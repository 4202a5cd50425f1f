"""HT107: files or directories made writable by every user."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._run import chmod_modes, copy_chmod, mode_grants, run_commands
from tutor.analysis.rules.base import DockerfileContext, Rule


class WorldWritable(Rule):
    """A chmod or `--chmod` makes paths writable by every user (777, 666, o+w).

    Why:
        A world-writable file can be replaced by any process in the container, whatever
        its user. If root (or the app) later runs or loads that file, an attacker who
        only has an unprivileged foothold rewrites it and takes over the more privileged
        process. It usually hides an ownership problem that `chown` solves properly.

    Failing:
        FROM debian:13-slim
        COPY app /opt/app
        RUN chmod -R 777 /opt/app
        USER 10001

    Passing:
        FROM debian:13-slim
        COPY --chown=10001:10001 app /opt/app
        USER 10001

    Fix:
        Give the paths to the user that needs them (`COPY --chown=10001:10001`,
        `chown -R 10001:10001 /data`) and keep modes at 755/644 or tighter. Shared
        scratch directories need the sticky bit (1777), as /tmp has.
    """

    id = "HT107"
    name = "world-writable"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "root-risks"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag chmod modes that give write access to others without the sticky bit."""
        for cmd in run_commands(ctx):
            if cmd.program != "chmod":
                continue
            for mode in chmod_modes(cmd.words):
                if _world_writable(mode):
                    yield self.at(cmd.inst, f"chmod {mode} lets every user in the container "
                                            f"rewrite these files, so a low-privilege foothold "
                                            f"can replace what root or the app later runs.")
        for inst in ctx.instructions("COPY", "ADD"):
            copy_mode = copy_chmod(inst)
            if copy_mode and _world_writable(copy_mode):
                yield self.at(inst, f"--chmod={copy_mode} makes the copied files writable by every "
                                    f"user in the container.")


def _world_writable(mode: str) -> bool:
    """Others may write, and the sticky bit (which makes /tmp-style dirs safe) is not set."""
    sticky = (len(mode) == 4 and mode.isdigit() and int(mode[0]) & 1) or "t" in mode
    return mode_grants(mode, "o", "w") and not sticky
