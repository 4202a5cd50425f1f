"""HT503: the image runs, installs or exposes an SSH server."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._run import run_commands
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule

_INSTALLERS = {"apt-get": "install", "apt": "install", "apk": "add", "yum": "install",
               "dnf": "install", "microdnf": "install", "zypper": "install"}
_SERVER_PACKAGES = frozenset({"openssh-server", "dropbear", "dropbear-bin", "tinysshd"})
# Packages people install for the client that pull in the server too, by package manager:
# https://pkgs.alpinelinux.org/package/edge/main/x86_64/openssh (depends on openssh-server)
# https://packages.debian.org/trixie/ssh ("client and server (metapackage)")
_METAPACKAGES = {"apk": "openssh", "apt-get": "ssh", "apt": "ssh"}
_DAEMONS = frozenset({"sshd", "dropbear", "tinysshd"})
_VERSION = re.compile(r"[=~<>].*$")


class ExposeSsh(DockerfileRule):
    """The image runs an SSH server: EXPOSE 22, sshd as its command, or an SSH server installed.

    Why:
        An SSH daemon in a container is one more network service with its own keys and
        passwords to leak, usually running as root, and it invites people to patch and
        debug containers by hand. An attacker who finds weak credentials or a baked-in
        host key gets an interactive shell. The port need not be in an EXPOSE line to be
        reachable: any container on the same network, or a `-p 2222:22`, gets to it.

    Failing:
        FROM debian:13-slim
        RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
        USER 10001

    Passing:
        FROM debian:13-slim
        RUN apt-get update && apt-get install -y --no-install-recommends openssh-client
        USER 10001

    Fix:
        Remove sshd (and EXPOSE 22). Use `docker exec` or `kubectl exec` (or a debug
        container) to get a shell when you need one; install `openssh-client` if the
        image only connects out.
    """

    id = "HT503"
    name = "expose-ssh"
    topic = Topic.GENERAL
    severity = Severity.WARNING
    lesson = "root-risks"
    aliases = ("DS-0004", "CKV_DOCKER_1")

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """EXPOSE of port 22; else a command that starts sshd; else an SSH server installed."""
        exposed = list(self._exposed(ctx))
        if exposed:
            yield from exposed
            return
        for inst in ctx.instructions("CMD", "ENTRYPOINT"):
            if inst.stage in ctx.final_chain and _DAEMONS & {
                    posixpath.basename(w.strip('[]",\'')) for w in inst.value.split()}:
                yield self.at(inst, f"{inst.keyword} starts an SSH server: one more root service "
                                    f"whose keys and passwords an attacker can use for a "
                                    f"shell, reachable from the container's network even "
                                    f"without EXPOSE 22.")
                return
        yield from self._installed(ctx)

    def _exposed(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """EXPOSE of port 22 (alone or inside a range), in any protocol."""
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

    def _installed(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """The first SSH server package installed into the final image."""
        meta: Finding | None = None
        for cmd in run_commands(ctx, final_only=True):
            verb = _INSTALLERS.get(cmd.program)
            if verb is None or verb not in cmd.words[1:]:
                continue
            after = cmd.words[cmd.words.index(verb) + 1:]
            packages = {_VERSION.sub("", w) for w in after if not w.startswith("-")}
            server = sorted(packages & _SERVER_PACKAGES)
            if server:
                yield self.at(cmd.inst, f"{cmd.program} installs {server[0]}, an SSH server: "
                                        f"one more root service whose keys and passwords an "
                                        f"attacker can use for a shell, reachable from the "
                                        f"container's network even without EXPOSE 22.")
                return
            package = _METAPACKAGES.get(cmd.program)
            if package in packages and meta is None:
                meta = self.finding(
                    cmd.inst.line, f"{cmd.program} {verb} {package} installs the SSH server "
                                   f"(sshd) as well as the client: the {package} package pulls "
                                   f"in openssh-server.", cmd.inst.end_line,
                    fix="Install `openssh-client` if the image only connects out with ssh, "
                        "scp or git; it leaves sshd out.", severity=Severity.INFO)
        if meta is not None:
            yield meta
