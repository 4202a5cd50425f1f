"""HT503: the image exposes the SSH port."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, Rule


class ExposeSsh(Rule):
    """EXPOSE 22: the container is meant to run an SSH server.

    Why:
        An SSH daemon in a container is one more network service with its own keys and
        passwords to leak, usually running as root, and it invites people to patch and
        debug containers by hand. An attacker who finds weak credentials or a baked-in
        host key gets an interactive shell.

    Failing:
        FROM debian:13-slim
        EXPOSE 22
        USER 10001

    Passing:
        FROM debian:13-slim
        EXPOSE 8080
        USER 10001

    Fix:
        Remove sshd and EXPOSE 22. Use `docker exec` or `kubectl exec` (or a debug
        container) to get a shell when you need one.
    """

    id = "HT503"
    name = "expose-ssh"
    topic = Topic.GENERAL
    severity = Severity.WARNING
    lesson = "root-risks"
    aliases = ("DS-0004", "CKV_DOCKER_1")

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag EXPOSE of port 22 (alone or inside a range), in any protocol."""
        for inst in ctx.instructions("EXPOSE"):
            for word in inst.text.split():
                port = word.split("/", 1)[0]
                low, _, high = port.partition("-")
                if low.isdigit() and (int(low) == 22 or
                                      (high.isdigit() and int(low) <= 22 <= int(high))):
                    yield self.at(inst, f"EXPOSE {word} advertises SSH: an sshd in the "
                                        f"container is one more root service whose keys and "
                                        f"passwords an attacker can use for a shell.")
                    break
