"""HT106: sudo or su used in a RUN, or sudo installed in the image."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._run import run_commands
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule

_INSTALLERS = {"apt-get": "install", "apt": "install", "apk": "add", "yum": "install",
               "dnf": "install", "microdnf": "install", "zypper": "install"}


class SudoInImage(DockerfileRule):
    """A RUN uses sudo or su, or installs sudo into the image.

    Why:
        sudo in an image is a ready-made path back to root: anyone who gets a shell as
        the unprivileged user can try its configuration, its password prompts and its
        own vulnerabilities. At build time it is never needed, because each RUN already
        executes as the current USER and you can switch with `USER` instead, and it
        behaves badly as PID 1 (TTY handling, signal forwarding).

    Failing:
        FROM debian:13-slim
        RUN useradd --uid 10001 app
        USER 10001
        RUN sudo apt-get update

    Passing:
        FROM debian:13-slim
        RUN apt-get update && useradd --uid 10001 app
        USER 10001

    Fix:
        Run the privileged steps before `USER`, as root, then switch once. If the
        entrypoint must drop privileges at start-up, use `gosu` or `su-exec`, not sudo.
    """

    id = "HT106"
    name = "sudo-in-image"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "root-risks"
    aliases = ("DL3004", "DS-0010", "CKV2_DOCKER_1")

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag sudo/su commands, and sudo among installed packages."""
        for cmd in run_commands(ctx):
            if cmd.program in ("sudo", "su"):
                yield self.at(cmd.inst, f"RUN calls {cmd.program}: build steps already run "
                                        f"as the current USER, and a {cmd.program} left in the "
                                        f"image gives an attacker a way back to root.")
            elif (_INSTALLERS.get(cmd.program) in cmd.words[1:]
                  and "sudo" in cmd.words[2:] and cmd.inst.stage in ctx.final_chain):
                yield self.at(cmd.inst, "sudo is installed into the final image: anyone who "
                                        "gets a shell in the container has a ready path back "
                                        "to root.")
