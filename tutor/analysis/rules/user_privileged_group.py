"""HT115: a user of the image is put in the root, docker, sudo or wheel group."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.interrupt import checkpoint
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._run import RunCommand, run_commands
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule
from tutor.analysis.shell import Command

# What membership hands the user, by group. sudo's packaged policies give %sudo (Debian,
# Ubuntu), %admin (older Ubuntu) and %wheel (Fedora, RHEL; Alpine's commented) root.
_ROOT_GROUP = ("the root group (gid 0): group 0's access to every file in the image, and to "
               "host files of gid 0 in any bind mount, since the container shares ids with the "
               "host unless user namespaces are on")
_DOCKER = ("the docker group: whoever can use the Docker socket, once it is mounted, starts a "
           "privileged container, which is root on the host")
_SUDOERS = "the {group} group, which sudo's default policy lets run any command as root"
_GROUPS = {"root": _ROOT_GROUP, "0": _ROOT_GROUP, "docker": _DOCKER,
           "sudo": _SUDOERS, "wheel": _SUDOERS, "admin": _SUDOERS}
# Flags that take a value, per program, in shadow-utils, Debian and BusyBox spellings.
_SHADOW = {"-b", "--base-dir", "-c", "--comment", "-d", "--home-dir", "--home", "-e",
           "--expiredate", "-f", "--inactive", "-g", "--gid", "-G", "--groups", "-k", "--skel",
           "-K", "--key", "-p", "--password", "-R", "--root", "-P", "--prefix", "-s",
           "--shell", "-u", "--uid", "-Z", "--selinux-user"}
_VALUED = {
    "useradd": frozenset(_SHADOW),
    "usermod": frozenset(_SHADOW | {"-l", "--login", "-v", "-V", "-w", "-W"}),
    "adduser": frozenset({"--home", "--shell", "--ingroup", "--gid", "--uid", "--firstuid",
                          "--lastuid", "--gecos", "--comment", "--conf", "-h", "-g", "-s",
                          "-G", "-u", "-k"}),
    "addgroup": frozenset({"-g", "--gid", "--firstgid", "--lastgid", "--conf"}),
    "gpasswd": frozenset({"-a", "--add", "-d", "--delete", "-A", "--administrators", "-M",
                          "--members"}),
}
_INSTALLERS = {"apt-get": "install", "apt": "install", "apk": "add", "yum": "install",
               "dnf": "install", "microdnf": "install", "zypper": "install"}


class UserInPrivilegedGroup(DockerfileRule):
    """A RUN adds a user to the root, docker, sudo, wheel or admin group.

    Why:
        A non-root user is only as unprivileged as its groups. In the root group (gid 0)
        it gets group 0's access to every file, in the image and in bind mounts from the
        host, which shares ids with the container. In the docker group it can drive the
        Docker engine as soon as the socket is mounted, and that is root on the host. In
        sudo, wheel or admin it may run anything as root wherever sudo is installed. The
        attacker who takes over the app inherits all of it.

    Failing:
        FROM debian:13-slim
        RUN useradd --uid 10001 --no-create-home app && usermod -aG root app
        USER 10001

    Passing:
        FROM debian:13-slim
        RUN useradd --uid 10001 --no-create-home app
        USER 10001

    Fix:
        Leave the runtime user in its own group. Give it the files it needs by owner
        (`chown 10001 /data`), not by joining root's group; keep the Docker socket out of
        the container; and drop sudo. For OpenShift's arbitrary uids, which run with gid 0
        whatever /etc/passwd says, make only the writable folders group 0 (`chgrp 0` and
        `chmod g=u`) and leave the account out of the root group.
    """

    id = "HT115"
    name = "user-in-privileged-group"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "root-risks"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """One finding per command that puts a user of the final image in such a group."""
        commands = list(run_commands(ctx, final_only=True))
        has_sudo = any(_INSTALLERS.get(c.program) in c.words[1:] and "sudo" in c.words[2:]
                       for c in commands)
        for cmd in commands:
            checkpoint()
            joined = _joins(cmd)
            if joined is None:
                continue
            user, group = joined
            gains = _GROUPS[group].format(group=group)
            shown = " ".join(cmd.words)
            how = f"`{shown}`" if len(shown) <= 60 else cmd.program
            severity = None
            if _GROUPS[group] is _SUDOERS and not has_sudo:
                severity = Severity.INFO
                gains += " (the image installs no sudo yet)"
            yield self.finding(cmd.inst.line, f"{how} puts {user} in {gains}.",
                               cmd.inst.end_line, severity=severity)


def _joins(cmd: RunCommand) -> tuple[str, str] | None:
    """(user, privileged group) when the command puts a user in such a group."""
    program = cmd.program
    if program not in ("usermod", "useradd", "adduser", "addgroup", "gpasswd"):
        return None
    values, names = _parse(cmd.words, program)
    if program == "gpasswd":
        member = values.get("-a") or values.get("--add")
        group = names[0] if names else None
        return _privileged(member, [group] if group else [])
    if program in ("adduser", "addgroup") and len(names) == 2:
        return _privileged(names[0], [names[1]])
    if not names or program == "addgroup":
        return None
    user = names[-1]
    groups = [g for key in ("-G", "--groups")
              for g in values.get(key, "").split(",") if g]
    # BusyBox adduser's -G is in ``groups`` already; its -g is the GECOS field.
    primary = values.get("--ingroup") or values.get("--gid") or (
        None if _busybox(cmd.words, program) else values.get("-g"))
    return _privileged(user, [*groups, *([primary] if primary else [])])


def _privileged(user: str | None, groups: list[str]) -> tuple[str, str] | None:
    """The first privileged group among ``groups``, for a user other than root."""
    if not user or user in ("root", "0"):
        return None
    group = next((g for g in groups if g in _GROUPS), None)
    return (user, group) if group is not None else None


def _busybox(words: Command, program: str) -> bool:
    """BusyBox adduser: short flags only, where -G names the primary group and -g is GECOS."""
    return program == "adduser" and not any(w.startswith("--") for w in words[1:])


def _parse(words: Command, program: str) -> tuple[dict[str, str], list[str]]:
    """Flag values and positional words of an account command."""
    values: dict[str, str] = {}
    names: list[str] = []
    i = 1
    while i < len(words):
        word = words[i]
        key, eq, inline = word.partition("=")
        if word.startswith("--") and eq:
            values[key] = inline
        elif word in ("-aG", "-Ga"):
            values["-G"] = words[i + 1] if i + 1 < len(words) else ""
            i += 1
        elif word in _VALUED[program]:
            values[word] = words[i + 1] if i + 1 < len(words) else ""
            i += 1
        elif not word.startswith("-"):
            names.append(word)
        i += 1
    return values, names
