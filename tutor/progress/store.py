"""The learner's progress in SQLite: each change is its own committed transaction.

A crash mid-write loses at most the change being written. A store SQLite says is damaged
(or that is not ours) is moved aside, never silently replaced, and the caller gets a message
to show. A store that is locked, on a full disk or unwritable is left where it is and
reported (see `tutor.progress.failures`). Reading records needs no write access:
`ProgressStore.open_read_only` creates nothing and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.progress.database import (
    BUSY_TIMEOUT,
    SCHEMA_VERSION,
    UNASSIGNED,
    Unreadable,
    connect,
    connect_read_only,
    move_aside,
)
from tutor.progress.failures import StoreError, explain, explain_os

if TYPE_CHECKING:
    from tutor.progress.exams import ExamLog
    from tutor.progress.rounds import RoundLog

FILE_NAME = "progress.db"

# The shipped course's key (`tutor.content.identity.SHIPPED`), without importing content.
SHIPPED = "shipped"

__all__ = ["BUSY_TIMEOUT", "FILE_NAME", "SCHEMA_VERSION", "SHIPPED", "CourseIds",
           "ProgressStore", "Solution", "StoreError", "TopicScore", "default_data_dir"]


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


@dataclass(frozen=True, slots=True)
class CourseIds:
    """What a course holds, by id: enough to tell which rows kept before format 2 are its."""

    lessons: frozenset[str]
    exercises: frozenset[str]
    questions: frozenset[str]
    topics: frozenset[str]


def default_data_dir() -> Path:
    """Where progress lives unless ``--data-dir`` says otherwise."""
    from platformdirs import user_data_path

    return user_data_path("hardening-tutor", appauthor=False)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class ProgressStore:
    """One learner's view of the progress database, for one course.

    Lessons read, solutions, practice answers and rounds, and the place to continue from
    are kept per course (``course``, a key from `tutor.content.identity`); exam attempts
    are the learner's, whatever the course, as their signed records say.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path, learner: str,
                 notice: str | None = None, *, busy_timeout: float = BUSY_TIMEOUT,
                 read_only: bool = False, course: str = SHIPPED) -> None:
        self._db = connection
        self.path = path
        self.learner = learner
        self.course = course
        # What happened on open that the learner should be told (a store moved aside).
        self.notice = notice
        self.busy_timeout = busy_timeout
        self.read_only = read_only
        self._learner_id = -1  # a read-only store registers nobody: no learner's rows match
        if read_only:
            return
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO learners (name, created_at) VALUES (?, ?)",
                       (learner, _now()))
        row = self._db.execute("SELECT id FROM learners WHERE name = ?", (learner,)).fetchone()
        self._learner_id = int(row[0])

    @classmethod
    def open(cls, data_dir: Path | None = None, learner: str | None = None, *,
             busy_timeout: float = BUSY_TIMEOUT, course: str = SHIPPED) -> ProgressStore:
        """Open (or create) the store; a damaged one is moved aside with a notice.

        A store that is locked for longer than ``busy_timeout`` seconds, on a full disk or
        unwritable raises `StoreError` and is left as it is.
        """
        folder = data_dir or default_data_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(explain_os(exc, folder, "create the progress folder")) from exc
        path = folder / FILE_NAME
        name = learner or _default_learner()
        notice = None
        try:
            connection = connect(path, busy_timeout)
        except Unreadable as exc:
            moved = move_aside(path)
            notice = (f"Your progress file could not be read ({exc}). It was moved to "
                      f"{moved} and a new one was started.")
            try:
                connection = connect(path, busy_timeout)
            except Unreadable as again:  # not even a new, empty store can be made here
                raise StoreError(f"cannot start a new progress file at {path} ({again}); "
                                 f"pass --data-dir DIR to use another folder") from again
        try:
            return cls(connection, path, name, notice, busy_timeout=busy_timeout,
                       course=course)
        except BaseException:
            connection.close()
            raise

    @classmethod
    def open_read_only(cls, data_dir: Path | None = None, *,
                       busy_timeout: float = BUSY_TIMEOUT) -> ProgressStore | None:
        """The existing store opened for reading, or None when there is none.

        Nothing is created, written or moved, so a read-only data folder is enough; a
        damaged store is an error that leaves the file as it is.
        """
        path = (data_dir or default_data_dir()) / FILE_NAME
        try:
            path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise StoreError(explain_os(exc, path, "read")) from exc
        return cls(connect_read_only(path, busy_timeout), path, "", busy_timeout=busy_timeout,
                   read_only=True)

    @classmethod
    def for_this_session(cls, problem: str, learner: str | None = None, *,
                         course: str = SHIPPED) -> ProgressStore:
        """A store for when the real one cannot be used: in a temporary folder, else memory.

        Its notice says where progress goes and why (``problem``).
        """
        import tempfile

        try:
            folder = Path(tempfile.mkdtemp(prefix="hardening-tutor-"))
            store = cls.open(folder, learner, course=course)
            where = f"in {folder} for this session only"
        except (OSError, StoreError):  # that disk is full too, or the folder unwritable
            path = Path(":memory:")
            store = cls(connect(path, BUSY_TIMEOUT), path, learner or _default_learner(),
                        course=course)
            where = "in memory only, and is lost when the app closes"
        store.notice = f"Progress is kept {where}: {problem}"
        return store

    @property
    def kept_in_memory(self) -> bool:
        """True when nothing is saved beyond this session (see `for_this_session`)."""
        return str(self.path) == ":memory:"

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    @property
    def exams(self) -> ExamLog:
        """Exam attempts, their answers and their sealed records (every learner's)."""
        from tutor.progress.exams import ExamLog

        return ExamLog(self._db, self._write)

    @property
    def rounds(self) -> RoundLog:
        """This learner's practice rounds in this course: the quiz in progress, to resume."""
        from tutor.progress.rounds import RoundLog

        return RoundLog(self._db, self._write, self._learner_id, self.course)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction; a failure rolls it back and is reported."""
        try:
            with self._db:
                yield self._db
        except sqlite3.Error as exc:
            # Damage found while writing is reported too: the store is moved aside only on
            # open, where nothing of this session's work can be in flight.
            raise StoreError(explain(exc, self.path, self.busy_timeout,
                                     "save progress to")) from exc

    # Lessons -------------------------------------------------------------------------------

    def mark_lesson_read(self, lesson: str) -> None:
        """Record that the learner has read a lesson (the first time counts)."""
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO lessons_read (learner, course, lesson, read_at) "
                       "VALUES (?, ?, ?, ?)", (self._learner_id, self.course, lesson, _now()))

    def lessons_read(self) -> set[str]:
        """The ids of the lessons the learner has read."""
        rows = self._db.execute("SELECT lesson FROM lessons_read WHERE learner = ? AND "
                                "course = ?", (self._learner_id, self.course))
        return {row[0] for row in rows}

    # Exercises -----------------------------------------------------------------------------

    def record_solution(self, exercise: str, files: Mapping[str, str], hints_used: int) -> None:
        """Keep the files that solved an exercise (a later solution replaces it)."""
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO solutions (learner, course, exercise, solved_at, "
                       "files, hints_used) VALUES (?, ?, ?, ?, ?, ?)",
                       (self._learner_id, self.course, exercise, _now(),
                        json.dumps(dict(files)), hints_used))

    def solutions(self) -> dict[str, Solution]:
        """The learner's solved exercises by id."""
        rows = self._db.execute(
            "SELECT exercise, solved_at, files, hints_used FROM solutions WHERE learner = ? "
            "AND course = ?", (self._learner_id, self.course))
        return {row[0]: Solution(row[0], row[1], json.loads(row[2]), row[3]) for row in rows}

    # Practice quizzes ----------------------------------------------------------------------

    def record_practice_answer(self, question: str, topic: str, answer: Any,
                               correct: bool) -> None:
        """Keep one practice answer given outside a round, as soon as it is given."""
        with self._write() as db:
            db.execute("INSERT INTO practice_answers (learner, course, question, topic, "
                       "correct, answer, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (self._learner_id, self.course, question, topic, int(correct),
                        json.dumps(answer), _now()))

    def practice_scores(self) -> dict[str, TopicScore]:
        """Per topic: how many questions were answered, and how many last time correctly."""
        rows = self._db.execute(
            "SELECT topic, COUNT(*), SUM(correct) FROM practice_answers AS a WHERE learner = ? "
            "AND course = ? AND id = (SELECT MAX(id) FROM practice_answers AS b WHERE "
            "b.learner = a.learner AND b.course = a.course AND b.question = a.question) "
            "GROUP BY topic", (self._learner_id, self.course))
        return {row[0]: TopicScore(row[0], row[1], row[2] or 0) for row in rows}

    def seen_questions(self) -> set[str]:
        """Every question the learner has answered in practice."""
        rows = self._db.execute("SELECT DISTINCT question FROM practice_answers "
                                "WHERE learner = ? AND course = ?",
                                (self._learner_id, self.course))
        return {row[0] for row in rows}

    # Where the learner left off ------------------------------------------------------------

    def set_place(self, place: Mapping[str, str]) -> None:
        """Remember where the learner is (a screen and what it shows), to resume there."""
        with self._write() as db:
            db.execute("INSERT OR REPLACE INTO places (learner, course, place, updated_at) "
                       "VALUES (?, ?, ?, ?)", (self._learner_id, self.course,
                                               json.dumps(dict(place), sort_keys=True),
                                               _now()))

    def place(self) -> dict[str, str] | None:
        """Where the learner left off, if anywhere."""
        row = self._db.execute("SELECT place FROM places WHERE learner = ? AND course = ?",
                               (self._learner_id, self.course)).fetchone()
        return _place(row[0]) if row is not None else None

    # Progress kept before it was kept per course -------------------------------------------

    def has_unassigned(self) -> bool:
        """Whether this learner has progress from before format 2 that no course has taken."""
        return any(self._db.execute(
            f"SELECT 1 FROM {table} WHERE learner = ? AND course = ? LIMIT 1",
            (self._learner_id, UNASSIGNED)).fetchone() for table in _PER_COURSE)

    def adopt_unassigned(self, ids: CourseIds) -> int:
        """Make this course's the rows kept before format 2 whose lesson, exercise, question
        or place it has; returns how many it took.

        Format 1 kept no course, so which course a row was recorded in is not known: the first
        course opened that holds the row's id takes it, and rows no course holds wait for one
        that does. A row the course already has newer progress for stays where it is.
        """
        learner, course = self._learner_id, self.course
        taken = 0
        with self._write() as db:
            for table, column, wanted in (("lessons_read", "lesson", ids.lessons),
                                          ("solutions", "exercise", ids.exercises),
                                          ("practice_answers", "question", ids.questions)):
                for value in sorted(wanted):
                    taken += db.execute(
                        f"UPDATE OR IGNORE {table} SET course = ? WHERE learner = ? AND "
                        f"course = ? AND {column} = ?",
                        (course, learner, UNASSIGNED, value)).rowcount
            row = db.execute("SELECT place FROM places WHERE learner = ? AND course = ?",
                             (learner, UNASSIGNED)).fetchone()
            place = _place(row[0]) if row is not None else None
            if place is not None and _place_in(place, ids):
                taken += db.execute("UPDATE OR IGNORE places SET course = ? WHERE learner = ? "
                                    "AND course = ?", (course, learner, UNASSIGNED)).rowcount
        return taken


_PER_COURSE = ("lessons_read", "solutions", "practice_answers", "places")


def _place(text: str) -> dict[str, str] | None:
    value = json.loads(text)
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else None


def _place_in(place: Mapping[str, str], ids: CourseIds) -> bool:
    """Whether a course holds what a place points at (a quiz on every topic: any course)."""
    screen = place.get("screen")
    if screen == "lesson":
        return place.get("lesson") in ids.lessons
    if screen == "exercise":
        return place.get("exercise") in ids.exercises
    if screen == "practice":
        return not place.get("topic") or place.get("topic") in ids.topics
    return False


def _default_learner() -> str:
    try:
        import getpass

        return getpass.getuser() or "learner"
    except (OSError, KeyError, ImportError):
        return "learner"


