"""How a RUN creates, writes, links, copies and removes files, and where the user may not.

The commands: ``mkdir``, ``install``, ``touch``, ``tee`` and output redirections, ``sed -i``,
``ln``, ``cp``, ``mv``, ``rm`` and ``rmdir``. Writing needs write access to the file, creating
or removing one write access to its folder.

Facts the modes rest on:
- RUN steps run with umask 022 (runc sets it when the spec gives none:
  https://github.com/opencontainers/runc/blob/main/libcontainer/rootfs_linux.go), so what
  they create is 0755 (directories) or 0644 (files) unless told otherwise.
"""

from __future__ import annotations

import fnmatch
import posixpath

from tutor.analysis.image_accounts import Identity
from tutor.analysis.image_files import Entry, FileTree, apply_mode, describe, may
from tutor.analysis.image_run_permissions import set_owner_and_mode
from tutor.analysis.image_run_state import RunState
from tutor.analysis.shell import Command, command_flags, program


def create(path: str, kind: str, line: int, state: RunState, how: str,
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
        state.fail(line, how, f"{describe(parent)} is not writable by {state.user.shown}")
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


def write_file(arg: str, line: int, state: RunState, how: str) -> None:
    """Write the file ``arg`` names (``touch``, ``tee``, ``>``): it must be writable."""
    path = state.path(arg)
    if path is None or path.startswith("/dev/") or path.startswith("/proc/"):
        return
    entry = state.tree.get(path)
    if entry is not None and entry.kind != "unknown":
        if may(entry, state.user, 2) is False:
            state.fail(line, how, f"{describe(entry)} is not writable by {state.user.shown}")
        return
    create(path, "file", line, state, how)


def mkdir(words: Command, line: int, state: RunState) -> None:
    """``mkdir``: directories made as the current user (``-p`` makes the parents too)."""
    flags, values, args = command_flags(words, frozenset({"-m", "--mode"}))
    mode_text = values.get("-m") or values.get("--mode")
    mode = apply_mode(mode_text, 0o755, True) if mode_text else None
    parents = bool(flags & {"-p", "--parents"})
    for arg in args:
        path = state.path(arg)
        if path is not None:
            create(path, "dir", line, state, f"mkdir {arg}", mode, parents=parents)


def install(words: Command, line: int, state: RunState) -> None:
    """``install``: files or (``-d``) directories with an owner and mode it may give."""
    flags, values, args = command_flags(words, frozenset({
        "-o", "--owner", "-g", "--group", "-m", "--mode", "-t", "--target-directory"}))
    owner_text = values.get("-o") or values.get("--owner")
    group_text = values.get("-g") or values.get("--group")
    mode_text = values.get("-m") or values.get("--mode")
    owner = None
    if owner_text or group_text:
        owner = state.accounts.resolve(f"{owner_text or state.user.spec.split(':')[0]}"
                                       f"{':' + group_text if group_text else ''}")
        if state.user.is_root is False and owner_text and state.user.same_user(owner) is False:
            state.fail(line, f"install -o {owner_text}",
                       "only root may create files for another user")
            return
    mode = apply_mode(mode_text, 0o755, True) if mode_text else 0o755
    if flags & {"-d", "--directory"}:
        for arg in args:
            path = state.path(arg)
            if path is not None:
                create(path, "dir", line, state, f"install -d {arg}", mode, owner, parents=True)
                set_owner_and_mode(state.tree, path, line, "install -d", owner=owner,
                                   mode_text=f"{mode:o}")
        return
    target = values.get("-t") or values.get("--target-directory")
    destinations = [posixpath.join(target, posixpath.basename(a)) for a in args] if target \
        else args[-1:] if len(args) >= 2 else []
    for arg in destinations:
        path = state.path(arg)
        if path is not None:
            create(path, "file", line, state, f"install {arg}", mode, owner,
                   parents=bool(flags & {"-D"}))


def touch(words: Command, line: int, state: RunState) -> None:
    """``touch``: each file written, or made, as the current user."""
    _, _, args = command_flags(words, frozenset({"-d", "-r", "-t", "--date", "--reference"}))
    for arg in args:
        write_file(arg, line, state, f"touch {arg}")


def tee(words: Command, line: int, state: RunState) -> None:
    """``tee``: each file written, or made, as the current user."""
    _, _, args = command_flags(words)
    for arg in args:
        write_file(arg, line, state, f"tee {arg}")


def sed(words: Command, line: int, state: RunState) -> None:
    """``sed -i``: a new file renamed over the old one, so its folder must be writable."""
    flags, _, args = command_flags(words, frozenset({"-e", "--expression", "-f", "--file"}))
    if not any(f.startswith("-i") or f == "--in-place" for f in flags) and not any(
            w.startswith("-i") for w in words[1:]):
        return
    files = args[1:] if not any(k in flags for k in ("-e", "-f")) else args
    for arg in files:
        path = state.path(arg)
        if path is None:
            continue
        parent = state.tree.nearest(path)
        if parent is not None and may(parent, state.user, 2) is False:
            # sed -i writes a new file beside the old one and renames it over
            state.fail(line, f"sed -i {arg}",
                       f"sed -i replaces the file through {describe(parent)}, which is not "
                       f"writable by {state.user.shown}")
            continue
        entry = state.tree.get(path)
        state.tree.set(Entry(path, "file", state.user, entry.mode if entry else None, line,
                             f"sed -i {arg}", code=bool(entry and entry.code)))


def remove(words: Command, line: int, state: RunState) -> None:
    """``rm`` and ``rmdir``, globs included: removing needs write access to the folder."""
    _, _, args = command_flags(words)
    for arg in args:
        path = state.path(arg)
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
                state.fail(line, f"rm {arg}",
                           f"removing it needs write access to {describe(parent)}")
                continue
        state.tree.remove(path)


def link(words: Command, line: int, state: RunState) -> None:
    """``ln``: the link made as the current user (``-f`` removes what was there)."""
    flags, _, args = command_flags(words, frozenset({"-t", "--target-directory"}))
    if len(args) == 2:
        path = state.path(args[1])
        if path is not None:
            if flags & {"-f", "--force"}:
                state.tree.remove(path)
            create(path, "link", line, state, f"ln {args[1]}")


def copy_move(words: Command, line: int, state: RunState) -> None:
    """``cp`` and ``mv``: the copies belong to the user, or keep their owner with ``-a``."""
    flags, _, args = command_flags(words, frozenset({"-t", "--target-directory"}))
    if len(args) < 2:
        return
    sources, dest = args[:-1], args[-1]
    dest_path = state.path(dest)
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
                state.fail(line, f"{program(words)} {source} {dest}",
                           f"{describe(existing)} is not writable by {state.user.shown}")
            continue
        owner = None if preserve and state.user.is_root else state.user
        create(target, "unknown", line, state, f"{program(words)} {source}", None,
               owner, known_contents=False)
        if owner is None and target in state.tree.entries:
            state.tree.mark_unknown(target, line, f"{program(words)} -a {source}")
