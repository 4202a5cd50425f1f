"""Practice rounds: the quiz a learner is in, kept so that leaving and coming back resumes it.

A round is written when it starts, with its questions in order and the order each one's
choices are shown in; every answer is committed with the round's id as it is given, and the
answer to its last unanswered question ends the round in the same transaction. The next
quiz on that topic resumes an open round where the learner left off, and starts a new one
once it has ended. Like an exam attempt (`tutor.progress.exams`), without a clock or a seal.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

WriteTransaction = Callable[[], AbstractContextManager[sqlite3.Connection]]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class ServedQuestion:
    """A question of a round, and the order its choices are shown in (None: as written)."""

    question: str
    order: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class PracticeRound:
    """A round as stored: its questions, and whether each answered one was right."""

    id: int
    topic: str  # "" for a quiz on every topic
    served: tuple[ServedQuestion, ...]
    # Question id -> right or not, the latest answer in this round to each question.
    results: dict[str, bool]
    started_at: str
    ended_at: str | None = None


def _served(text: str) -> tuple[ServedQuestion, ...]:
    items = json.loads(text)
    served = []
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            continue
        order = item.get("order")
        if isinstance(order, list) and all(isinstance(i, int) for i in order):
            served.append(ServedQuestion(item["question"], tuple(order)))
        else:  # shown as written, or a store edited by hand: a new order is drawn
            served.append(ServedQuestion(item["question"]))
    return tuple(served)


class RoundLog:
    """One learner's practice rounds in one course, through the progress store."""

    def __init__(self, db: sqlite3.Connection, write: WriteTransaction, learner: int,
                 course: str) -> None:
        self._db = db
        self._write = write
        self._learner = learner
        self._course = course

    def open_round(self, topic: str) -> PracticeRound | None:
        """The round on this topic ("" for every topic) that has not ended, if there is one."""
        row = self._db.execute(
            "SELECT id FROM practice_rounds WHERE learner = ? AND course = ? AND topic = ? AND "
            "ended_at IS NULL ORDER BY id DESC LIMIT 1",
            (self._learner, self._course, topic)).fetchone()
        return self.round(int(row[0])) if row is not None else None

    def round(self, round_id: int) -> PracticeRound | None:
        """One of this learner's rounds, with its results so far."""
        row = self._db.execute(
            "SELECT topic, served, started_at, ended_at FROM practice_rounds WHERE id = ? AND "
            "learner = ? AND course = ?", (round_id, self._learner, self._course)).fetchone()
        if row is None:
            return None
        topic, served, started_at, ended_at = row
        results = {question: bool(correct) for question, correct in self._db.execute(
            "SELECT question, correct FROM practice_answers WHERE round = ? ORDER BY id",
            (round_id,))}
        return PracticeRound(round_id, topic, _served(served), results, started_at, ended_at)

    def open_topics(self) -> set[str]:
        """The topics with a round in progress ("" for the quiz on every topic): begun, and
        left with at least one answer (a quiz opened and left at once was not begun)."""
        rows = self._db.execute("SELECT DISTINCT topic FROM practice_rounds AS r WHERE "
                                "learner = ? AND course = ? AND ended_at IS NULL AND EXISTS "
                                "(SELECT 1 FROM practice_answers WHERE round = r.id)",
                                (self._learner, self._course))
        return {row[0] for row in rows}

    def start(self, topic: str, served: Sequence[ServedQuestion]) -> PracticeRound:
        """Begin a round of these questions; an unfinished one on the topic ends, left as is."""
        now = _now()
        text = json.dumps([{"question": item.question,
                            "order": list(item.order) if item.order is not None else None}
                           for item in served])
        with self._write() as db:
            db.execute("UPDATE practice_rounds SET ended_at = ? WHERE learner = ? AND "
                       "course = ? AND topic = ? AND ended_at IS NULL",
                       (now, self._learner, self._course, topic))
            cursor = db.execute("INSERT INTO practice_rounds (learner, course, topic, served, "
                                "started_at) VALUES (?, ?, ?, ?, ?)",
                                (self._learner, self._course, topic, text, now))
            round_id = int(cursor.lastrowid or 0)
            if not served:  # nothing to answer: over as soon as it begins
                db.execute("UPDATE practice_rounds SET ended_at = ? WHERE id = ?",
                           (now, round_id))
        return PracticeRound(round_id, topic, tuple(served), {}, now,
                             now if not served else None)

    def answer(self, round_id: int, question: str, topic: str, answer: Any,
               correct: bool, remaining: Sequence[str]) -> bool:
        """Keep an answer given in a round; True when it was the round's last.

        ``remaining`` names the round's questions still to be answered once this one is
        (the screen's view: questions removed from the course since are not waited for).
        """
        now = _now()
        with self._write() as db:
            db.execute("INSERT INTO practice_answers (learner, course, question, topic, "
                       "correct, answer, answered_at, round) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (self._learner, self._course, question, topic, int(correct),
                        json.dumps(answer), now, round_id))
            if not remaining:
                db.execute("UPDATE practice_rounds SET ended_at = ? WHERE id = ? AND "
                           "ended_at IS NULL", (now, round_id))
        return not remaining

    def finish(self, round_id: int) -> None:
        """End a round (its remaining questions were removed from the course)."""
        with self._write() as db:
            db.execute("UPDATE practice_rounds SET ended_at = ? WHERE id = ? AND "
                       "ended_at IS NULL", (_now(), round_id))
