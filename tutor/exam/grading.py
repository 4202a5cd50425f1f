"""Grading an attempt into its record: one function, for the learner's app and the server.

The app grades when the learner submits; the workshop server grades the same attempt again,
from the served questions and the answers in the learner's store, with its own course, and
signs what *it* found. Both build the record here, so they cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from tutor.content.answers import judge, recorded_answer, right_rows
from tutor.content.model import Course, Question
from tutor.exam.draw import Served, shown_choices
from tutor.exam.record import SigningKey, sign
from tutor.exam.shape import (
    RECORD_FORMAT,
    ExamRecord,
    ExamSettings,
    RecordLearner,
    RecordQuestion,
    UnsignedRecord,
)
from tutor.progress.exams import AttemptRow


@dataclass(frozen=True, slots=True)
class Given:
    """What the learner gave for one question: the answer, when, and a review flag."""

    answer: Any
    answered_at: str | None
    flagged: bool


def sealer(course: Course, attempt: AttemptRow, questions: list[Question],
           served: list[Served], given: Mapping[int, Given], learner: RecordLearner,
           ended_at: str, timed_out: bool, key: SigningKey | None,
           ) -> Callable[[str | None], ExamRecord]:
    """Grade every answer now; the returned function signs the record once the previous
    record's signature (the chain) is known, inside the transaction that stores it."""
    judged_on = _date(ended_at)
    entries: list[RecordQuestion] = []
    for position, (question, shown) in enumerate(zip(questions, served, strict=True)):
        answer = given[position].answer if position in given else None
        entries.append({
            "position": position + 1, "id": question.id, "topic": question.topic,
            "type": question.type, "order": list(shown.order),
            "shown": ([question.dockerfile or ""] if question.type == "fix_it"
                      else shown_choices(question, shown)),
            "answer": answer,
            "expected": (None if question.type == "fix_it"
                         else recorded_answer(question, right_rows(question))),
            "answered_at": given[position].answered_at if answer is not None else None,
            "flagged": position in given and given[position].flagged,
            "correct": judge(question, answer, judged_on),
        })
    correct = sum(entry["correct"] for entry in entries)
    total = len(entries)
    spec = attempt.spec
    pass_mark = int(spec["pass_mark"])
    passed = total > 0 and correct * 100 >= pass_mark * total
    settings = cast(ExamSettings, {name: spec.get(name)
                                   for name in ExamSettings.__annotations__})

    def seal(previous: str | None) -> ExamRecord:
        record: UnsignedRecord = {
            "format": RECORD_FORMAT,
            "attempt_id": attempt.id,
            "attempt_number": attempt.number,
            "learner": learner,
            "exam": {"id": str(spec["id"]), "kind": str(spec["kind"]),
                     "title": str(spec["title"]),
                     "definition_hash": str(spec["definition_hash"]),
                     "settings": settings, "seed": int(spec["seed"])},
            "course": {"title": course.title, "content_hash": attempt.course_hash},
            "tool_version": attempt.tool_version,
            "started_at": attempt.started_at,
            "deadline": attempt.deadline,
            "ended_at": ended_at,
            "submitted": "when time ran out" if timed_out else "by the learner",
            "questions": entries,
            "score": {"correct": correct, "total": total,
                      "percent": round(100 * correct / total, 1) if total else 0.0},
            "pass_mark": pass_mark,
            "result": "passed" if passed else "failed",
            "previous": previous,
        }
        return sign(record, key)

    return seal


def _date(stamp: str) -> dt.date:
    """The day an ISO 8601 stamp falls on, which end-of-life answers are judged against."""
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).date()
