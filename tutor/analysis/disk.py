"""Reading a build folder from disk: one walk with one skip list, and bounded reads.

``check`` finds its Dockerfiles with ``list_folder`` and lists each build context with it;
the workbench lists its folder with it when the folder changes. What they read is handed to
``tutor.analysis.folder`` as data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Container
from pathlib import Path

from tutor.analysis.context import Listing
from tutor.analysis.folder import ignore_candidates
from tutor.analysis.secret_contents import CONTENT_LIMIT, content_decides
from tutor.errors import InputError
from tutor.safeio import read_limited

# Folders that hold other people's code, tooling or caches, never the project's own files.
# Hidden folders are walked otherwise: .devcontainer/Dockerfile is the project's own.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", ".venv", "venv",
                       "__pycache__", ".tox", ".nox", "site-packages", ".mypy_cache",
                       ".pytest_cache", ".ruff_cache", ".cache"})
# A build context bigger than this is listed only this far; the listing says so.
MAX_ENTRIES = 50_000
_IGNORE_LIMIT = 1_000_000


def os_reason(error: OSError) -> str:
    """What went wrong, in the words the other messages use."""
    return "permission denied" if isinstance(error, PermissionError) else (
        error.strerror or str(error))


def list_folder(root: Path, *, limit: int | None = MAX_ENTRIES,
                unlisted: Callable[[Path, OSError], None] | None = None,
                contents: bool = True) -> Listing:
    """Every file below ``root``, each folder's own files before its subfolders', by name.

    Folders in ``SKIP_DIRS`` and links to folders are not entered. FIFOs, devices and
    sockets are listed and marked special. Past ``limit`` files the listing stops and says
    it was truncated. A subfolder that cannot be listed goes to ``unlisted`` and is passed
    over; a root that cannot be listed is an ``InputError``. With ``contents``, the few
    files whose content decides whether they hold a secret (an ``.npmrc``) are read too.
    """
    paths: list[str] = []
    special: set[str] = set()
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(root / folder if folder else root) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError as exc:
            if not folder:
                raise InputError(f"{root}: cannot list this directory: {os_reason(exc)}") \
                    from None
            if unlisted is not None:
                unlisted(root / folder, exc)
            continue
        subfolders: list[str] = []
        for entry in entries:
            relative = f"{folder}/{entry.name}" if folder else entry.name
            if _is_folder(entry):
                if entry.name not in SKIP_DIRS and not entry.is_symlink():
                    subfolders.append(relative)
                continue
            if limit is not None and len(paths) >= limit:
                return _listing(root, paths, True, special, contents)
            paths.append(relative)
            if is_special(entry):
                special.add(relative)
        pending.extend(reversed(subfolders))
    return _listing(root, paths, False, special, contents)


def _listing(root: Path, paths: list[str], truncated: bool, special: set[str],
             contents: bool) -> Listing:
    """The listing, with the text of each file whose content decides if it is a secret."""
    texts: list[tuple[str, str]] = []
    for path in paths if contents else ():
        if path in special or not content_decides(path):
            continue
        try:
            data = read_limited(root / path, CONTENT_LIMIT, "config file")
        except InputError:  # unreadable or too big: judged by its name
            continue
        texts.append((path, data.decode("utf-8", errors="replace")))
    return Listing(tuple(paths), truncated, frozenset(special), tuple(texts))


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one (listed as neither file nor folder, as ``os.walk`` does)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def is_special(entry: os.DirEntry[str]) -> bool:
    """True for a FIFO, device or socket: no content a build could copy, so no secret file."""
    try:
        return not (entry.is_file(follow_symlinks=False) or entry.is_symlink()
                    or entry.is_dir(follow_symlinks=False))
    except OSError:
        return False


def read_ignore_file(root: Path, dockerfile: str | None,
                     skip: Container[str] = ()) -> dict[str, str]:
    """The ignore file BuildKit would read for ``dockerfile`` in ``root``, by name.

    Names in ``skip`` are left to the caller (an open editor buffer). A missing, unreadable
    or oversized file, or a FIFO or device, counts as absent, and the next candidate is tried.
    """
    for name in ignore_candidates(dockerfile):
        if name in skip:
            continue
        try:
            data = read_limited(root / name, _IGNORE_LIMIT, ".dockerignore")
        except InputError:
            continue
        return {name: data.decode("utf-8", errors="replace")}
    return {}
