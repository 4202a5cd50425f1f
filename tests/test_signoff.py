"""Exams on the workshop host: the server grades submitted attempts again and signs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tutor.content.answers import recorded_answer, right_rows
from tutor.content.model import Course, Question
from tutor.exam.learners import Learner
from tutor.exam.policy import sign_off_problems
from tutor.exam.record import SigningKey, verify
from tutor.exam.session import ExamSession
from tutor.exam.spec import spec_for
from tutor.progress.store import ProgressStore
from tutor.serve.signoff import collect, records_store
from tutor.serve.workshop import Seat, Workshop

KEY = SigningKey(b"the-servers-key-nobody-else-has", "test")
ADA = Seat(id="A12", name="Ada Lovelace", folder="a12")


def right(question: Question) -> Any:
    return question.solution if question.type == "fix_it" else recorded_answer(
        question, right_rows(question))


def sit(workshop: Workshop, course: Course, correct: int, name: str = "Mallory") -> str:
    """The learner's app, confined and keyless, sits the sign-off exam; returns the attempt."""
    store = ProgressStore.open(workshop.folder(ADA), "a12")
    # What the app was told is the identity; the store could say anything.
    session = ExamSession.begin(store, course, spec_for(course), Learner(
        id="A12", name=name, source="roster"), None)
    for position, question in enumerate(session.questions):
        if position < correct:
            session.answer(position, right(question))
    record = session.submit()
    store.close()
    assert record["signature"]["method"] == "none"  # nothing signed on the learner's side
    return record["attempt_id"]


@pytest.fixture
def workshop(tmp_path: Path) -> Workshop:
    return Workshop.open(tmp_path / "workshop", (ADA,))


def test_the_server_signs_what_it_grades_itself(workshop: Workshop, course: Course) -> None:
    """A submitted attempt is graded and signed by the server, for the link's learner."""
    attempt = sit(workshop, course, correct=15, name="Somebody Else")
    records = records_store(workshop.root)
    assert collect(workshop, records, course, KEY) == [attempt]
    assert collect(workshop, records, course, KEY) == []  # once only
    [row] = list(records.exams.all_attempts())
    record = row.record
    assert record is not None and verify(record, KEY).ok
    assert record["learner"] == {"id": "A12", "name": "Ada Lovelace", "source": "roster"}
    assert record["result"] == "passed" and sign_off_problems(record, course, "sign-off") == []
    assert str(workshop.folder(ADA)) not in str(records.path)


def test_a_store_altered_to_claim_a_pass_gains_nothing(workshop: Workshop,
                                                       course: Course) -> None:
    """The learner's stored verdict, score and pass mark are never read: the server's are."""
    attempt = sit(workshop, course, correct=2)
    store = ProgressStore.open(workshop.folder(ADA), "a12")
    row = store.exams.attempt(attempt)
    assert row is not None and row.record is not None
    forged = {**row.record, "result": "passed", "score": {"correct": 15, "total": 15,
                                                          "percent": 100.0}}
    spec = {**row.spec, "pass_mark": 1}  # the hash kept, the setting changed
    store._db.execute("UPDATE exam_attempts SET record = ?, spec = ? WHERE id = ?",
                      (json.dumps(forged), json.dumps(spec), attempt))
    store._db.commit()
    store.close()
    records = records_store(workshop.root)
    collect(workshop, records, course, KEY)
    [kept] = list(records.exams.all_attempts())
    assert kept.record is not None
    assert kept.record["result"] == "failed" and kept.record["pass_mark"] == 80
    assert kept.record["score"]["correct"] == 2


def test_answers_after_the_deadline_do_not_count(workshop: Workshop, course: Course) -> None:
    """An answer stored with a time past the deadline is not graded."""
    attempt = sit(workshop, course, correct=15)
    store = ProgressStore.open(workshop.folder(ADA), "a12")
    row = store.exams.attempt(attempt)
    assert row is not None and row.deadline is not None
    store._db.execute("UPDATE exam_answers SET answered_at = '2999-01-01T00:00:00Z' "
                      "WHERE attempt = ? AND position = 0", (attempt,))
    store._db.commit()
    store.close()
    records = records_store(workshop.root)
    collect(workshop, records, course, KEY)
    [kept] = list(records.exams.all_attempts())
    assert kept.record is not None and kept.record["score"]["correct"] == 14


def test_another_definition_is_kept_as_practice(workshop: Workshop, course: Course) -> None:
    """A sign-off claim whose definition is not the server's course's is practice."""
    attempt = sit(workshop, course, correct=15)
    store = ProgressStore.open(workshop.folder(ADA), "a12")
    row = store.exams.attempt(attempt)
    assert row is not None
    spec = {**row.spec, "definition_hash": "sha256:" + "0" * 64}
    store._db.execute("UPDATE exam_attempts SET spec = ? WHERE id = ?",
                      (json.dumps(spec), attempt))
    store._db.commit()
    store.close()
    records = records_store(workshop.root)
    collect(workshop, records, course, KEY)
    [kept] = list(records.exams.all_attempts())
    assert kept.record is not None and kept.record["exam"]["kind"] == "practice"
    assert "practice" in sign_off_problems(kept.record, course, "sign-off")[0]
