"""HT107: files or directories made writable by every user."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._run import file_modes, mode_grants
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
        RUN mkdir /srv/uploads && chmod 777 /srv/uploads
        USER 10001

    Passing:
        FROM debian:13-slim
        COPY app /opt/app
        RUN mkdir /srv/uploads && chown 10001:10001 /srv/uploads
        USER 10001

    Fix:
        Give the directories the app writes to the user that needs them
        (`chown -R 10001:10001 /srv/uploads`), keep the code owned by root, and keep modes
        at 755/644 or tighter. Shared scratch directories need the sticky bit (1777), as
        /tmp has.
    """

    id = "HT107"
    name = "world-writable"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "root-risks"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag chmod modes that give write access to others without the sticky bit."""
        for inst, mode, how in file_modes(ctx):
            if _world_writable(mode):
                yield self.at(inst, f"{how} lets every user in the container rewrite these "
                                    f"files, so a low-privilege foothold can replace what root "
                                    f"or the app later runs.")


def _world_writable(mode: str) -> bool:
    """Others may write, and the sticky bit (which makes /tmp-style dirs safe) is not set."""
    sticky = (len(mode) == 4 and mode.isdigit() and int(mode[0]) & 1) or "t" in mode
    return mode_grants(mode, "o", "w") and not sticky
