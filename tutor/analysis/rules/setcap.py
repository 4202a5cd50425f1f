"""HT301: file capabilities granted with setcap."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.lazyre import LazyPattern
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._run import run_commands
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule

_CAP = LazyPattern(r"cap_[a-z_]+", re.IGNORECASE)
# Binding ports below 1024 is the one capability commonly granted this way on purpose.
_LOW_RISK = frozenset({"cap_net_bind_service"})


class FileCapabilities(DockerfileRule):
    """A RUN grants Linux capabilities to a program file with setcap.

    Why:
        File capabilities travel with the binary: every user who runs it gets them,
        including an attacker with an unprivileged shell. `cap_sys_admin`,
        `cap_net_raw`, `cap_dac_override` and friends are most of root's power, and they
        are invisible in `docker run` flags, so reviewers of the runtime configuration
        never see them. The container also needs those capabilities in its bounding set,
        which pushes operators to run it with fewer restrictions.

    Failing:
        FROM debian:13-slim
        RUN apt-get update && apt-get install -y libcap2-bin \
            && setcap cap_net_raw+ep /usr/bin/ping
        USER 10001

    Passing:
        FROM debian:13-slim
        RUN apt-get update && apt-get install -y iputils-ping
        USER 10001

    Fix:
        Drop the setcap step if the program can do without: to listen on a low port, use
        port 1024 or above instead. If it truly needs a capability and runs as root,
        grant it at run time instead (`--cap-add` or compose `cap_add`, after
        `cap_drop: [ALL]`), where it is visible and reviewable. A non-root process cannot
        use a capability granted only at run time, since Docker puts it in the bounding
        set alone (moby/moby#36587): keep the file capability to that one capability on
        that one binary, and grant the same one in `cap_add` so reviewers see it.
    """

    id = "HT301"
    name = "file-capabilities"
    topic = Topic.CAPABILITIES
    severity = Severity.WARNING
    lesson = "capabilities"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag setcap calls that add capabilities (``setcap -r`` removes them)."""
        for cmd in run_commands(ctx):
            if cmd.program != "setcap" or "-r" in cmd.words:
                continue
            caps = sorted({c.lower() for w in cmd.words[1:] for c in _CAP.findall(w)})
            if not caps:
                continue
            shown = ", ".join(caps)
            if set(caps) <= _LOW_RISK:
                yield self.finding(cmd.inst.line,
                                   f"setcap grants {shown} to a program file; ports from 1024 "
                                   f"up need no capability at all.", cmd.inst.end_line,
                                   severity=Severity.INFO)
            else:
                yield self.at(cmd.inst, f"setcap grants {shown} to a program file: anyone who "
                                        f"runs it, including an attacker with an unprivileged "
                                        f"shell, gets that part of root's power.")
