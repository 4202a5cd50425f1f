"""How ``chown``, ``chgrp`` and ``chmod`` in a RUN change who owns a file and its mode.

Facts the failures rest on:
- Only root may give a file to another user (chown(2), "Only a privileged process may
  change the owner of a file": https://man7.org/linux/man-pages/man2/chown.2.html), and
  only a file's owner or root may chmod it (chmod(2)).
"""

from __future__ import annotations

import re

from tutor.analysis.image_accounts import Identity
from tutor.analysis.image_files import Entry, FileTree, apply_mode, describe
from tutor.analysis.image_run_state import RunState, not_followed
from tutor.analysis.shell import Command, command_flags, program


def owner_change(words: Command, line: int, state: RunState) -> None:
    """``chown`` and ``chgrp``: a new owner or group, which only root may give away."""
    flags, _, args = command_flags(words, frozenset({"--from", "--reference"}))
    if len(args) < 2 or "--reference" in flags:
        not_followed(words, line, state)
        return
    spec, paths = args[0], args[1:]
    if program(words) == "chgrp":
        spec = f":{spec}"
    expanded = state.expand(spec)
    new = state.accounts.resolve(expanded if expanded is not None else spec)
    if expanded is None:
        new = Identity(spec, None, None, None)
    recursive = bool(flags & {"-R", "--recursive"})
    current = state.user
    for arg in paths:
        path = state.path(arg)
        if path is None:
            continue
        if current.is_root is False:
            to_other = (not spec.startswith(":")) and current.same_user(new) is False
            if to_other:
                state.fail(line, f"chown {spec} {arg}",
                           f"only root may give a file to another user, and the build runs "
                           f"as {current.shown}")
                continue
        entry = state.tree.get(path)
        owner = new if not spec.startswith(":") else (
            Identity(entry.owner.spec.split(":")[0] + spec, entry.owner.uid, new.gid,
                     entry.owner.name) if entry and entry.owner else None)
        set_owner_and_mode(state.tree, path, line, f"chown {spec}", owner=owner,
                           recursive=recursive)


def chmod(words: Command, line: int, state: RunState) -> None:
    """``chmod``: a new mode, which only the file's owner or root may set."""
    flags, _, args = command_flags(words)
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
        path = state.path(arg)
        if path is None:
            continue
        entry = state.tree.get(path)
        if state.user.is_root is False and entry is not None and entry.owner is not None \
                and state.user.same_user(entry.owner) is False:
            state.fail(line, f"chmod {mode_text} {arg}",
                       f"only its owner or root may change {describe(entry)}")
            continue
        set_owner_and_mode(state.tree, path, line, f"chmod {mode_text}", mode_text=mode_text,
                           recursive=recursive)


def set_owner_and_mode(tree: FileTree, path: str, line: int, how: str, *,
                       owner: Identity | None = None, mode_text: str | None = None,
                       recursive: bool = False) -> None:
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
