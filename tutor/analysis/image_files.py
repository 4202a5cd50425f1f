"""What the image's filesystem holds, as far as the Dockerfile tells: owners and modes.

Each known path has an ``Entry``: its owner, group and permission bits (None where unknown)
and the line that last set them. A directory's ``below`` describes everything in it that has
no entry of its own (``COPY . /app``, ``chown -R``). A path with no entry is either absent
(in a directory whose contents the model knows) or unknown.

Facts the defaults rest on:
- System directories are owned by root and writable only by it; files root:root 644 or 755.
  Debian Policy 10.9, https://www.debian.org/doc/debian-policy/ch-files.html#permissions-and-owners
- /tmp and /var/tmp are world-writable with the sticky bit (1777).
  FHS 3.0, https://refspecs.linuxfoundation.org/FHS_3.0/fhs/ch03s18.html
- /root is root's home, 0700 in Debian's base-files and Alpine's baselayout.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from tutor.analysis.image_accounts import ROOT, Identity

_STANDARD_DIRS = ("/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/media",
                  "/mnt", "/opt", "/proc", "/run", "/sbin", "/srv", "/sys", "/usr",
                  "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin", "/usr/local/lib",
                  "/usr/local/sbin", "/usr/local/share", "/usr/sbin", "/usr/share", "/var",
                  "/var/cache", "/var/lib", "/var/log", "/var/mail", "/var/opt", "/var/spool",
                  "/var/run")
_STICKY_DIRS = ("/tmp", "/var/tmp")


@dataclass(frozen=True, slots=True)
class Entry:
    """One path in the image: who owns it and its permission bits (None: unknown)."""

    path: str
    kind: str  # "dir", "file" or "link"
    owner: Identity | None
    mode: int | None
    line: int = 0  # the instruction that last set it; 0 for the base image
    how: str = "the base image"
    code: bool = False  # content from the build context or another stage
    known_contents: bool = False  # a directory the build made: anything not listed is absent
    # What everything below this directory is like, where it has no entry of its own.
    below: Entry | None = None
    # Copied from the build context without --chmod: 0644 or 0755 files (git keeps only the
    # execute bit, https://git-scm.com/docs/git-update-index#_configuration) and 0755
    # directories.
    from_context: bool = False

    @property
    def unknown(self) -> bool:
        """True when the model cannot say who owns it."""
        return self.owner is None


def normalize(path: str, cwd: str = "/") -> str:
    """An absolute, clean path (``..`` resolved lexically, as Docker does for WORKDIR)."""
    joined = path if path.startswith("/") else posixpath.join(cwd or "/", path)
    clean = posixpath.normpath(joined)
    return "/" if clean in ("", ".", "//") else clean.replace("//", "/")


class FileTree:
    """The known paths of one stage's filesystem."""

    def __init__(self, entries: dict[str, Entry] | None = None, base_known: bool = False) -> None:
        self.entries: dict[str, Entry] = dict(entries or {})
        # True when paths outside the standard directories are absent from the base image.
        self.base_known = base_known

    @classmethod
    def for_base(cls, scratch: bool, base_known: bool) -> FileTree:
        """The standard layout of a Linux base image (nothing at all for scratch)."""
        tree = cls(base_known=base_known or scratch)
        if scratch:
            tree.entries["/"] = Entry("/", "dir", ROOT, 0o755, known_contents=True)
            return tree
        for path in _STANDARD_DIRS:
            tree.entries[path] = Entry(path, "dir", ROOT, 0o755)
        for path in _STICKY_DIRS:
            tree.entries[path] = Entry(path, "dir", ROOT, 0o1777)
        tree.entries["/root"] = Entry("/root", "dir", ROOT, 0o700)
        return tree

    def copy(self) -> FileTree:
        """An independent copy, for a stage that builds on this one."""
        return FileTree(self.entries, self.base_known)

    def get(self, path: str) -> Entry | None:
        """The entry that describes ``path``: its own, or a ``tree`` ancestor's."""
        own = self.entries.get(path)
        if own is not None:
            return own
        for parent in ancestors(path):
            entry = self.entries.get(parent)
            if entry is not None:
                return replace(entry.below, path=path) if entry.below is not None else None
        return None

    def exists(self, path: str) -> bool | None:
        """True, False, or None when the model cannot tell."""
        if self.get(path) is not None:
            return True
        parent = self.nearest(path)
        if parent is None:
            return None
        if parent.known_contents or (self.base_known and parent.line == 0):
            return False
        return None

    def nearest(self, path: str) -> Entry | None:
        """The closest existing ancestor with an entry (the directory a new file goes in)."""
        deepest = None
        for parent in ancestors(path):
            own = self.entries.get(parent)
            if own is not None:
                # One walk up: a folder's ``below`` speaks for the ancestors passed on the way.
                if deepest is not None and own.below is not None:
                    return replace(own.below, path=deepest)
                return own
            if deepest is None:
                deepest = parent
        return None

    def set(self, entry: Entry) -> None:
        """Record an entry, creating its missing parents as directories owned like it."""
        self.entries[entry.path] = entry

    def remove(self, path: str) -> None:
        """Forget a path and everything below it."""
        prefix = path.rstrip("/") + "/"
        for known in [p for p in self.entries if p == path or p.startswith(prefix)]:
            del self.entries[known]

    def below(self, path: str) -> Iterator[Entry]:
        """Entries strictly below ``path``."""
        prefix = path.rstrip("/") + "/"
        return (e for p, e in self.entries.items() if p.startswith(prefix))

    def mark_unknown(self, path: str, line: int, how: str) -> None:
        """A command the model does not follow touched this path."""
        kind = self.entries[path].kind if path in self.entries else "unknown"
        self.entries[path] = Entry(path, kind, None, None, line, how,
                                   below=Entry(path, "unknown", None, None, line, how))
        for entry in list(self.below(path)):
            del self.entries[entry.path]


def ancestors(path: str) -> Iterator[str]:
    """``/a/b/c`` -> ``/a/b``, ``/a``, ``/``."""
    while path not in ("/", ""):
        path = posixpath.dirname(path)
        yield path


# Permission checks --------------------------------------------------------------------------

def may(entry: Entry, who: Identity, perm: int) -> bool | None:
    """Whether ``who`` has permission ``perm`` (4 read, 2 write, 1 execute) on ``entry``.

    Root may do anything except execute a file with no execute bit at all. A mode the
    model does not know still grants the owner read and write (files from the build
    context are 644 or 755: git keeps only the execute bit), but nothing else is assumed.
    """
    if who.is_root:
        if perm == 1 and entry.kind == "file":
            return None if entry.mode is None else bool(entry.mode & 0o111)
        return True
    owner = entry.owner
    if owner is None:
        return None
    mode = entry.mode
    if mode is None and entry.from_context:
        if perm == 1 and entry.kind != "dir":
            return None
        mode = 0o755 if entry.kind == "dir" else 0o644 if perm != 1 else None
    same = who.same_user(owner)
    if same:
        if mode is None:
            return True if perm in (2, 4) else None
        return bool(mode & (perm << 6))
    if mode is None:
        return None
    owner_bit, group_bit, other_bit = (bool(mode & (perm << 6)), bool(mode & (perm << 3)),
                                       bool(mode & perm))
    if same is None:  # it may be the owner: only a bit set (or clear) for all three decides
        if owner_bit and group_bit and other_bit:
            return True
        return False if not (owner_bit or group_bit or other_bit) else None
    if other_bit:
        return True
    if not group_bit:
        return False
    if owner.gid is not None and who.gid is not None and owner.gid == who.gid:
        return True
    return None  # group members may: supplementary groups are not followed


def can_create_in(tree: FileTree, path: str, who: Identity) -> tuple[bool | None, Entry | None]:
    """Whether ``who`` may create ``path``: write and search on the directory it goes in."""
    parent = tree.nearest(path)
    if parent is None:
        return None, None
    return may(parent, who, 2), parent


# Modes ----------------------------------------------------------------------------------

_OCTAL = re.compile(r"^[0-7]{1,4}$")
_CLAUSE = re.compile(r"^([ugoa]*)([-+=])([rwxXst]*)$")
_BITS = {"r": 4, "w": 2, "x": 1}


def apply_mode(mode_text: str, current: int | None, is_dir: bool) -> int | None:
    """The permission bits after ``chmod mode_text``; None when they cannot be known."""
    if _OCTAL.match(mode_text):
        return int(mode_text, 8)
    if current is None:
        return None
    mode = current
    for clause in mode_text.split(","):
        match = _CLAUSE.match(clause)
        if not match:
            return None
        targets = match.group(1) or "a"
        if "a" in targets:
            targets = "ugo"
        op, perms = match.group(2), match.group(3)
        bits = 0
        for who in targets:
            shift = {"u": 6, "g": 3, "o": 0}[who]
            for perm in perms:
                if perm in _BITS:
                    bits |= _BITS[perm] << shift
                elif perm == "X" and (is_dir or mode & 0o111):
                    bits |= 1 << shift
                elif perm == "s" and who in "ug":
                    bits |= 0o4000 if who == "u" else 0o2000
                elif perm == "t":
                    bits |= 0o1000
        if op == "+":
            mode |= bits
        elif op == "-":
            mode &= ~bits
        else:
            clear = 0
            for who in targets:
                clear |= 0o7 << {"u": 6, "g": 3, "o": 0}[who]
            mode = (mode & ~clear) | bits
    return mode


def describe(entry: Entry) -> str:
    """``/app (owned by 10001, 0755, line 4)`` for messages."""
    owner = entry.owner.shown if entry.owner else "unknown"
    mode = f", {entry.mode:04o}" if entry.mode is not None else ""
    where = f", line {entry.line}" if entry.line else ", from the base image"
    return f"{entry.path} (owned by {owner}{mode}{where})"
