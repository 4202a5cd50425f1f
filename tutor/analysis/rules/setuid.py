"""HT108: a setuid bit is added to a file in the image."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._run import file_modes, mode_grants
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule


class SetuidBit(DockerfileRule):
    """A chmod or `--chmod` sets the setuid bit (u+s, 4755).

    Why:
        A setuid-root program runs as root no matter who starts it. Inside a container
        that undoes a non-root USER: an attacker who can run the program, or exploit a
        bug in it, gets root. Containers started with `no-new-privileges` ignore the
        bit, but most are not.

    Failing:
        FROM debian:13-slim
        COPY tool /usr/local/bin/tool
        RUN chmod u+s /usr/local/bin/tool
        USER 10001

    Passing:
        FROM debian:13-slim
        COPY tool /usr/local/bin/tool
        RUN chmod 0755 /usr/local/bin/tool
        USER 10001

    Fix:
        Remove the setuid bit; give the process the narrow permission it needs instead
        (file ownership, a port of 1024 or above, or one capability on that one binary:
        for a non-root user a file capability plus the same `cap_add`, see HT301).
    """

    id = "HT108"
    name = "setuid-bit"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "root-risks"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag chmod modes and --chmod values with the setuid bit."""
        for inst, mode, how in file_modes(ctx):
            if mode_grants(mode, "u", "s"):
                yield self.at(inst, f"{how} sets the setuid bit: the program then runs as its "
                                    f"owner (usually root) for whoever starts it, undoing the "
                                    f"non-root USER.")
