"""The learner's progress in SQLite: each change is its own committed transaction.

A crash mid-write loses at most the change being written. A store that cannot be read is
moved aside, never silently replaced, and the caller gets a message to show.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.errors import TutorError

if TYPE_CHECKING:
    from tutor.progress.exams import ExamLog

SCHEMA_VERSION = 1
FILE_NAME = "progress.db"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS learners (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lessons_read (
    learner INTEGER NOT NULL REFERENCES learners(id), lesson TEXT NOT NULL,
    read_at TEXT NOT NULL, PRIMARY KEY (learner, lesson));
CREATE TABLE IF NOT EXISTS solutions (
    learner INTEGER NOT NULL REFERENCES learners(id), exercise TEXT NOT NULL,
    solved_at TEXT NOT NULL, files TEXT NOT NULL, hints_used INTEGER NOT NULL,
    PRIMARY KEY (learner, exercise));
CREATE TABLE IF NOT EXISTS practice_answers (
    id INTEGER PRIMARY KEY, learner INTEGER NOT NULL REFERENCES learners(id),
    question TEXT NOT NULL, topic TEXT NOT NULL, correct INTEGER NOT NULL,
    answer TEXT NOT NULL, answered_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS places (
    learner INTEGER PRIMARY KEY REFERENCES learners(id), place TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS exam_attempts (
    id TEXT PRIMARY KEY, learner TEXT NOT NULL, exam TEXT NOT NULL, number INTEGER NOT NULL,
    started_at TEXT NOT NULL, deadline TEXT, ended_at TEXT, spec TEXT NOT NULL,
    served TEXT NOT NULL, course_hash TEXT NOT NULL, tool_version TEXT NOT NULL,
    record TEXT, UNIQUE (learner, exam, number));
CREATE TABLE IF NOT EXISTS exam_answers (
    attempt TEXT NOT NULL REFERENCES exam_attempts(id), position INTEGER NOT NULL,
    answer TEXT, flagged INTEGER NOT NULL DEFAULT 0, answered_at TEXT NOT NULL,
    PRIMARY KEY (attempt, position));
"""


class StoreError(TutorError):
    """The progress store cannot be used (unwritable folder, or a newer format)."""


@dataclass(frozen=True, slots=True)
class Solution:
    """An exercise the learner solved, with the files that solved it."""

    exercise: str
    solved_at: str
    files: dict[str, str]
    hints_used: int


@dataclass(frozen=True, slots=True)
class TopicScore:
    """Practice results for one topic: the latest answer to each question counts."""

    topic: str
    answered: int
    correct: int


def default_data_dir() -> Path:
    """Where progress lives unless ``--data-dir`` says otherwise."""
    from platformdirs import user_data_path

    return user_data_path("hardening-tutor", appauthor=False)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class ProgressStore:
    """One learner's view of the progress database."""

    def __init__(self, connection: sqlite3.Connection, path: Path, learner: str,
                 notice: str | None = None) -> None:
        self._db = connection
        self.path = path
        self.learner = learner
        # What happened on open that the learner should be told (a store moved aside).
        self.notice = notice
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO learners (name, created_at) VALUES (?, ?)",
                       (learner, _now()))
        row = self._db.execute("SELECT id FROM learners WHERE name = ?", (learner,)).fetchone()
        self._learner_id = int(row[0])

    @classmethod
    def open(cls, data_dir: Path | None = None, learner: str | None = None) -> ProgressStore:
        """Open (or create) the store; an unreadable one is moved aside with a notice."""
        folder = data_dir or default_data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the progress folder {folder}: "
                             f"{exc.strerror or exc}; pass --data-dir DIR to use another") from exc
        path = folder / FILE_NAME
        name = learner or _default_learner()
        try:
            return cls(_connect(path), path, name)
        except _Unreadable as exc:
            moved = _move_aside(path)
            notice = (f"Your progress file could not be read ({exc}). It was moved to "
                      f"{moved} and a new one was started.")
            return cls(_connect(path), path, name, notice)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    @property
    def exams(self) -> ExamLog:
        """Exam attempts, their answers and their sealed records (every learner's)."""
        from tutor.progress.exams import ExamLog

        return ExamLog(self._db, self._write)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction; a failure rolls it back and is reported."""
        try:
            with self._db:
                yield self._db
        except sqlite3.Error as exc:
            raise StoreError(f"could not save progress to {self.path}: {exc}") from exc

    # Lessons -------------------------------------------------------------------------------

    def mark_lesson_read(self, lesson: str) -> None:
        """Record that the learner has read a lesson (the first time counts)."""
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO lessons_read VALUES (?, ?, ?)",
                       (self._learner_id, lesson, _now()))

    def lessons_read(self) -> set[str]:
        """The ids of the lessons the learner has read."""
        rows = self._db.execute("SELECT lesson FROM lessons_read WHERE learner = ?",
                                (self._learner_id,))
        return {row[0] for row in rows}

    # Exercises -----------------------------------------------------------------------------

    def record_solution(self, exercise: str, files: Mapping[str, str], hints_used: int) -> None:
        """Keep the files that solved an exercise (a later solution replaces it)."""
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO solutions VALUES (?, ?, ?, ?, ?)",
                       (self._learner_id, exercise, _now(), json.dumps(dict(files)),
                        hints_used))

    def solutions(self) -> dict[str, Solution]:
        """The learner's solved exercises by id."""
        rows = self._db.execute(
            "SELECT exercise, solved_at, files, hints_used FROM solutions WHERE learner = ?",
            (self._learner_id,))
        return {row[0]: Solution(row[0], row[1], json.loads(row[2]), row[3]) for row in rows}

    # Practice quizzes ----------------------------------------------------------------------

    def record_practice_answer(self, question: str, topic: str, answer: Any,
                               correct: bool) -> None:
        """Keep one practice answer, as soon as it is given."""
        with self._write() as db:
            db.execute("INSERT INTO practice_answers (learner, question, topic, correct, "
                       "answer, answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                       (self._learner_id, question, topic, int(correct), json.dumps(answer),
                        _now()))

    def practice_scores(self) -> dict[str, TopicScore]:
        """Per topic: how many questions were answered, and how many last time correctly."""
        rows = self._db.execute(
            "SELECT topic, COUNT(*), SUM(correct) FROM practice_answers AS a WHERE learner = ? "
            "AND id = (SELECT MAX(id) FROM practice_answers AS b WHERE b.learner = a.learner "
            "AND b.question = a.question) GROUP BY topic", (self._learner_id,))
        return {row[0]: TopicScore(row[0], row[1], row[2] or 0) for row in rows}

    def seen_questions(self) -> set[str]:
        """Every question the learner has answered in practice."""
        rows = self._db.execute("SELECT DISTINCT question FROM practice_answers "
                                "WHERE learner = ?", (self._learner_id,))
        return {row[0] for row in rows}

    # Where the learner left off ------------------------------------------------------------

    def set_place(self, place: Mapping[str, str]) -> None:
        """Remember where the learner is (a screen and what it shows), to resume there."""
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO places VALUES (?, ?, ?)",
                       (self._learner_id, json.dumps(dict(place), sort_keys=True), _now()))

    def place(self) -> dict[str, str] | None:
        """Where the learner left off, if anywhere."""
        row = self._db.execute("SELECT place FROM places WHERE learner = ?",
                               (self._learner_id,)).fetchone()
        if row is None:
            return None
        value = json.loads(row[0])
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else None


class _Unreadable(Exception):
    """The file exists but is not a usable progress database."""


def _default_learner() -> str:
    try:
        import getpass

        return getpass.getuser() or "learner"
    except (OSError, KeyError, ImportError):
        return "learner"


def _connect(path: Path) -> sqlite3.Connection:
    """Open the database, check it, and create or verify its tables."""
    try:
        connection = sqlite3.connect(path, timeout=5)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}; pass --data-dir DIR to use another "
                         f"folder") from exc
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = FULL")
        status = connection.execute("PRAGMA quick_check").fetchone()
        if status is None or status[0] != "ok":
            raise _Unreadable(f"integrity check: {status[0] if status else 'no answer'}")
        tables = {row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            raise _Unreadable("it is not a hardening-tutor progress file")
        with connection:
            connection.executescript(_SCHEMA)
            row = connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                connection.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif not str(row[0]).isdigit():
                raise _Unreadable(f"unknown format version '{row[0]}'")
            version = int(row[0]) if row is not None else SCHEMA_VERSION
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise _Unreadable(str(exc)) from exc
    except _Unreadable:
        connection.close()
        raise
    if version > SCHEMA_VERSION:
        connection.close()
        raise StoreError(f"{path} was written by a newer hardening-tutor (format {version}); "
                         f"upgrade, or pass --data-dir DIR to use another folder")
    return connection


def _move_aside(path: Path) -> Path:
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
