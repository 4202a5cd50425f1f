"""The progress database file: opening it, checking it is sound and ours, and its tables.

`connect` opens a store for writing and creates what is missing; `connect_read_only` opens
an existing one with SQLite's read-only mode and changes nothing. Only `Unreadable` (damage
SQLite reports, or a file that is not ours) lets the caller move a file aside.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from tutor.progress.failures import StoreError, explain, is_damage

# The version changes only when an older hardening-tutor would misread the file. Adding a
# table does not: older versions never look at it (exam_leases came without a new version;
# an older version ignores leases, as it did before they existed). Format 2 keys progress by
# course (`tutor.content.identity`), which format 1's readers and writers would not expect.
SCHEMA_VERSION = 2
# How long to wait for another program's lock before saying so. Our own transactions last
# milliseconds; a lock held longer is a backup tool, the sqlite3 shell or a stuck process.
BUSY_TIMEOUT = 5.0
# What the course column of a row kept before format 2 says: no course yet. The first
# course opened that has the row's lesson, exercise or question takes it (see
# `ProgressStore.adopt_unassigned`).
UNASSIGNED = ""

# Each table's columns; the schema is "CREATE TABLE IF NOT EXISTS" for each, so an existing
# store gets a new table when it is opened.
_TABLES = {
    "meta": "(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "learners": "(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)",
    "lessons_read": """(
        learner INTEGER NOT NULL REFERENCES learners(id), course TEXT NOT NULL,
        lesson TEXT NOT NULL, read_at TEXT NOT NULL, PRIMARY KEY (learner, course, lesson))""",
    "solutions": """(
        learner INTEGER NOT NULL REFERENCES learners(id), course TEXT NOT NULL,
        exercise TEXT NOT NULL, solved_at TEXT NOT NULL, files TEXT NOT NULL,
        hints_used INTEGER NOT NULL, PRIMARY KEY (learner, course, exercise))""",
    # A practice quiz in progress or done: its questions in order, each with the order its
    # choices are shown in; ended_at is set when the last of them is answered.
    "practice_rounds": """(
        id INTEGER PRIMARY KEY, learner INTEGER NOT NULL REFERENCES learners(id),
        course TEXT NOT NULL, topic TEXT NOT NULL, served TEXT NOT NULL,
        started_at TEXT NOT NULL, ended_at TEXT)""",
    "practice_answers": """(
        id INTEGER PRIMARY KEY, learner INTEGER NOT NULL REFERENCES learners(id),
        course TEXT NOT NULL, question TEXT NOT NULL, topic TEXT NOT NULL,
        correct INTEGER NOT NULL, answer TEXT NOT NULL, answered_at TEXT NOT NULL,
        round INTEGER REFERENCES practice_rounds(id))""",
    "places": """(
        learner INTEGER NOT NULL REFERENCES learners(id), course TEXT NOT NULL,
        place TEXT NOT NULL, updated_at TEXT NOT NULL, PRIMARY KEY (learner, course))""",
    "exam_attempts": """(
        id TEXT PRIMARY KEY, learner TEXT NOT NULL, exam TEXT NOT NULL,
        number INTEGER NOT NULL, started_at TEXT NOT NULL, deadline TEXT, ended_at TEXT,
        spec TEXT NOT NULL, served TEXT NOT NULL, course_hash TEXT NOT NULL,
        tool_version TEXT NOT NULL, record TEXT, UNIQUE (learner, exam, number))""",
    "exam_answers": """(
        attempt TEXT NOT NULL REFERENCES exam_attempts(id), position INTEGER NOT NULL,
        answer TEXT, flagged INTEGER NOT NULL DEFAULT 0, answered_at TEXT NOT NULL,
        PRIMARY KEY (attempt, position))""",
    # Which session has an attempt open (tutor.progress.exams): one row per open attempt.
    "exam_leases": """(
        attempt TEXT PRIMARY KEY REFERENCES exam_attempts(id), holder TEXT NOT NULL,
        pid INTEGER NOT NULL, host TEXT NOT NULL, claimed_at TEXT NOT NULL,
        heartbeat TEXT NOT NULL)""",
}
SCHEMA = "".join(f"CREATE TABLE IF NOT EXISTS {name} {columns};\n"
                 for name, columns in _TABLES.items())

# Format 1's progress tables, which had no course column: each one's columns as format 2
# names them, with the course the rows had none of. Exam tables are the same in both
# formats, and their signed records are never rewritten.
_FORMAT_1 = {
    "lessons_read": "learner, '' AS course, lesson, read_at",
    "solutions": "learner, '' AS course, exercise, solved_at, files, hints_used",
    "practice_answers": ("id, learner, '' AS course, question, topic, correct, answer, "
                         "answered_at, NULL AS round"),
    "places": "learner, '' AS course, place, updated_at",
}


class Unreadable(Exception):
    """The file exists but is not a usable progress database."""


def connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open the database, check it, and create or verify its tables.

    ``Unreadable`` means the file is damaged or not ours (it may be moved aside);
    anything else, a lock or a full disk included, is a `StoreError` and the file is kept.
    """
    try:
        connection = sqlite3.connect(path, timeout=busy_timeout)
    except sqlite3.Error as exc:
        raise StoreError(explain(exc, path, busy_timeout)) from exc
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = FULL")
        check(connection)
        with connection:
            connection.executescript(SCHEMA)
            row = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                connection.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        version = stored_version(connection)
        if version <= SCHEMA_VERSION and (version < SCHEMA_VERSION or _format_1(connection)):
            _upgrade(connection, path, version)
    except sqlite3.Error as exc:
        connection.close()
        if is_damage(exc):
            raise Unreadable(str(exc)) from exc
        raise StoreError(explain(exc, path, busy_timeout)) from exc
    except (Unreadable, StoreError):
        connection.close()
        raise
    if version > SCHEMA_VERSION:
        connection.close()
        raise StoreError(f"{path} was written by a newer hardening-tutor (format {version}); "
                         f"upgrade, or pass --data-dir DIR to use another folder")
    return connection


def _format_1(connection: sqlite3.Connection) -> list[str]:
    """The progress tables still in format 1's shape (without a course column)."""
    return [name for name in _FORMAT_1
            if "course" not in {row[1] for row in connection.execute(
                f"PRAGMA table_info({name})")}]


def _upgrade(connection: sqlite3.Connection, path: Path, version: int) -> None:
    """Bring a format 1 store to format 2 in one transaction, after keeping a copy of it.

    Every row is kept, with no course yet (`UNASSIGNED`); the copy, ``progress.db.format-1``
    beside it, is what an older hardening-tutor can still open. Exam attempts and their
    signed records are not touched.
    """
    if str(path) != ":memory:":
        copy = path.with_name(f"{path.name}.format-{version}")
        if not copy.exists():
            partial = copy.with_name(copy.name + ".partial")
            target = sqlite3.connect(partial)
            try:
                connection.backup(target)
            finally:
                target.close()
            os.replace(partial, copy)
    connection.execute("BEGIN IMMEDIATE")
    try:
        for name in _format_1(connection):
            # SQLite cannot change a primary key in place: the table is built anew.
            connection.execute(f"CREATE TABLE upgraded_{name} {_TABLES[name]}")
            connection.execute(f"INSERT INTO upgraded_{name} SELECT {_FORMAT_1[name]} "
                               f"FROM {name}")
            connection.execute(f"DROP TABLE {name}")
            connection.execute(f"ALTER TABLE upgraded_{name} RENAME TO {name}")
        connection.execute("UPDATE meta SET value = ? WHERE key = 'schema'",
                           (str(SCHEMA_VERSION),))
        connection.commit()
    except BaseException:
        connection.rollback()
        raise


def connect_read_only(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """Open an existing store with SQLite's read-only mode, checked but never changed."""
    # A URI, so that mode=ro reaches SQLite; as_uri() percent-encodes '?', '#' and '%'.
    uri = path.absolute().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=busy_timeout)
    except sqlite3.Error as exc:
        raise StoreError(explain(exc, path, busy_timeout)) from exc
    try:
        tables = check(connection)
        version = stored_version(connection) if "meta" in tables else SCHEMA_VERSION
        # A store from before a table existed reads as having none of those rows: the
        # missing tables are made empty in memory, the file is not touched.
        connection.execute("PRAGMA temp_store = MEMORY")
        for name, columns in _TABLES.items():
            if name not in tables:
                connection.execute(f"CREATE TEMP TABLE {name} {columns}")
        # A format 1 store is read in format 2's shape: a view in memory, named as the
        # table, comes first in SQLite's name lookup, and gives every row no course yet.
        for name in _format_1(connection):
            connection.execute(f"CREATE TEMP VIEW {name} AS SELECT {_FORMAT_1[name]} "
                               f"FROM main.{name}")
    except (sqlite3.Error, Unreadable) as exc:
        connection.close()
        if isinstance(exc, Unreadable) or is_damage(exc):
            raise StoreError(f"{path} cannot be read ({exc}); it was left as it is (the "
                             f"sqlite3 shell's .recover command may save what is in it)"
                             ) from exc
        raise StoreError(explain(exc, path, busy_timeout)) from exc
    if version > SCHEMA_VERSION:
        connection.close()
        raise StoreError(f"{path} was written by a newer hardening-tutor (format {version}); "
                         f"read it with that version")
    return connection


def check(connection: sqlite3.Connection) -> set[str]:
    """The file's tables, once SQLite finds it sound and it is ours (or empty)."""
    status = connection.execute("PRAGMA quick_check").fetchone()
    if status is None or status[0] != "ok":
        raise Unreadable(f"integrity check: {status[0] if status else 'no answer'}")
    tables = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and "meta" not in tables:
        raise Unreadable("it is not a hardening-tutor progress file")
    return tables


def stored_version(connection: sqlite3.Connection) -> int:
    """The format version the store says it has."""
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is None:
        return SCHEMA_VERSION
    if not str(row[0]).isdigit():
        raise Unreadable(f"unknown format version '{row[0]}'")
    return int(row[0])


def move_aside(path: Path) -> Path:
    """Rename a broken store (and its journal files) so nothing in it is lost."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{counter}")
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm", "-journal"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                os.replace(extra, target.with_name(target.name + suffix))
    except OSError as exc:
        raise StoreError(f"{path} cannot be read and cannot be moved aside "
                         f"({exc.strerror or exc}); move it yourself, or pass --data-dir DIR"
                         ) from exc
    return target
