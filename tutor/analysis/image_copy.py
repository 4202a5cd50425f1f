"""What COPY and ADD put in a stage's files: where, owned by whom, with which mode.

Facts about BuildKit, read in its source at
https://github.com/moby/buildkit/tree/73ed6825c4b7569379ef89df0aedcdbe64473d31 :

- COPY and ADD write as root unless ``--chown`` says otherwise, whatever USER is in force
  (convert_copy.go adds ``WithUser`` only for ``--chown``); files from the build context
  are root's (https://docs.docker.com/reference/dockerfile/#copy---chown---chmod), while
  ``COPY --from`` keeps the owner the files had in that stage (fsutil's copier keeps the
  source uid and gid when no chown is given).
- Missing parent directories of a COPY destination are created owned by the ``--chown``
  user and with the ``--chmod`` mode when it is octal, else 0755 (fsutil ``copy.Copy``
  calls ``MkdirAll(ensureDstPath, perm, ci.Chown, ...)`` with ``perm = *ci.Mode``).
- ``--chmod`` accepts octal or, on current frontends, symbolic modes (convert_copy.go).
- ADD of a URL writes the file with mode 600 (https://docs.docker.com/reference/dockerfile/#add).
"""

from __future__ import annotations

import posixpath

from tutor.analysis.image_accounts import ROOT
from tutor.analysis.image_files import Entry, ancestors, normalize
from tutor.analysis.image_model import StageModel
from tutor.analysis.model import Dockerfile, Instruction
from tutor.analysis.variables import split_words


def copy_flag(inst: Instruction, name: str) -> str | None:
    """The value of the instruction's ``--NAME=value`` flag, if it has one."""
    for word in inst.text.split():
        if not word.startswith("--"):
            break
        key, _, value = word[2:].partition("=")
        if key == name:
            return value
    return None


def apply_copy(inst: Instruction, model: StageModel, earlier: list[StageModel],
               dockerfile: Dockerfile) -> None:
    """Follow one COPY or ADD: the files it writes, and the folders made for them."""
    words = [w for w in split_words(inst.text) if w]
    while words and words[0].startswith("--"):
        words.pop(0)
    if inst.heredocs and len(words) >= 1:
        sources, dest = [h.delimiter for h in inst.heredocs], words[-1]
    elif len(words) >= 2:
        sources, dest = words[:-1], words[-1]
    else:
        return
    if inst.unresolved or (model.cwd is None and not dest.startswith("/")):
        return
    chown, chmod = copy_flag(inst, "chown"), copy_flag(inst, "chmod")
    from_stage = copy_flag(inst, "from")
    owner = model.accounts.resolve(chown) if chown else (None if from_stage else ROOT)
    source_model = None
    if from_stage is not None:
        named = dockerfile.stage_named(from_stage)
        if named is not None and named.index < len(earlier):
            source_model = earlier[named.index]
    mode = int(chmod, 8) if chmod and chmod.isdigit() else None
    dest_path = normalize(dest, model.cwd or "/")
    existing = model.tree.get(dest_path)
    into_dir = dest.endswith("/") or len(sources) > 1 or (
        existing is not None and existing.kind == "dir")
    is_url = any("://" in s for s in sources)
    parent_mode = mode if mode is not None else 0o755
    top = dest_path if into_dir else posixpath.dirname(dest_path)
    missing = [top, *ancestors(top)]
    for item in reversed(missing):
        if model.tree.exists(item) is False:
            model.tree.set(Entry(item, "dir", owner or ROOT, parent_mode, inst.line,
                                 f"{inst.keyword} (made for its destination)",
                                 known_contents=True))
    for source in sources:
        found = source_model.tree.get(normalize(source, source_model.cwd or "/")) \
            if source_model is not None else None
        whole_dir = source in (".", "./") or source.endswith("/") or (
            found is not None and found.kind == "dir") or (
            into_dir and "." not in posixpath.basename(source) and not is_url)
        target = dest_path if (whole_dir or not into_dir) else posixpath.join(
            dest_path, posixpath.basename(source))
        file_mode = mode if mode is not None else (0o600 if is_url else None)
        src_owner = owner
        if source_model is not None:
            # COPY --from keeps the owner (unless --chown) and the mode (unless --chmod).
            if owner is None:
                src_owner = found.owner if found else None
            if mode is None and found is not None and found.kind == "file":
                file_mode = found.mode
        kind = "dir" if whole_dir else "file"
        context = from_stage is None and not is_url
        contents = Entry(target, "unknown", src_owner, mode, inst.line, inst.keyword,
                         code=True, from_context=context)
        if kind == "dir" and existing is not None and existing.kind == "dir":
            # Contents go into an existing directory, which keeps its owner; what it held
            # stays unless a file of the same name comes from the context.
            model.tree.set(Entry(existing.path, "dir", existing.owner, existing.mode,
                                 existing.line, existing.how, existing.code,
                                 existing.known_contents, below=contents))
        else:
            model.tree.remove(target)
            dir_mode = mode if mode is not None or found is None else found.mode
            model.tree.set(Entry(target, kind, src_owner,
                                 file_mode if kind == "file" else dir_mode,
                                 inst.line, inst.keyword, code=True,
                                 below=contents if kind == "dir" else None,
                                 from_context=context))
        model.copies.append((inst, target))
