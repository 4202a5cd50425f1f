"""An exam's settings: one the course defines, run exactly so, or a practice variant of it.

A sign-off attempt runs the course's definition unchanged. Any setting changed on the
command line makes the attempt a *practice exam*: it says so on every screen, in
``results list`` and in its record, and no ``results verify --exam`` accepts it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from tutor.content.model import QUESTION_TYPES, SIGN_OFF, Course, ExamDefinition
from tutor.errors import InputError

PRACTICE = "practice"
KINDS = (SIGN_OFF, PRACTICE)


@dataclass(frozen=True, slots=True)
class ExamSpec:
    """What an exam draws and how it is passed; ``questions`` wins over ``per_topic``."""

    exam_id: str  # the definition's id in the course
    kind: str  # "sign-off" or "practice"
    title: str
    topics: tuple[str, ...]
    types: tuple[str, ...]
    per_topic: int | None = 3
    questions: int | None = None
    pass_mark: int = 80
    time_limit_minutes: float | None = None
    attempts: int | None = None  # None: unlimited
    retake_after_days: int | None = None
    feedback: str = "review"
    seed: int | None = None

    @property
    def practice(self) -> bool:
        """True when the settings are not the course's definition."""
        return self.kind == PRACTICE

    @property
    def shown_title(self) -> str:
        """The title as every screen and listing shows it: practice exams say so."""
        return f"Practice: {self.title}" if self.practice else self.title

    @property
    def store_key(self) -> str:
        """What attempts are counted under: the exam's id, kept apart for practice."""
        return f"{PRACTICE}:{self.exam_id}" if self.practice else self.exam_id

    def settings(self) -> dict[str, object]:
        """The definition as a record keeps it (without the seed, which varies by attempt)."""
        return {"id": self.exam_id, "title": self.title, "topics": sorted(self.topics),
                "types": sorted(self.types), "per_topic": self.per_topic,
                "questions": self.questions, "pass_mark": self.pass_mark,
                "time_limit_minutes": self.time_limit_minutes, "attempts": self.attempts,
                "retake_after_days": self.retake_after_days, "feedback": self.feedback}

    @property
    def definition_hash(self) -> str:
        """A digest of :meth:`settings` in canonical JSON: which definition ran."""
        text = json.dumps(self.settings(), sort_keys=True, separators=(",", ":"))
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def definition(course: Course, exam_id: str | None) -> ExamDefinition:
    """The course's exam with this id, or its only exam; ``InputError`` naming the choices."""
    ids = ", ".join(exam.id for exam in course.exams) or "none"
    if exam_id is None:
        if len(course.exams) == 1:
            return course.exams[0]
        raise InputError(f"this course defines several exams ({ids}): name one, as in "
                         f"'hardening-tutor exam {course.exams[0].id}'" if course.exams
                         else "this course defines no exam")
    found = course.exam(exam_id)
    if found is None:
        raise InputError(f"this course defines no exam '{exam_id}'; it defines: {ids}")
    return found


def from_definition(course: Course, exam: ExamDefinition,
                    seed: int | None = None) -> ExamSpec:
    """The sign-off spec of a defined exam, its topics and types resolved."""
    return ExamSpec(
        exam_id=exam.id, kind=SIGN_OFF, title=exam.title,
        topics=exam.topics or tuple(topic.id for topic in course.topics),
        types=exam.types or QUESTION_TYPES, per_topic=exam.per_topic,
        questions=exam.questions, pass_mark=exam.pass_mark,
        time_limit_minutes=(float(exam.time_limit_minutes) if exam.time_limit_minutes
                            else None),
        attempts=exam.attempts, retake_after_days=exam.retake_after_days,
        feedback=exam.feedback, seed=seed)


def spec_for(course: Course, exam_id: str | None = None, *, questions: int | None = None,
             per_topic: int | None = None, topics: list[str] | None = None,
             types: list[str] | None = None, pass_mark: int | None = None,
             time_limit: float | None = None, attempts: int | None = None,
             seed: int | None = None, practice: bool = False) -> ExamSpec:
    """The course's exam, or a practice variant when any setting is given or ``practice``.

    Bad values raise InputError naming the option and what it accepts. ``seed`` alone
    keeps a sign-off exam (tests use it); the command line's --seed asks for practice.
    """
    known_topics = [topic.id for topic in course.topics]
    if topics:
        unknown = [topic for topic in topics if topic not in known_topics]
        if unknown:
            raise InputError(f"--topics: no topic {', '.join(unknown)} in this course; "
                             f"choose from {', '.join(known_topics)}")
    if types:
        unknown = [kind for kind in types if kind not in QUESTION_TYPES]
        if unknown:
            raise InputError(f"--types: {', '.join(unknown)} is not a question type; "
                             f"choose from {', '.join(QUESTION_TYPES)}")
    if questions is not None and per_topic is not None:
        raise InputError("give --questions or --per-topic, not both")
    for name, value in (("--questions", questions), ("--per-topic", per_topic),
                        ("--attempts", attempts)):
        if value is not None and value < 1:
            raise InputError(f"{name} must be at least 1")
    if pass_mark is not None and not 0 <= pass_mark <= 100:
        raise InputError("--pass-mark is a percentage from 0 to 100")
    if time_limit is not None and time_limit <= 0:
        raise InputError("--time-limit is a number of minutes above 0")
    spec = from_definition(course, definition(course, exam_id), seed)
    changes: dict[str, Any] = {name: value for name, value in (
        ("topics", tuple(topics) if topics else None), ("types", tuple(types) if types else None),
        ("pass_mark", pass_mark), ("time_limit_minutes", time_limit), ("attempts", attempts),
    ) if value is not None}
    if questions is not None:
        changes.update(questions=questions, per_topic=None)
    elif per_topic is not None:
        changes.update(per_topic=per_topic, questions=None)
    if changes or practice:
        # Not the course's exam any more: a practice exam, with the full review.
        spec = replace(spec, kind=PRACTICE, feedback="review", retake_after_days=None,
                       **changes)
    available = [q for q in course.questions if q.topic in spec.topics and q.type in spec.types]
    if not available:
        raise InputError("no question in this course matches --topics and --types")
    return spec
