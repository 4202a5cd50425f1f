"""What a RUN's installers and builders do: package managers, user and group tools, ``npm``,
``go build`` and ``python -m venv``, and what happens when the image lacks a command.

Facts the failures rest on:
- A non-root user cannot install packages: apt and dpkg need write access to
  /var/lib/dpkg and /var/lib/apt/lists (root-owned, 0755: Debian Policy 10.9), apk to
  /lib/apk/db; ``useradd`` and friends must lock and rewrite /etc/passwd (root-owned).
- ``go build -o FILE`` writes the program with mode 0777 less the umask, so 0755
  (cmd/go/internal/work: built commands are written 0777, https://github.com/golang/go).
- A command the image does not have stops the RUN: BusyBox's shell, Alpine's /bin/sh, reports
  "NAME: not found" (``ash_msg_and_raise_error("%s: not found")`` in shell/ash.c,
  https://github.com/mirror/busybox), and the command exits 127. Which commands an image
  lacks, and the package that adds them, is in data/base_images.json (``lacks``).
- ``npm install -g`` writes below the global prefix, /usr/local in the official node images,
  and fails with EACCES for other users:
  https://docs.npmjs.com/resolving-eacces-permissions-errors-when-installing-packages-globally
"""

from __future__ import annotations

from tutor.analysis.base_images import MissingCommand
from tutor.analysis.facts import installed_by
from tutor.analysis.image_accounts import parse_user_command
from tutor.analysis.image_files import Entry, describe, may, normalize
from tutor.analysis.image_run_files import create
from tutor.analysis.image_run_state import Failure, RunState, not_followed
from tutor.analysis.shell import Command, command_flags

# The package managers, and the verbs with which they write the package database.
PACKAGE_WRITES = {
    "apt-get": {"install", "update", "upgrade", "dist-upgrade", "remove", "purge",
                "autoremove", "clean", "build-dep"},
    "apt": {"install", "update", "upgrade", "full-upgrade", "remove", "purge", "autoremove"},
    "aptitude": {"install", "update", "upgrade", "remove", "purge"},
    "dpkg": {"-i", "--install", "-r", "--remove", "-P", "--purge"},
    "apk": {"add", "del", "update", "upgrade", "fix"},
    "yum": {"install", "update", "upgrade", "remove", "erase", "groupinstall", "makecache"},
    "dnf": {"install", "update", "upgrade", "remove", "erase", "makecache", "group"},
    "microdnf": {"install", "update", "upgrade", "remove"},
    "zypper": {"install", "in", "update", "up", "remove", "rm", "refresh", "ref"},
    "rpm": {"-i", "-U", "--install", "--upgrade", "-e", "--erase", "-ivh", "-Uvh"},
}
ACCOUNT_TOOLS = frozenset({"useradd", "adduser", "groupadd", "addgroup", "usermod", "userdel",
                           "deluser", "groupdel", "delgroup", "groupmod", "chpasswd", "passwd"})


def missing_command(missing: MissingCommand, line: int, state: RunState) -> None:
    """A command the image does not have: the shell stops with "not found"."""
    name, package = missing.command, missing.package
    instead = (f"Use {missing.instead.split()[0]}, which the image has "
               f"(`{missing.instead}`), or install" if missing.instead else "Install")
    state.failures.append(Failure(
        line, state.user, name,
        f"the image has no {name} command (it comes with the {package} package, which the "
        f"image does not install), so the shell stops with \"{name}: not found\"",
        f"{name} is not in the image", f"{instead} the {package} package in an earlier "
                                       f"step, or in the same RUN before {name}."))


def package_tool(words: Command, name: str, line: int, state: RunState) -> None:
    """A package manager: root only when it writes; what it installs the image then has."""
    verbs = PACKAGE_WRITES[name]
    verb = next((w for w in words[1:] if w in verbs), None)
    if verb is not None and state.user.is_root is False:
        state.fail(line, f"{name} {verb}",
                   "installing or updating packages writes the system's package database, "
                   "which only root may change")
        return
    added = set(installed_by(words))
    for command in [c for c, m in state.lacks.items() if m.package in added]:
        del state.lacks[command]


def account_tool(words: Command, name: str, line: int, state: RunState) -> None:
    """A user or group tool: root only; the account it adds, and its home, join the image."""
    if state.user.is_root is False:
        state.fail(line, name, "it must rewrite /etc/passwd and /etc/group, which only "
                               "root may change")
        return
    account, group = parse_user_command(words, name, line, state.accounts)
    if group is not None:
        state.accounts.add_group(*group)
    if account is not None:
        state.accounts.add(account)
        if account.creates_home and account.home:
            home = normalize(account.home)
            owner = state.accounts.resolve(account.name)
            state.tree.set(Entry(home, "dir", owner, None, line, f"{name} {account.name}",
                                 known_contents=True))


def npm(words: Command, line: int, state: RunState) -> None:
    """``npm install``: node_modules in the current folder, or with ``-g`` /usr/local."""
    flags, _, args = command_flags(words, frozenset({"--prefix"}))
    if not args or args[0] not in ("install", "i", "ci", "add", "update"):
        return
    if flags & {"-g", "--global"} or "--location=global" in words:
        if state.user.is_root is False and "NPM_CONFIG_PREFIX" not in state.env \
                and "npm_config_prefix" not in state.env and not _node_elsewhere(state):
            state.fail(line, "npm install -g",
                       "global packages go under /usr/local, which only root may write")
        return
    if state.cwd is None:
        return
    # npm writes node_modules (ci deletes it first) and the lock file in the current folder.
    folder = state.tree.get(state.cwd)
    if folder is not None and may(folder, state.user, 2) is False:
        state.fail(line, f"npm {args[0]}",
                   f"it writes node_modules into {describe(folder)}, which is not writable by "
                   f"{state.user.shown}")
        return
    create(normalize("node_modules", state.cwd), "dir", line, state,
           f"npm {args[0]} (creates node_modules)", known_contents=False)


def _node_elsewhere(state: RunState) -> bool:
    """Whether PATH may find node outside /usr/local (conda's /opt/conda/bin first, as the
    Jupyter images set it): npm's global prefix is the folder above the node it runs on."""
    for folder in (state.env.get("PATH") or "").split(":"):
        if folder in ("/usr/local/sbin", "/usr/local/bin"):
            return False
        if folder.endswith("/bin") and "node_modules" not in folder and \
                folder not in ("/usr/sbin", "/usr/bin", "/sbin", "/bin"):
            return True
    return False


def go(words: Command, line: int, state: RunState) -> None:
    """``go build -o FILE``: the program, mode 0755; any other go command is not followed."""
    # Go's flags are single-dash words (-trimpath, -ldflags=...); only -o matters here.
    output = None
    for index, word in enumerate(words):
        if word == "-o" and index + 1 < len(words):
            output = words[index + 1]
        elif word.startswith(("-o=", "--o=")):
            output = word.split("=", 1)[1]
    if words[1:2] != ["build"] or output is None or output.endswith("/"):
        not_followed(words, line, state)
        return
    path = state.path(output)
    if path is not None:
        state.tree.remove(path)
        create(path, "file", line, state, f"go build -o {output}", 0o755)


def python(words: Command, line: int, state: RunState) -> None:
    """``python -m venv DIR``: the folder; any other python command is not followed."""
    if words[1:3] == ["-m", "venv"] and len(words) > 3:
        path = state.path(words[-1])
        if path is not None and not words[-1].startswith("-"):
            create(path, "dir", line, state, f"python -m venv {words[-1]}", parents=True,
                   known_contents=False)
            return
    not_followed(words, line, state)
