"""The COPY and ADD sources the secret rules share, and the secret files they carry in."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from tutor.analysis.context import SecretFile
from tutor.analysis.model import Instruction
from tutor.analysis.rules._secrets import memo
from tutor.analysis.rules.base import DockerfileContext
from tutor.analysis.secrets import secret_file_kind
from tutor.analysis.variables import split_words


@dataclass(frozen=True, slots=True)
class CopySource:
    """One source of a COPY or ADD."""

    inst: Instruction
    source: str
    from_stage: str | None
    destination: str


def copy_sources(ctx: DockerfileContext) -> list[CopySource]:
    """The sources of every COPY and ADD, with their ``--from`` and destination."""
    return memo(ctx.memo, "copy_sources", lambda: list(_copy_sources(ctx)))


def _copy_sources(ctx: DockerfileContext) -> Iterator[CopySource]:
    for inst in ctx.instructions("COPY", "ADD"):
        if inst.heredocs:
            continue
        words = split_words(inst.text, ctx.escape)
        from_stage: str | None = None
        args: list[str] = []
        for word in words:
            if word.startswith("--"):
                if word.startswith("--from="):
                    from_stage = word[len("--from="):]
                continue
            args.append(word)
        if len(args) < 2:
            continue
        for source in args[:-1]:
            if "://" in source or source.startswith("git@"):
                continue
            yield CopySource(inst, source, from_stage, args[-1])


def clean_source(source: str) -> str:
    """A context-relative source path: ``./a/`` and ``/a`` are ``a``; the root is ``.``."""
    cleaned = posixpath.normpath("/" + source.strip()).lstrip("/")
    return cleaned or "."


@dataclass(frozen=True, slots=True)
class CopiedSecret:
    """A secret file a COPY/ADD puts into a layer, and where it lands in the image."""

    source: CopySource
    kind: str
    path_in_image: str
    # True when the file came in with a whole directory (``COPY . .``), not by name.
    swept: bool = False


@dataclass(frozen=True, slots=True)
class SweptSecrets:
    """The secret-looking context files one directory or glob source carries in."""

    source: CopySource
    files: tuple[SecretFile, ...]


def copied_secrets(ctx: DockerfileContext) -> list[CopiedSecret]:
    """Secrets named as sources, then secret files swept in with directories."""
    return memo(ctx.memo, "copied_secrets", lambda: _copied(ctx))


def _copied(ctx: DockerfileContext) -> list[CopiedSecret]:
    # A file the listing read and found to hold no credential is no secret by any name.
    cleared = ctx.build_context.cleared if ctx.build_context is not None else frozenset()
    found = [CopiedSecret(src, kind, _landing(src, posixpath.basename(clean_source(src.source))))
             for src in copy_sources(ctx) if (kind := secret_file_kind(src.source)) is not None
             and (src.from_stage is not None or clean_source(src.source) not in cleared)]
    for swept in swept_secrets(ctx):
        root = clean_source(swept.source.source)
        for file in swept.files:
            inside = file.path if root == "." else file.path[len(root) + 1:]
            found.append(CopiedSecret(swept.source, file.kind, _landing(swept.source, inside),
                                      swept=True))
    return found


def swept_secrets(ctx: DockerfileContext) -> list[SweptSecrets]:
    """For each context source that is a directory or glob, the secret files it sends."""
    return memo(ctx.memo, "swept_secrets", lambda: list(_swept(ctx)))


def _swept(ctx: DockerfileContext) -> Iterator[SweptSecrets]:
    build = ctx.build_context
    if build is None:
        return
    sent = build.sent()
    if not sent:
        return
    for src in copy_sources(ctx):
        if src.from_stage is not None or secret_file_kind(src.source) is not None:
            continue
        root = clean_source(src.source)
        files = tuple(f for f in sent if f.path != root and _under(f.path, root))
        if files:
            yield SweptSecrets(src, files)


def _under(path: str, root: str) -> bool:
    """Whether a COPY of ``root`` (a directory or a glob) carries ``path``."""
    if root == ".":
        return True
    if path.startswith(root + "/"):
        return True
    if any(ch in root for ch in "*?["):
        parts = path.split("/")
        return any(fnmatch.fnmatchcase("/".join(parts[:i]), root)
                   for i in range(1, len(parts) + 1))
    return False


def _landing(src: CopySource, inside: str) -> str:
    """Where a copied file ends up: under the destination folder, or the destination itself."""
    dest = src.destination
    if dest.endswith("/") or dest in (".", "./") or inside.count("/") or \
            clean_source(src.source) == "." or any(c in src.source for c in "*?["):
        return posixpath.normpath(posixpath.join(dest, inside))
    return posixpath.normpath(dest)
