"""The build context: which secret-looking files it holds and what .dockerignore keeps out.

Scanning is the only I/O here and happens once per context directory; the engine then reads
the resulting ``BuildContext`` without touching the disk, so live analysis stays cheap.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tutor.analysis.dockerignore import IgnoreFile
from tutor.analysis.secrets import secret_file_kind
from tutor.errors import InputError
from tutor.safeio import read_limited

# Folders that hold tooling or dependencies rather than the project's own files.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                        ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache",
                        "site-packages"})
# A context bigger than this is walked only this far; the report says so.
MAX_ENTRIES = 50_000
_IGNORE_LIMIT = 1_000_000


@dataclass(frozen=True, slots=True)
class SecretFile:
    """A file in the build context whose name says it holds secret material."""

    path: str  # relative to the context, slash-separated
    kind: str


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What a ``docker build`` of this directory would send, as far as secrets go."""

    root: str
    secret_files: tuple[SecretFile, ...] = ()
    ignore: IgnoreFile | None = None
    # Which ignore file was read (".dockerignore" or "<Dockerfile>.dockerignore").
    ignore_name: str | None = None
    truncated: bool = False

    def sent(self) -> tuple[SecretFile, ...]:
        """The secret-looking files that .dockerignore does not keep out of the build."""
        if self.ignore is None:
            return self.secret_files
        ignore = self.ignore
        return tuple(f for f in self.secret_files if not ignore.excluded(f.path))


def scan_context(root: Path, dockerfile: Path | None = None) -> BuildContext:
    """Walk ``root`` for secret-looking files and read the ignore file Docker would use.

    BuildKit prefers ``<Dockerfile name>.dockerignore`` beside the Dockerfile over the
    context's ``.dockerignore``; unreadable files are treated as absent.
    """
    ignore, ignore_name = _read_ignore(root, dockerfile)
    found: list[SecretFile] = []
    entries = 0
    truncated = False
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS)
        entries += len(names) + len(subdirs)
        if entries > MAX_ENTRIES:
            truncated = True
            break
        relative_dir = Path(directory).relative_to(root).as_posix()
        for name in sorted(names):
            relative = name if relative_dir == "." else f"{relative_dir}/{name}"
            kind = secret_file_kind(relative)
            if kind is not None and not is_special(Path(directory) / name):
                found.append(SecretFile(relative, kind))
    return BuildContext(str(root), tuple(found), ignore, ignore_name, truncated)


def _read_ignore(root: Path, dockerfile: Path | None) -> tuple[IgnoreFile | None, str | None]:
    candidates = []
    if dockerfile is not None:
        candidates.append(dockerfile.with_name(dockerfile.name + ".dockerignore"))
    candidates.append(root / ".dockerignore")
    for path in candidates:
        try:
            data = read_limited(path, _IGNORE_LIMIT, ".dockerignore")
        except InputError:
            continue  # missing, unreadable, too big, or a FIFO or device: treated as absent
        return IgnoreFile.parse(data.decode("utf-8", errors="replace")), path.name
    return None, None


def is_special(path: Path) -> bool:
    """True for a FIFO, device or socket: no content a build could copy, so no secret file."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode))


def context_from_files(paths: Iterable[str], ignore_text: str | None,
                       ignore_name: str = ".dockerignore", root: str = ".") -> BuildContext:
    """A build context for files held in memory (an exercise), without touching the disk."""
    found = tuple(SecretFile(path, kind) for path in sorted(paths)
                  if (kind := secret_file_kind(path)) is not None)
    ignore = IgnoreFile.parse(ignore_text) if ignore_text is not None else None
    return BuildContext(root, found, ignore, ignore_name if ignore is not None else None)
