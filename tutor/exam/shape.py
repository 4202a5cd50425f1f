"""The sealed exam record's shape, declared once: every reader goes through these types.

A record is JSON (signed over its canonical form, see ``record.py``); these TypedDicts
describe that JSON so mypy checks each module that builds or reads one. Format 2 adds the
exam's definition (id, kind, hash), the learner's id beside their name, each question's
expected answer, and ``previous``, the signature of the learner's record before this one.
"""

from __future__ import annotations

from typing import Any, TypedDict

RECORD_FORMAT = "hardening-tutor/exam-record/2"
OLD_FORMATS = ("hardening-tutor/exam-record/1",)


class ExamSettings(TypedDict):
    """The exam's definition as it ran (see ``ExamSpec.settings``)."""

    id: str
    title: str
    topics: list[str]
    types: list[str]
    per_topic: int | None
    questions: int | None
    pass_mark: int
    time_limit_minutes: float | None
    attempts: int | None
    retake_after_days: int | None
    feedback: str


class RecordExam(TypedDict):
    """Which exam: its id, sign-off or practice, and a digest of its definition."""

    id: str
    kind: str
    title: str
    definition_hash: str
    settings: ExamSettings
    seed: int


class RecordLearner(TypedDict):
    """Who sat it: the id attempts are counted by, and the name shown."""

    id: str
    name: str
    source: str  # "roster" or "name"


class RecordCourse(TypedDict):
    """Which course, by title and a digest of every file it was loaded from."""

    title: str
    content_hash: str


class RecordQuestion(TypedDict):
    """One question as served, answered and judged."""

    position: int
    id: str
    topic: str
    type: str
    order: list[int]
    shown: list[str]
    answer: Any
    expected: Any  # the right answer in the form of ``answer``; None for fix-it
    answered_at: str | None
    flagged: bool
    correct: bool


class Score(TypedDict):
    """Right answers, questions asked, and the percentage."""

    correct: int
    total: int
    percent: float


class Signature(TypedDict, total=False):
    """HMAC-SHA256 with the key's id, or ``method: none`` and a note when unsigned."""

    method: str
    key_id: str
    value: str
    note: str


class UnsignedRecord(TypedDict):
    """A record before it is signed."""

    format: str
    attempt_id: str
    attempt_number: int
    learner: RecordLearner
    exam: RecordExam
    course: RecordCourse
    tool_version: str
    started_at: str
    deadline: str | None
    ended_at: str
    submitted: str
    questions: list[RecordQuestion]
    score: Score
    pass_mark: int
    result: str
    previous: str | None  # the signature of this learner's previous record at this exam


class ExamRecord(UnsignedRecord):
    """A sealed record: the same, with its signature."""

    signature: Signature
