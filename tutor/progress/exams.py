"""Exam attempts in the progress store: each answer is committed the moment it is given.

An attempt row is written when the exam starts (with the questions drawn and the deadline),
every answer or flag is its own committed transaction, and submitting writes the sealed
record. A killed process therefore loses nothing, and the next start finds the open attempt
with its deadline unchanged: the clock kept running.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

WriteTransaction = Callable[[], AbstractContextManager[sqlite3.Connection]]


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """One exam attempt as stored; ``record`` is the sealed record once it has ended."""

    id: str
    learner: str
    exam: str
    number: int
    started_at: str
    deadline: str | None
    ended_at: str | None
    spec: dict[str, Any]
    served: list[dict[str, Any]]
    course_hash: str
    tool_version: str
    record: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """An answer as stored: None until one is given; flagged for review or not."""

    answer: Any
    flagged: bool
    answered_at: str


_COLUMNS = ("id, learner, exam, number, started_at, deadline, ended_at, spec, served, "
            "course_hash, tool_version, record")


def _row(values: tuple[Any, ...]) -> AttemptRow:
    (id_, learner, exam, number, started, deadline, ended, spec, served, course_hash,
     version, record) = values
    return AttemptRow(id_, learner, exam, int(number), started, deadline, ended,
                      json.loads(spec), json.loads(served), course_hash, version,
                      json.loads(record) if record else None)


def _refuse_if_finished(db: sqlite3.Connection, attempt_id: str) -> None:
    row = db.execute("SELECT ended_at FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
    if row is None or row[0] is not None:
        raise sqlite3.IntegrityError(f"attempt {attempt_id} is not open for answers")


class ExamLog:
    """Reads and writes exam attempts through the progress store's connection."""

    def __init__(self, db: sqlite3.Connection, write: WriteTransaction) -> None:
        self._db = db
        self._write = write

    def start(self, attempt: AttemptRow) -> None:
        """Store a new attempt, its questions and its deadline, before the first is shown."""
        with self._write() as db:
            db.execute(f"INSERT INTO exam_attempts ({_COLUMNS}) VALUES "
                       f"(?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL)",
                       (attempt.id, attempt.learner, attempt.exam, attempt.number,
                        attempt.started_at, attempt.deadline, json.dumps(attempt.spec),
                        json.dumps(attempt.served), attempt.course_hash,
                        attempt.tool_version))

    def attempt(self, attempt_id: str) -> AttemptRow | None:
        """One attempt by id."""
        row = self._db.execute(f"SELECT {_COLUMNS} FROM exam_attempts WHERE id = ?",
                               (attempt_id,)).fetchone()
        return _row(row) if row else None

    def open_attempt(self, learner: str, exam: str) -> AttemptRow | None:
        """The learner's unfinished attempt at this exam, if there is one."""
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM exam_attempts WHERE learner = ? AND exam = ? "
            f"AND ended_at IS NULL ORDER BY number DESC", (learner, exam)).fetchone()
        return _row(row) if row else None

    def attempts_made(self, learner: str, exam: str) -> int:
        """How many attempts at this exam the learner has started (finished or not)."""
        row = self._db.execute("SELECT COUNT(*) FROM exam_attempts WHERE learner = ? AND "
                               "exam = ?", (learner, exam)).fetchone()
        return int(row[0])

    def asked_before(self, learner: str) -> dict[str, int]:
        """How often each question was served to this learner in earlier attempts."""
        counts: dict[str, int] = {}
        rows = self._db.execute("SELECT served FROM exam_attempts WHERE learner = ?",
                                (learner,))
        for (served,) in rows:
            for item in json.loads(served):
                counts[item["question"]] = counts.get(item["question"], 0) + 1
        return counts

    def save_answer(self, attempt_id: str, position: int, answer: Any, at: str) -> None:
        """Keep an answer (None clears it), committed before this returns."""
        with self._write() as db:
            _refuse_if_finished(db, attempt_id)
            db.execute("INSERT INTO exam_answers (attempt, position, answer, answered_at) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT (attempt, position) DO UPDATE SET "
                       "answer = excluded.answer, answered_at = excluded.answered_at",
                       (attempt_id, position, None if answer is None else json.dumps(answer),
                        at))

    def set_flag(self, attempt_id: str, position: int, flagged: bool, at: str) -> None:
        """Mark a question for review (or not); it changes nothing about the answer."""
        with self._write() as db:
            _refuse_if_finished(db, attempt_id)
            db.execute("INSERT INTO exam_answers (attempt, position, answer, flagged, "
                       "answered_at) VALUES (?, ?, NULL, ?, ?) ON CONFLICT (attempt, position) "
                       "DO UPDATE SET flagged = excluded.flagged",
                       (attempt_id, position, int(flagged), at))

    def answers(self, attempt_id: str) -> dict[int, StoredAnswer]:
        """The answers and flags so far, by position."""
        rows = self._db.execute("SELECT position, answer, flagged, answered_at FROM "
                                "exam_answers WHERE attempt = ?", (attempt_id,))
        return {int(position): StoredAnswer(json.loads(answer) if answer is not None else None,
                                            bool(flagged), at)
                for position, answer, flagged, at in rows}

    def finish(self, attempt_id: str, ended_at: str, record: dict[str, Any]) -> None:
        """Seal the attempt with its record; a finished attempt takes no more answers."""
        with self._write() as db:
            done = db.execute("UPDATE exam_attempts SET ended_at = ?, record = ? WHERE id = ? "
                              "AND ended_at IS NULL",
                              (ended_at, json.dumps(record, ensure_ascii=False), attempt_id))
            if done.rowcount != 1:
                raise sqlite3.IntegrityError(f"attempt {attempt_id} is already finished")

    def all_attempts(self) -> Iterator[AttemptRow]:
        """Every attempt, oldest first."""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM exam_attempts "
                                f"ORDER BY started_at, number")
        for row in rows.fetchall():
            yield _row(row)
