"""Exams sat on the workshop host: the server grades them again, itself, and signs them.

A learner's app runs with no key and seals its attempt as self-assessed in the learner's
own store. The server then reads that attempt (read-only), takes from it only what the
learner gave (the served questions and the answers), grades those with its own course,
names the learner as their link does (not as the store says), checks that a sign-off
attempt ran the course's own definition, and keeps the signed record in its records store,
outside every learner's folder. A store altered to claim a pass gains nothing: the stored
verdict is never read.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tutor.content.model import SIGN_OFF, Course, Question
from tutor.errors import TutorError
from tutor.exam.draw import Served
from tutor.exam.grading import Given, sealer
from tutor.exam.learners import identity_key
from tutor.exam.record import SigningKey
from tutor.exam.shape import ExamRecord, RecordLearner
from tutor.exam.spec import PRACTICE, ExamSpec, definition, from_definition
from tutor.progress.exams import AttemptRow, StoredAnswer, parse_stamp, stamp
from tutor.progress.store import ProgressStore
from tutor.safetext import visible
from tutor.serve.workshop import Seat, Workshop

log = logging.getLogger("hardening-tutor.serve")

RECORDS_FOLDER = "records"
SIGN_EVERY_SECONDS = 3.0


@dataclass(frozen=True)
class SignOff:
    """What the server needs to sign exams: the course it grades by, and the key."""

    workshop: Workshop
    course: Course
    key: SigningKey | None

    def round(self) -> list[str]:
        """One pass over every learner's store (its own connection: it runs in a thread)."""
        records = records_store(self.workshop.root)
        try:
            return collect(self.workshop, records, self.course, self.key)
        finally:
            records.close()

    def export(self, exported_at: str) -> str:
        """Every signed record, sealed as one file (what 'results verify' checks)."""
        from tutor.exam.export import to_json

        records = records_store(self.workshop.root)
        try:
            kept = [a.record for a in records.exams.all_attempts() if a.record is not None]
        finally:
            records.close()
        folder = str(self.workshop.root / RECORDS_FOLDER)
        return to_json(kept, exported_at, {"data_dir": folder, "exam": None}, self.key)


def records_store(workshop_root: Path) -> ProgressStore:
    """The server's own records store, in the workshop folder (0700), beside no learner's."""
    folder = workshop_root / RECORDS_FOLDER
    folder.mkdir(mode=0o700, exist_ok=True)
    return ProgressStore.open(folder, "workshop-server")


def collect(workshop: Workshop, records: ProgressStore, course: Course,
            key: SigningKey | None) -> list[str]:
    """Grade and sign every submitted attempt not yet in ``records``; returns their ids."""
    signed: list[str] = []
    for seat in workshop.seats:
        try:
            learner_store = ProgressStore.open_read_only(workshop.folder(seat))
        except TutorError as exc:  # locked or damaged: try again next round
            log.warning("%s: %s", visible(seat.id), visible(str(exc)))
            continue
        if learner_store is None:
            continue
        try:
            for attempt in learner_store.exams.all_attempts():
                if attempt.ended_at is None or records.exams.has_attempt(attempt.id):
                    continue
                answers = learner_store.exams.answers(attempt.id)
                try:
                    records.exams.add_sealed(*regrade(attempt, answers, seat, course, key))
                except (TutorError, KeyError, ValueError, sqlite3.IntegrityError) as exc:
                    log.warning("%s: attempt %s not signed: %s", visible(seat.id),
                                visible(attempt.id), visible(str(exc)))
                    continue
                signed.append(attempt.id)
        finally:
            learner_store.close()
    return signed


def regrade(attempt: AttemptRow, answers: dict[int, StoredAnswer], seat: Seat,
            course: Course, key: SigningKey | None,
            ) -> tuple[AttemptRow, Callable[[str | None], ExamRecord]]:
    """The server's copy of a submitted attempt and the function that seals its record."""
    served = [Served(str(item["question"]), tuple(int(i) for i in item["order"]))
              for item in attempt.served]
    by_id = {question.id: question for question in course.questions}
    missing = [item.question for item in served if item.question not in by_id]
    if missing:
        raise KeyError(f"asks {', '.join(missing)}, which this course does not have")
    questions = [by_id[item.question] for item in served]
    spec = dict(attempt.spec)
    if spec.get("kind") == SIGN_OFF:
        expected = _definition(spec, questions, course)
        if expected is None:
            spec["kind"] = PRACTICE  # what it ran is not the course's exam: never sign-off
        else:  # the server's definition, not the store's copy of it, sets the pass mark
            spec.update(expected.settings(), definition_hash=expected.definition_hash)
    deadline = parse_stamp(attempt.deadline) if attempt.deadline else None
    ended = parse_stamp(str(attempt.ended_at))
    timed_out = deadline is not None and ended >= deadline
    if deadline is not None and ended > deadline:
        ended = deadline
    # Only answers given in time count, whatever the learner's store says came after.
    given = {position: Given(stored.answer, stored.answered_at, stored.flagged)
             for position, stored in answers.items()
             if deadline is None or parse_stamp(stored.answered_at) <= deadline}
    learner: RecordLearner = {"id": seat.id, "name": seat.name,
                              "source": "roster" if not seat.id.startswith("seat-")
                              else "seat"}
    exam_key = (f"{PRACTICE}:{spec['id']}" if spec["kind"] == PRACTICE else str(spec["id"]))
    kept = replace(attempt, learner=identity_key(seat.id), exam=exam_key, spec=spec,
                   record=None)
    ended_at = stamp(ended)
    seal = sealer(course, kept, questions, served, given, learner, ended_at, timed_out, key)
    return kept, seal


def _definition(spec: dict[str, object], questions: list[Question],
                course: Course) -> ExamSpec | None:
    """The course's definition the attempt claims, if it hashes to it and its questions fit."""
    try:
        expected = from_definition(course, definition(course, str(spec.get("id"))))
    except TutorError:
        return None
    if spec.get("definition_hash") != expected.definition_hash:
        return None
    if not all(q.topic in expected.topics and q.type in expected.types for q in questions):
        return None
    return expected
