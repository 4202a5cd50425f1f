"""Exam attempts in the progress store: each answer is committed the moment it is given.

An attempt row is written when the exam starts (with the questions drawn and the deadline),
every answer or flag is its own committed transaction, and submitting writes the sealed
record. A killed process therefore loses nothing, and the next start finds the open attempt
with its deadline unchanged: the clock kept running.

An attempt is open in one session at a time. Starting or resuming it claims a lease (a row
naming the session's random token, its process and host); every answer and flag refreshes
the lease in the transaction that writes it, and is refused once another session holds it.
A second session finding a live lease is refused, unless it takes the attempt over; a lease
whose process is gone (same host) or that has not been refreshed for `LEASE_STALE_AFTER` is
taken over with a notice. Nothing here knows about windows or terminals, so a server with
many learners' sessions in one process uses it as it is: each session has its own token.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import socket
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from tutor.errors import TutorError
from tutor.safetext import visible

WriteTransaction = Callable[[], AbstractContextManager[sqlite3.Connection]]

# A session refreshes its lease at least this often while the attempt is open (the app on
# a timer, and with every answer); one not refreshed for LEASE_STALE_AFTER is abandoned,
# which covers a holder on another host, or a frozen one, that cannot be asked directly.
LEASE_HEARTBEAT = dt.timedelta(seconds=30)
LEASE_STALE_AFTER = dt.timedelta(minutes=2)


def stamp(moment: dt.datetime) -> str:
    """An ISO 8601 UTC timestamp to the second, as the store and records keep them."""
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds").replace(
        "+00:00", "Z")


def parse_stamp(text: str) -> dt.datetime:
    """The inverse of `stamp`."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class Holder:
    """A session that may hold attempts open: a random token, and where it runs."""

    token: str
    pid: int
    host: str

    @classmethod
    def new(cls) -> Holder:
        """A fresh holder for a session in this process."""
        return cls(secrets.token_hex(16), os.getpid(), socket.gethostname())

    def describe(self) -> str:
        """How a learner recognises the holder: ``pid 4242 on lab-07``."""
        return f"pid {self.pid} on {visible(self.host)}"  # the row may have been forged


def _running(pid: int) -> bool:
    """False only when no process with this id exists on this host."""
    if os.name != "posix":
        # On Windows os.kill(pid, 0) terminates the process (TerminateProcess with exit
        # code 0), so there only the age of the heartbeat tells an abandoned lease.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, and belongs to another user
        return True
    return True


@dataclass(frozen=True, slots=True)
class Lease:
    """Which session has an attempt open, since when, and when it last said so."""

    attempt: str
    holder: Holder
    claimed_at: str
    heartbeat: str

    def abandoned(self, now: dt.datetime) -> str | None:
        """Why the lease may be taken over without asking (its holder is gone), or None."""
        if self.holder.host == socket.gethostname() and not _running(self.holder.pid):
            return f"{self.holder.describe()} is no longer running"
        if now - parse_stamp(self.heartbeat) > LEASE_STALE_AFTER:
            return f"{self.holder.describe()} was last heard from at {self.heartbeat}"
        return None


class AttemptOpenElsewhere(TutorError):
    """Another live session has the attempt open; taking it over must be asked for."""

    def __init__(self, lease: Lease) -> None:
        self.lease = lease
        super().__init__(f"this attempt is open in another window ({lease.holder.describe()} "
                         f"since {lease.claimed_at}); close it there, or take it over with "
                         f"--take-over")


class AttemptTakenOver(TutorError):
    """This session no longer holds the attempt: its answers are refused, not written."""

    def __init__(self, lease: Lease | None) -> None:
        self.lease = lease
        where = (f"by {lease.holder.describe()} at {lease.claimed_at}" if lease is not None
                 else "in another window")
        super().__init__(f"this attempt was taken over {where}, so answers given here are no "
                         f"longer saved; carry on in the window that has it")


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


def _previous_signature(db: sqlite3.Connection, learner: str, exam: str) -> str | None:
    """The signature of the learner's latest sealed record at this exam: the chain's link.

    Per learner and exam, so an export of one exam holds every link of it: a practice
    attempt between two sign-off ones is no gap.
    """
    last = db.execute("SELECT record FROM exam_attempts WHERE learner = ? AND exam = ? AND "
                      "record IS NOT NULL ORDER BY ended_at DESC, rowid DESC LIMIT 1",
                      (learner, exam)).fetchone()
    if last is None:
        return None
    value = json.loads(last[0]).get("signature", {}).get("value")
    return str(value) if value else None


def _refuse_if_finished(db: sqlite3.Connection, attempt_id: str) -> None:
    row = db.execute("SELECT ended_at FROM exam_attempts WHERE id = ?", (attempt_id,)).fetchone()
    if row is None or row[0] is not None:
        raise sqlite3.IntegrityError(f"attempt {attempt_id} is not open for answers")


def _lease(db: sqlite3.Connection, attempt_id: str) -> Lease | None:
    row = db.execute("SELECT holder, pid, host, claimed_at, heartbeat FROM exam_leases "
                     "WHERE attempt = ?", (attempt_id,)).fetchone()
    if row is None:
        return None
    token, pid, host, claimed_at, heartbeat = row
    return Lease(attempt_id, Holder(token, int(pid), host), claimed_at, heartbeat)


def _hold(db: sqlite3.Connection, attempt_id: str, holder: Holder, at: str) -> None:
    """Begin a write that only the lease's holder may make, and refresh the lease.

    BEGIN IMMEDIATE takes the write lock before the lease is read, so no take-over can
    come between this check and the write that follows it in the same transaction.
    """
    db.execute("BEGIN IMMEDIATE")
    _refuse_if_finished(db, attempt_id)
    held = db.execute("UPDATE exam_leases SET heartbeat = ? WHERE attempt = ? AND holder = ?",
                      (at, attempt_id, holder.token))
    if held.rowcount != 1:
        raise AttemptTakenOver(_lease(db, attempt_id))


def _put_lease(db: sqlite3.Connection, attempt_id: str, holder: Holder, at: str) -> None:
    db.execute("INSERT OR REPLACE INTO exam_leases (attempt, holder, pid, host, claimed_at, "
               "heartbeat) VALUES (?, ?, ?, ?, ?, ?)",
               (attempt_id, holder.token, holder.pid, holder.host, at, at))


class ExamLog:
    """Reads and writes exam attempts through the progress store's connection."""

    def __init__(self, db: sqlite3.Connection, write: WriteTransaction) -> None:
        self._db = db
        self._write = write

    def start(self, attempt: AttemptRow, holder: Holder) -> None:
        """Store a new attempt, its questions and its deadline, held open by ``holder``."""
        with self._write() as db:
            db.execute(f"INSERT INTO exam_attempts ({_COLUMNS}) VALUES "
                       f"(?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL)",
                       (attempt.id, attempt.learner, attempt.exam, attempt.number,
                        attempt.started_at, attempt.deadline, json.dumps(attempt.spec),
                        json.dumps(attempt.served), attempt.course_hash,
                        attempt.tool_version))
            _put_lease(db, attempt.id, holder, attempt.started_at)

    # Leases: one session at a time --------------------------------------------------------

    def lease(self, attempt_id: str) -> Lease | None:
        """Who has the attempt open, if anyone."""
        return _lease(self._db, attempt_id)

    def claim(self, attempt_id: str, holder: Holder, now: dt.datetime, *,
              take_over: bool = False) -> Lease | None:
        """Make ``holder`` the attempt's only writer; returns the lease it replaced, if any.

        A live lease held by another session raises `AttemptOpenElsewhere` unless
        ``take_over``; an abandoned one is replaced (the caller tells the learner).
        """
        with self._write() as db:
            db.execute("BEGIN IMMEDIATE")  # read and replace the lease under one lock
            _refuse_if_finished(db, attempt_id)
            current = _lease(db, attempt_id)
            if current is not None and current.holder.token == holder.token:
                current = None  # this session's own lease, from before it left
            if current is not None and not take_over and current.abandoned(now) is None:
                raise AttemptOpenElsewhere(current)
            _put_lease(db, attempt_id, holder, stamp(now))
        return current

    def heartbeat(self, attempt_id: str, holder: Holder, at: str) -> None:
        """Say the holder is still there; `AttemptTakenOver` if it no longer holds it."""
        with self._write() as db:
            _hold(db, attempt_id, holder, at)

    def release(self, attempt_id: str, holder: Holder) -> None:
        """Let the attempt go (leaving it open for later); only its holder's lease goes."""
        with self._write() as db:
            db.execute("DELETE FROM exam_leases WHERE attempt = ? AND holder = ?",
                       (attempt_id, holder.token))

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

    def save_answer(self, attempt_id: str, holder: Holder, position: int, answer: Any,
                    at: str) -> None:
        """Keep an answer (None clears it), committed before this returns."""
        with self._write() as db:
            _hold(db, attempt_id, holder, at)
            db.execute("INSERT INTO exam_answers (attempt, position, answer, answered_at) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT (attempt, position) DO UPDATE SET "
                       "answer = excluded.answer, answered_at = excluded.answered_at",
                       (attempt_id, position, None if answer is None else json.dumps(answer),
                        at))

    def set_flag(self, attempt_id: str, holder: Holder, position: int, flagged: bool,
                 at: str) -> None:
        """Mark a question for review (or not); it changes nothing about the answer."""
        with self._write() as db:
            _hold(db, attempt_id, holder, at)
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

    def finish(self, attempt_id: str, holder: Holder, ended_at: str,
               seal: Callable[[str | None], Any]) -> Any:
        """Seal the attempt with its record and let it go; it takes no more answers.

        ``seal`` makes the signed record given the signature of the learner's previous
        record (the chain); it runs inside the transaction, so two attempts finishing at
        once cannot both claim the same predecessor.
        """
        with self._write() as db:
            _hold(db, attempt_id, holder, ended_at)
            learner, exam = db.execute("SELECT learner, exam FROM exam_attempts WHERE id = ?",
                                       (attempt_id,)).fetchone()
            record = seal(_previous_signature(db, learner, exam))
            db.execute("DELETE FROM exam_leases WHERE attempt = ?", (attempt_id,))
            done = db.execute("UPDATE exam_attempts SET ended_at = ?, record = ? WHERE id = ? "
                              "AND ended_at IS NULL",
                              (ended_at, json.dumps(record, ensure_ascii=False), attempt_id))
            if done.rowcount != 1:
                raise sqlite3.IntegrityError(f"attempt {attempt_id} is already finished")
            return record

    def add_sealed(self, attempt: AttemptRow, seal: Callable[[str | None], Any]) -> Any:
        """Keep an attempt graded elsewhere (the workshop server's own records), sealed.

        The chain is this store's: ``seal`` gets the signature of the learner's previous
        record here. An attempt already kept is refused (``sqlite3.IntegrityError``).
        """
        with self._write() as db:
            record = seal(_previous_signature(db, attempt.learner, attempt.exam))
            db.execute(f"INSERT INTO exam_attempts ({_COLUMNS}) VALUES "
                       f"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (attempt.id, attempt.learner, attempt.exam, attempt.number,
                        attempt.started_at, attempt.deadline, record["ended_at"],
                        json.dumps(attempt.spec), json.dumps(attempt.served),
                        attempt.course_hash, attempt.tool_version,
                        json.dumps(record, ensure_ascii=False)))
            return record

    def has_attempt(self, attempt_id: str) -> bool:
        """Whether this store holds the attempt."""
        return self._db.execute("SELECT 1 FROM exam_attempts WHERE id = ?",
                                (attempt_id,)).fetchone() is not None

    def last_ended(self, learner: str, exam: str) -> str | None:
        """When the learner's latest finished attempt at this exam ended, if any."""
        row = self._db.execute("SELECT MAX(ended_at) FROM exam_attempts WHERE learner = ? AND "
                               "exam = ? AND ended_at IS NOT NULL", (learner, exam)).fetchone()
        return row[0] if row and row[0] else None

    def all_attempts(self) -> Iterator[AttemptRow]:
        """Every attempt, oldest first."""
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM exam_attempts "
                                f"ORDER BY started_at, number")
        for row in rows.fetchall():
            yield _row(row)
