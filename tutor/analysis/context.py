"""The build context: which secret-looking files it holds and what .dockerignore keeps out.

Pure data. A folder's ``Listing`` comes from one walk of the disk (``tutor.analysis.disk``)
or from an exercise's files; ``build_context`` turns it into what the rules read. The few
files whose content decides whether they hold a secret (an ``.npmrc``) are read with the
listing, never while the rules run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tutor.analysis.dockerignore import IgnoreFile
from tutor.analysis.secret_contents import holds_secret
from tutor.analysis.secrets import secret_file_kind


@dataclass(frozen=True, slots=True)
class SecretFile:
    """A file in the build context whose name says it holds secret material."""

    path: str  # relative to the context, slash-separated
    kind: str


@dataclass(frozen=True, slots=True)
class Listing:
    """Every file below a build folder's root: relative, slash-separated paths."""

    paths: tuple[str, ...] = ()
    # The walk stopped early (too many files, or the folder could not be listed).
    truncated: bool = False
    # FIFOs, devices and sockets: names with no content a build could copy.
    special: frozenset[str] = frozenset()
    # (path, text) of the files whose content decides whether they hold a secret
    # (``secret_contents.content_decides``), as read with the listing; a file missing here
    # (unreadable, too big) is judged by its name.
    contents: tuple[tuple[str, str], ...] = ()
    # Worked out on first use and kept: the workbench analyses one listing on every edit.
    _secrets: tuple[SecretFile, ...] | None = field(default=None, init=False, repr=False,
                                                    compare=False)
    _cleared: frozenset[str] | None = field(default=None, init=False, repr=False,
                                            compare=False)

    def secret_files(self) -> tuple[SecretFile, ...]:
        """The files whose names say they hold secrets, in one order whoever listed them.

        A config file read and found to hold no credential (an ``.npmrc`` that only reads
        ``${NPM_TOKEN}``) is left out.
        """
        if self._secrets is None:
            cleared = self.cleared()
            found = [SecretFile(path, kind) for path in self.paths if path not in self.special
                     and path not in cleared and (kind := secret_file_kind(path)) is not None]
            found.sort(key=lambda file: _walk_order(file.path))
            object.__setattr__(self, "_secrets", tuple(found))  # a cache, not a change
        assert self._secrets is not None
        return self._secrets

    def cleared(self) -> frozenset[str]:
        """The files named like secret files whose content was read and holds no secret."""
        if self._cleared is None:
            object.__setattr__(self, "_cleared", frozenset(  # a cache, not a change
                path for path, text in self.contents if not holds_secret(text)))
        assert self._cleared is not None
        return self._cleared


@dataclass(frozen=True, slots=True)
class BuildContext:
    """What a ``docker build`` of this directory would send, as far as secrets go."""

    root: str
    secret_files: tuple[SecretFile, ...] = ()
    ignore: IgnoreFile | None = None
    # Which ignore file was read (".dockerignore" or "<Dockerfile>.dockerignore").
    ignore_name: str | None = None
    truncated: bool = False
    # Files named like secret files that were read and hold none: a COPY of one is no leak.
    cleared: frozenset[str] = frozenset()

    def sent(self) -> tuple[SecretFile, ...]:
        """The secret-looking files that .dockerignore does not keep out of the build."""
        if self.ignore is None:
            return self.secret_files
        ignore = self.ignore
        return tuple(f for f in self.secret_files if not ignore.excluded(f.path))


def build_context(listing: Listing, ignore: IgnoreFile | None, ignore_name: str | None,
                  root: str = ".") -> BuildContext:
    """What the rules read about a folder: its secret-looking files and its ignore file."""
    return BuildContext(root, listing.secret_files(), ignore,
                        ignore_name if ignore is not None else None, listing.truncated,
                        listing.cleared())


def _walk_order(path: str) -> tuple[tuple[str, ...], str]:
    """A folder's own files first, by name, then each subfolder's, as a walk meets them."""
    *folders, name = path.split("/")
    return tuple(folders), name
