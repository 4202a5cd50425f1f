"""What a RUN does to the image's users and files, and the steps that fail for lack of root.

Only commands whose effect is certain are followed: package managers, user and group tools,
``mkdir``, ``chown``, ``chmod``, ``install``, ``touch``, ``rm``, ``ln``, ``cp``, ``mv``,
``tee``, ``sed -i``, ``npm`` and output redirections, inside ``&&`` chains and ``sh -c``.
Any other command leaves the paths it names unknown: the model never guesses.

Facts the failures rest on:
- A non-root user cannot install packages: apt and dpkg need write access to
  /var/lib/dpkg and /var/lib/apt/lists (root-owned, 0755: Debian Policy 10.9), apk to
  /lib/apk/db; ``useradd`` and friends must lock and rewrite /etc/passwd (root-owned).
- Only root may give a file to another user (chown(2), "Only a privileged process may
  change the owner of a file": https://man7.org/linux/man-pages/man2/chown.2.html), and
  only a file's owner or root may chmod it (chmod(2)).
- RUN steps run with umask 022 (runc sets it when the spec gives none:
  https://github.com/opencontainers/runc/blob/main/libcontainer/rootfs_linux.go), so what
  they create is 0755 (directories) or 0644 (files) unless told otherwise.
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

import fnmatch
import posixpath
import re
from dataclasses import dataclass, field

from tutor.analysis.base_images import MissingCommand
from tutor.analysis.facts import installed_by
from tutor.analysis.image_accounts import Accounts, Identity, parse_user_command
from tutor.analysis.image_files import Entry, FileTree, apply_mode, describe, may, normalize
from tutor.analysis.shell import Command, Pipeline, program

_PACKAGE_WRITES = {
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
_ACCOUNT_TOOLS = frozenset({"useradd", "adduser", "groupadd", "addgroup", "usermod", "userdel",
                            "deluser", "groupdel", "delgroup", "groupmod", "chpasswd", "passwd"})
# Commands that change no file (their output redirections are still followed).
_READ_ONLY = frozenset({"echo", "printf", "cat", "test", "[", "[[", "true", "false", "ls",
                        "grep", "egrep", "which", "id", "whoami", "set", "export", "env",
                        "command", "type", "sleep", "exit", "uname", "head", "tail", "wc",
                        "sha256sum", "sha512sum", "md5sum", "stat", "readlink", "realpath",
                        "getent", "date", "pwd", ":", "find", "du", "df", "awk", "sort",
                        "tr", "cut", "xargs", "basename", "dirname", "uniq", "file", "diff",
                        "cmp", "jq"})
_REDIRECT = re.compile(r"^(\d*|&)(>>?|>\|)(.*)$")
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


@dataclass(frozen=True, slots=True)
class Failure:
    """A build step that fails: ``user`` cannot do ``action`` on ``line`` because ``why``."""

    line: int
    user: Identity
    action: str
    why: str
    # A few words for the profile panel, when "ACTION fails, USER is X" does not fit.
    brief: str = ""
    # How to fix it, when the failure is not about the user (HT111 shows it).
    fix: str = ""


@dataclass(slots=True)
class RunState:
    """What a RUN sees and changes: the stage's users, files, current user and folder."""

    accounts: Accounts
    tree: FileTree
    user: Identity
    cwd: str | None
    env: dict[str, str | None] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    # Commands the image lacks; installing their package removes them (shared with the stage).
    lacks: dict[str, MissingCommand] = field(default_factory=dict)

    def home(self) -> str | None:
        """$HOME for the current user, when the model knows it."""
        if self.user.is_root:
            return "/root"
        account = self.accounts.users.get(self.user.name or "") or (
            self.accounts.by_uid(self.user.uid) if self.user.uid is not None else None)
        return account.home if account else None


def apply_run(pipelines: list[Pipeline], line: int, state: RunState) -> None:
    """Follow one RUN's commands in order (``cd`` carries to the next command)."""
    start_cwd = state.cwd
    for pipeline in pipelines:
        for words in pipeline:
            _command(words, line, state)
    state.cwd = start_cwd  # each RUN starts in WORKDIR again


def _expand(word: str, state: RunState) -> str | None:
    """A word with $VAR, ${VAR} and a leading ~ replaced; None when a value is unknown."""
    if word.startswith("~") and (len(word) == 1 or word[1] == "/"):
        home = state.home()
        if home is None:
            return None
        word = home + word[1:]
    unknown = False

    def value(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1)
        found = state.home() if name == "HOME" and name not in state.env else state.env.get(name)
        if found is None:
            unknown = True
            return ""
        return found

    expanded = _VARIABLE.sub(value, word)
    return None if unknown or "$" in expanded or "`" in expanded else expanded


def _path(word: str, state: RunState) -> str | None:
    expanded = _expand(word, state)
    if expanded is None or not expanded or (state.cwd is None and not expanded.startswith("/")):
        return None
    return normalize(expanded, state.cwd or "/")


def _fail(state: RunState, line: int, action: str, why: str) -> None:
    state.failures.append(Failure(line, state.user, action, why))


def _split_redirects(words: Command) -> tuple[Command, list[tuple[str, bool]]]:
    """The command without its redirections, and the files it writes (path, appends)."""
    kept: Command = []
    targets: list[tuple[str, bool]] = []
    i = 0
    while i < len(words):
        match = _REDIRECT.match(words[i])
        if match and match.group(1) in ("", "1", "2", "&"):
            target = match.group(3)
            if not target and i + 1 < len(words):
                i += 1
                target = words[i]
            if target and not target.startswith("&") and target != "/dev/null":
                targets.append((target, match.group(2) == ">>"))
        elif words[i].startswith("<"):
            if words[i] in ("<", "<<", "<<<") and i + 1 < len(words):
                i += 1
        else:
            kept.append(words[i])
        i += 1
    return kept, targets


def _command(words: Command, line: int, state: RunState) -> None:
    words, writes = _split_redirects(words)
    for target, _ in writes:
        _write_file(target, line, state, f"write {target}")
    if not words:
        return
    name = program(words)
    if name == "cd":
        state.cwd = _path(words[1], state) if len(words) > 1 else state.home()
        return
    missing = state.lacks.get(name)
    if missing is not None:
        _missing(missing, line, state)
        return
    handler = _HANDLERS.get(name)
    if handler is not None:
        handler(words, line, state)
    elif name in _ACCOUNT_TOOLS:
        _accounts(words, name, line, state)
    elif name in _PACKAGE_WRITES:
        _packages(words, name, line, state)
    elif name not in _READ_ONLY:
        _unknown(words, line, state)


def _missing(missing: MissingCommand, line: int, state: RunState) -> None:
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


def _packages(words: Command, name: str, line: int, state: RunState) -> None:
    verbs = _PACKAGE_WRITES[name]
    verb = next((w for w in words[1:] if w in verbs), None)
    if verb is not None and state.user.is_root is False:
        _fail(state, line, f"{name} {verb}",
              "installing or updating packages writes the system's package database, "
              "which only root may change")
        return
    added = set(installed_by(words))
    for command in [c for c, m in state.lacks.items() if m.package in added]:
        del state.lacks[command]


def _accounts(words: Command, name: str, line: int, state: RunState) -> None:
    if state.user.is_root is False:
        _fail(state, line, name, "it must rewrite /etc/passwd and /etc/group, which only "
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


def _flags(words: Command, with_value: frozenset[str] = frozenset()) -> tuple[
        set[str], dict[str, str], list[str]]:
    """Short and long flags, flag values and the remaining arguments of a command."""
    flags: set[str] = set()
    values: dict[str, str] = {}
    args: list[str] = []
    i = 1
    while i < len(words):
        word = words[i]
        if word == "--":
            args.extend(words[i + 1:])
            break
        if word.startswith("--"):
            key, eq, value = word.partition("=")
            if eq:
                values[key] = value
            elif key in with_value and i + 1 < len(words):
                values[key] = words[i + 1]
                i += 1
            else:
                flags.add(key)
        elif word.startswith("-") and len(word) > 1 and not re.match(r"^-[0-7]+$", word):
            letters = word[1:]
            for index, letter in enumerate(letters):
                key = f"-{letter}"
                if key in with_value:
                    rest = letters[index + 1:]
                    if rest:
                        values[key] = rest
                    elif i + 1 < len(words):
                        values[key] = words[i + 1]
                        i += 1
                    break
                flags.add(key)
        else:
            args.append(word)
        i += 1
    return flags, values, args


def _create(path: str, kind: str, line: int, state: RunState, how: str,
            mode: int | None = None, owner: Identity | None = None, parents: bool = False,
            known_contents: bool = True) -> None:
    """Make a file or directory as the current user, failing where it may not."""
    tree = state.tree
    if tree.exists(path) is True:
        return
    missing = [*_ancestors_missing(tree, path), path] if parents else [path]
    parent = tree.nearest(missing[0])
    # A folder between that ancestor and the new entry may exist, made by a base image the
    # model does not know: then the ancestor's permissions decide nothing.
    between = posixpath.dirname(missing[0])
    if parent is not None and (parent.path == between or tree.exists(between) is False) \
            and may(parent, state.user, 2) is False:
        _fail(state, line, how, f"{describe(parent)} is not writable by {state.user.shown}")
        return
    for item in missing:
        item_kind = kind if item == path else "dir"
        default = 0o755 if item_kind == "dir" else 0o644 if item_kind == "file" else None
        tree.set(Entry(item, item_kind, owner or state.user,
                       mode if item == path and mode is not None else default, line, how,
                       known_contents=known_contents or item != path))


def _ancestors_missing(tree: FileTree, path: str) -> list[str]:
    missing: list[str] = []
    parent = posixpath.dirname(path)
    while parent not in ("/", "") and tree.exists(parent) is False:
        missing.insert(0, parent)
        parent = posixpath.dirname(parent)
    return missing


def _mkdir(words: Command, line: int, state: RunState) -> None:
    flags, values, args = _flags(words, frozenset({"-m", "--mode"}))
    mode_text = values.get("-m") or values.get("--mode")
    mode = apply_mode(mode_text, 0o755, True) if mode_text else None
    parents = bool(flags & {"-p", "--parents"})
    for arg in args:
        path = _path(arg, state)
        if path is not None:
            _create(path, "dir", line, state, f"mkdir {arg}", mode, parents=parents)


def _owner_change(words: Command, line: int, state: RunState) -> None:
    flags, _, args = _flags(words, frozenset({"--from", "--reference"}))
    if len(args) < 2 or "--reference" in flags:
        _unknown(words, line, state)
        return
    spec, paths = args[0], args[1:]
    if program(words) == "chgrp":
        spec = f":{spec}"
    expanded = _expand(spec, state)
    new = state.accounts.resolve(expanded if expanded is not None else spec)
    if expanded is None:
        new = Identity(spec, None, None, None)
    recursive = bool(flags & {"-R", "--recursive"})
    current = state.user
    for arg in paths:
        path = _path(arg, state)
        if path is None:
            continue
        if current.is_root is False:
            to_other = (not spec.startswith(":")) and current.same_user(new) is False
            if to_other:
                _fail(state, line, f"chown {spec} {arg}",
                      f"only root may give a file to another user, and the build runs as "
                      f"{current.shown}")
                continue
        entry = state.tree.get(path)
        owner = new if not spec.startswith(":") else (
            Identity(entry.owner.spec.split(":")[0] + spec, entry.owner.uid, new.gid,
                     entry.owner.name) if entry and entry.owner else None)
        _set(state.tree, path, line, f"chown {spec}", owner=owner, recursive=recursive)


def _chmod(words: Command, line: int, state: RunState) -> None:
    flags, _, args = _flags(words)
    # A symbolic mode such as -w or -x parses as a flag: take it back.
    modes = [f for f in words[1:] if f.startswith("-") and re.match(r"^-[rwxXst]+$", f)]
    if not args:
        return
    if modes and not re.match(r"^[0-7]{1,4}$|^[ugoa]*[-+=]", args[0]):
        mode_text, paths = modes[0], args
    else:
        mode_text, paths = args[0], args[1:]
    recursive = bool(flags & {"-R", "--recursive"})
    for arg in paths:
        path = _path(arg, state)
        if path is None:
            continue
        entry = state.tree.get(path)
        if state.user.is_root is False and entry is not None and entry.owner is not None \
                and state.user.same_user(entry.owner) is False:
            _fail(state, line, f"chmod {mode_text} {arg}",
                  f"only its owner or root may change {describe(entry)}")
            continue
        _set(state.tree, path, line, f"chmod {mode_text}", mode_text=mode_text,
             recursive=recursive)


def _set(tree: FileTree, path: str, line: int, how: str, *, owner: Identity | None = None,
         mode_text: str | None = None, recursive: bool = False) -> None:
    """Change an existing path's owner or mode (and, with -R, everything below it)."""
    entry = tree.get(path) or Entry(path, "unknown", None, None, line, how)
    targets = [entry, *(tree.below(path) if recursive else ())]
    for item in targets:
        below = item.below
        if recursive and item is entry:
            template = below or Entry(path, "unknown", item.owner, item.mode, item.line,
                                      item.how, code=item.code)
            below = _changed(template, line, how, owner, mode_text)
        changed = _changed(item, line, how, owner, mode_text)
        tree.set(Entry(changed.path, changed.kind, changed.owner, changed.mode, line, how,
                       code=item.code, known_contents=item.known_contents, below=below,
                       from_context=changed.from_context))


def _changed(item: Entry, line: int, how: str, owner: Identity | None,
             mode_text: str | None) -> Entry:
    new_mode = item.mode
    context = item.from_context
    if mode_text is not None:
        is_dir = item.kind == "dir"
        if item.mode is None and context and not is_dir:
            # 0644 or 0755 before: known after only when both give the same mode (+x does)
            after = {apply_mode(mode_text, before, False) for before in (0o644, 0o755)}
            new_mode = after.pop() if len(after) == 1 else None
        else:
            new_mode = apply_mode(mode_text, item.mode, is_dir)
        context = context and new_mode is None
    return Entry(item.path, item.kind, owner if owner is not None else item.owner, new_mode,
                 line, how, code=item.code, known_contents=item.known_contents,
                 below=item.below, from_context=context)


def _install(words: Command, line: int, state: RunState) -> None:
    flags, values, args = _flags(words, frozenset({"-o", "--owner", "-g", "--group", "-m",
                                                   "--mode", "-t", "--target-directory"}))
    owner_text = values.get("-o") or values.get("--owner")
    group_text = values.get("-g") or values.get("--group")
    mode_text = values.get("-m") or values.get("--mode")
    owner = None
    if owner_text or group_text:
        owner = state.accounts.resolve(f"{owner_text or state.user.spec.split(':')[0]}"
                                       f"{':' + group_text if group_text else ''}")
        if state.user.is_root is False and owner_text and state.user.same_user(owner) is False:
            _fail(state, line, f"install -o {owner_text}",
                  "only root may create files for another user")
            return
    mode = apply_mode(mode_text, 0o755, True) if mode_text else 0o755
    if flags & {"-d", "--directory"}:
        for arg in args:
            path = _path(arg, state)
            if path is not None:
                _create(path, "dir", line, state, f"install -d {arg}", mode, owner, parents=True)
                _set(state.tree, path, line, "install -d", owner=owner, mode_text=f"{mode:o}")
        return
    target = values.get("-t") or values.get("--target-directory")
    destinations = [posixpath.join(target, posixpath.basename(a)) for a in args] if target \
        else args[-1:] if len(args) >= 2 else []
    for arg in destinations:
        path = _path(arg, state)
        if path is not None:
            _create(path, "file", line, state, f"install {arg}", mode, owner,
                    parents=bool(flags & {"-D"}))


def _touch(words: Command, line: int, state: RunState) -> None:
    _, _, args = _flags(words, frozenset({"-d", "-r", "-t", "--date", "--reference"}))
    for arg in args:
        _write_file(arg, line, state, f"touch {arg}")


def _tee(words: Command, line: int, state: RunState) -> None:
    _, _, args = _flags(words)
    for arg in args:
        _write_file(arg, line, state, f"tee {arg}")


def _write_file(arg: str, line: int, state: RunState, how: str) -> None:
    path = _path(arg, state)
    if path is None or path.startswith("/dev/") or path.startswith("/proc/"):
        return
    entry = state.tree.get(path)
    if entry is not None and entry.kind != "unknown":
        if may(entry, state.user, 2) is False:
            _fail(state, line, how, f"{describe(entry)} is not writable by {state.user.shown}")
        return
    _create(path, "file", line, state, how)


def _sed(words: Command, line: int, state: RunState) -> None:
    flags, _, args = _flags(words, frozenset({"-e", "--expression", "-f", "--file"}))
    if not any(f.startswith("-i") or f == "--in-place" for f in flags) and not any(
            w.startswith("-i") for w in words[1:]):
        return
    files = args[1:] if not any(k in flags for k in ("-e", "-f")) else args
    for arg in files:
        path = _path(arg, state)
        if path is None:
            continue
        parent = state.tree.nearest(path)
        if parent is not None and may(parent, state.user, 2) is False:
            # sed -i writes a new file beside the old one and renames it over
            _fail(state, line, f"sed -i {arg}",
                  f"sed -i replaces the file through {describe(parent)}, which is not "
                  f"writable by {state.user.shown}")
            continue
        entry = state.tree.get(path)
        state.tree.set(Entry(path, "file", state.user, entry.mode if entry else None, line,
                             f"sed -i {arg}", code=bool(entry and entry.code)))


def _remove(words: Command, line: int, state: RunState) -> None:
    _, _, args = _flags(words)
    for arg in args:
        path = _path(arg, state)
        if path is None:
            continue
        if any(c in path for c in "*?["):
            for known in [p for p in state.tree.entries if fnmatch.fnmatchcase(p, path)]:
                state.tree.remove(known)
            continue
        entry = state.tree.entries.get(path)
        if entry is not None and state.user.is_root is False:
            parent = state.tree.nearest(path)
            if parent is not None and may(parent, state.user, 2) is False:
                _fail(state, line, f"rm {arg}",
                      f"removing it needs write access to {describe(parent)}")
                continue
        state.tree.remove(path)


def _link(words: Command, line: int, state: RunState) -> None:
    flags, _, args = _flags(words, frozenset({"-t", "--target-directory"}))
    if len(args) == 2:
        path = _path(args[1], state)
        if path is not None:
            if flags & {"-f", "--force"}:
                state.tree.remove(path)
            _create(path, "link", line, state, f"ln {args[1]}")


def _copy_move(words: Command, line: int, state: RunState) -> None:
    flags, _, args = _flags(words, frozenset({"-t", "--target-directory"}))
    if len(args) < 2:
        return
    sources, dest = args[:-1], args[-1]
    dest_path = _path(dest, state)
    if dest_path is None:
        return
    dest_entry = state.tree.get(dest_path)
    into_dir = dest.endswith("/") or len(sources) > 1 or (
        dest_entry is not None and dest_entry.kind == "dir")
    preserve = bool(flags & {"-a", "-p", "--archive", "--preserve"})
    for source in sources:
        target = posixpath.join(dest_path, posixpath.basename(source.rstrip("/"))) \
            if into_dir else dest_path
        existing = state.tree.get(target)
        if existing is not None and existing.kind == "file":
            if may(existing, state.user, 2) is False:
                _fail(state, line, f"{program(words)} {source} {dest}",
                      f"{describe(existing)} is not writable by {state.user.shown}")
            continue
        owner = None if preserve and state.user.is_root else state.user
        _create(target, "unknown", line, state, f"{program(words)} {source}", None,
                owner, known_contents=False)
        if owner is None and target in state.tree.entries:
            state.tree.mark_unknown(target, line, f"{program(words)} -a {source}")


def _npm(words: Command, line: int, state: RunState) -> None:
    flags, _, args = _flags(words, frozenset({"--prefix"}))
    if not args or args[0] not in ("install", "i", "ci", "add", "update"):
        return
    if flags & {"-g", "--global"} or "--location=global" in words:
        if state.user.is_root is False and "NPM_CONFIG_PREFIX" not in state.env \
                and "npm_config_prefix" not in state.env and not _node_elsewhere(state):
            _fail(state, line, "npm install -g",
                  "global packages go under /usr/local, which only root may write")
        return
    if state.cwd is None:
        return
    # npm writes node_modules (ci deletes it first) and the lock file in the current folder.
    folder = state.tree.get(state.cwd)
    if folder is not None and may(folder, state.user, 2) is False:
        _fail(state, line, f"npm {args[0]}",
              f"it writes node_modules into {describe(folder)}, which is not writable by "
              f"{state.user.shown}")
        return
    _create(normalize("node_modules", state.cwd), "dir", line, state,
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


def _go(words: Command, line: int, state: RunState) -> None:
    # Go's flags are single-dash words (-trimpath, -ldflags=...); only -o matters here.
    output = None
    for index, word in enumerate(words):
        if word == "-o" and index + 1 < len(words):
            output = words[index + 1]
        elif word.startswith(("-o=", "--o=")):
            output = word.split("=", 1)[1]
    if words[1:2] != ["build"] or output is None or output.endswith("/"):
        _unknown(words, line, state)
        return
    path = _path(output, state)
    if path is not None:
        state.tree.remove(path)
        _create(path, "file", line, state, f"go build -o {output}", 0o755)


def _python(words: Command, line: int, state: RunState) -> None:
    if words[1:3] == ["-m", "venv"] and len(words) > 3:
        path = _path(words[-1], state)
        if path is not None and not words[-1].startswith("-"):
            _create(path, "dir", line, state, f"python -m venv {words[-1]}", parents=True,
                    known_contents=False)
            return
    _unknown(words, line, state)


def _unknown(words: Command, line: int, state: RunState) -> None:
    """A command the model does not follow: the paths it names become unknown."""
    for word in words[1:]:
        if word.startswith("-") or "/" not in word or "://" in word:
            continue
        path = _path(word.split("=", 1)[-1], state)
        if path is not None and path != "/" and not path.startswith(("/dev/", "/proc/")):
            state.tree.mark_unknown(path, line, f"{program(words)} (not followed)")


_HANDLERS = {
    "mkdir": _mkdir, "chown": _owner_change, "chgrp": _owner_change, "chmod": _chmod,
    "install": _install, "touch": _touch, "tee": _tee, "sed": _sed, "rm": _remove,
    "rmdir": _remove, "ln": _link, "cp": _copy_move, "mv": _copy_move, "npm": _npm,
    "go": _go, "python": _python, "python3": _python,
}
