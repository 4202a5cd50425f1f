"""What a failure means for the progress store: damage, a lock, a full disk or no access.

Only damage may move a store aside (CONVENTIONS: "only real corruption is corruption"). A
store that another program holds locked, that sits on a full disk or in a read-only folder
is healthy: moving it aside would start an empty store while the other program went on
writing into the renamed file, splitting the learner's progress across two files.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from tutor.errors import TutorError


class StoreError(TutorError):
    """The progress store cannot be used (locked, full, unwritable, or a newer format)."""


# SQLite's primary result codes (https://www.sqlite.org/rescode.html); an extended code
# keeps its primary code in the low byte (SQLITE_IOERR_SHORT_READ is 522 = 2 * 256 + 10).
_PRIMARY = {3: "PERM", 5: "BUSY", 6: "LOCKED", 8: "READONLY", 10: "IOERR", 11: "CORRUPT",
            13: "FULL", 14: "CANTOPEN", 26: "NOTADB"}
# Python 3.10's exceptions carry no code, only SQLite's message: sqlite3_errstr() for each
# code, and the variants SQLite words itself ("malformed database schema (…)" is CORRUPT).
_MESSAGES = (("database is locked", "BUSY"), ("table is locked", "LOCKED"),
             ("schema is locked", "LOCKED"), ("disk is full", "FULL"),
             ("not a database", "NOTADB"), ("malformed", "CORRUPT"),
             ("readonly database", "READONLY"), ("unable to open", "CANTOPEN"),
             ("access permission denied", "PERM"), ("disk i/o error", "IOERR"))

DAMAGE = frozenset({"CORRUPT", "NOTADB"})


def code_name(exc: sqlite3.Error) -> str:
    """The primary result code's name without ``SQLITE_`` (BUSY, FULL…), or OTHER."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if isinstance(code, int):
        return _PRIMARY.get(code & 0xFF, "OTHER")
    text = str(exc).lower()
    return next((name for words, name in _MESSAGES if words in text), "OTHER")


def is_damage(exc: sqlite3.Error) -> bool:
    """True only when SQLite says the file is damaged or is not a database at all."""
    return code_name(exc) in DAMAGE


def explain(exc: sqlite3.Error, path: Path, busy_timeout: float, doing: str = "use") -> str:
    """One line a learner can act on, for a failure that is not damage; the file is kept.

    ``doing`` completes "could not … PATH" for a failure of no kind named here.
    """
    name = code_name(exc)
    if name in ("BUSY", "LOCKED"):
        return (f"{path} is locked by another program (another hardening-tutor window, a "
                f"backup tool or the sqlite3 shell) and stayed locked for {busy_timeout:g} s; "
                f"it was left as it is. Close that program, or let it finish, and try again")
    if name == "FULL":
        return full_disk(path)
    if name == "READONLY":
        return (f"{path} is read-only here ({exc}), so progress cannot be saved; make it "
                f"writable, or pass --data-dir DIR to use another folder")
    if name in ("CANTOPEN", "PERM"):
        return (f"cannot open {path} ({exc}); check that you may read and write it and its "
                f"folder, or pass --data-dir DIR to use another folder")
    if name == "IOERR":
        return (f"the disk reported an error reading or writing {path} ({exc}); it was left "
                f"as it is. Check the disk, then try again")
    return f"could not {doing} {path}: {exc}"


def full_disk(path: Path) -> str:
    """The message for a full disk: nothing already saved is lost."""
    return (f"the disk holding {path} is full, so nothing more can be saved (what was saved "
            f"before is kept); free some space and try again")


def explain_os(exc: OSError, path: Path, doing: str) -> str:
    """One line for an ``OSError`` while ``doing`` something with ``path``."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return full_disk(path)
    return (f"cannot {doing} {path}: {exc.strerror or exc}; pass --data-dir DIR to use "
            f"another folder")
