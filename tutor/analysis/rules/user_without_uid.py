"""HT105: a user or group is created without a fixed ID."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._run import run_commands
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule

# Programs and the flags that fix the numeric ID they assign.
_ID_FLAGS = {
    "useradd": ("-u", "--uid"),
    "adduser": ("-u", "--uid"),
    "groupadd": ("-g", "--gid"),
    "addgroup": ("-g", "--gid"),
}


class UserWithoutUid(DockerfileRule):
    """A user or group is created without a fixed UID or GID.

    Why:
        Without `--uid`, useradd takes the next free number, which changes when the base
        image adds or drops a system user. Files written to volumes by the old image then
        belong to someone else, and `runAsUser` policies or `USER 10001` lines stop
        matching the account you created.

    Failing:
        FROM debian:13-slim
        RUN useradd --create-home app
        USER 10001

    Passing:
        FROM debian:13-slim
        RUN useradd --uid 10001 --create-home app
        USER 10001

    Fix:
        Pass an explicit ID: `useradd --uid 10001 …`, `groupadd --gid 10001 …`, or on
        Alpine `adduser -u 10001 -D app` and `addgroup -g 10001 app`.
    """

    id = "HT105"
    name = "user-without-uid"
    topic = Topic.ROOT
    severity = Severity.INFO
    lesson = "non-root-user"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag useradd/adduser/groupadd/addgroup without an ID flag in the final image."""
        for cmd in run_commands(ctx, final_only=True):
            flags = _ID_FLAGS.get(cmd.program)
            if flags is None or len(cmd.words) < 2:
                continue
            words = cmd.words[1:]
            if any(w in flags or any(w.startswith(f + "=") or (len(f) == 2 and
                   w.startswith(f) and w[2:].isdigit()) for f in flags) for w in words):
                continue
            # `adduser app group` on Debian adds an existing user to a group: no ID assigned.
            if cmd.program == "adduser" and len([w for w in words if not w.startswith("-")]) == 2:
                continue
            kind = "group" if "group" in cmd.program else "user"
            yield self.at(cmd.inst, f"{cmd.program} creates a {kind} without a fixed "
                                    f"{'GID' if kind == 'group' else 'UID'}, so its number "
                                    f"depends on the base image and can change between builds.")
