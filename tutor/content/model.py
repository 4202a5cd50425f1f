"""The course as typed data: lessons, exercises, questions, and the problems found in them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DIFFICULTIES = ("easy", "medium", "hard")
QUESTION_TYPES = ("single", "multiple", "true_false", "spot_the_line", "fix_it")


SEVERITIES = ("error", "warning")


@dataclass(frozen=True, slots=True)
class ContentError:
    """One problem in the course: the file (relative to the pack), the line, and what to do.

    An ``error`` fails ``content check``; a ``warning`` (a weakness such as an answer cue) is
    reported for the author to act on and leaves the exit status alone.
    """

    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        marker = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {marker}{self.message}"


@dataclass(frozen=True, slots=True)
class Topic:
    """A quiz category; exams draw questions per topic."""

    id: str
    title: str


FEEDBACK = ("score", "topics", "review")
SIGN_OFF = "sign-off"


@dataclass(frozen=True, slots=True)
class ExamDefinition:
    """An exam as the course defines it; ``topics`` and ``types`` empty mean all of them.

    ``questions`` (in all) wins over ``per_topic``. ``feedback`` is what the learner sees
    after submitting: the score only, the score per topic, or the full review.
    """

    id: str
    title: str
    topics: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    per_topic: int | None = 3
    questions: int | None = None
    pass_mark: int = 80
    time_limit_minutes: int | None = None
    attempts: int | None = None  # None: unlimited
    retake_after_days: int | None = None
    feedback: str = "review"
    line: int = 1  # where course.yaml defines it, for error messages


@dataclass(frozen=True, slots=True)
class Check:
    """One line of a goal's checklist: a kind (``no_finding``, ``command`` …) and its value."""

    kind: str
    value: Any
    label: str
    line: int


@dataclass(frozen=True, slots=True)
class Goal:
    """What the analyzer must see in the learner's files for an exercise to count as solved."""

    checks: tuple[Check, ...]
    dockerfile: str = "Dockerfile"
    # Rules whose warnings may stay (the default ``clean`` check spares them).
    allow: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Lesson:
    """One lesson: front matter plus the Markdown body."""

    id: str
    title: str
    order: int
    summary: str
    objectives: tuple[str, ...]
    minutes: int
    rules: tuple[str, ...]
    exercises: tuple[str, ...]
    body: str
    file: str
    # The file line the body starts on, so body problems can name their line.
    body_line: int = 1
    # The file line of each front matter key.
    key_lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        """The file line a front matter key is on (the file's first line if absent)."""
        return self.key_lines.get(key, 1)


@dataclass(frozen=True, slots=True)
class Exercise:
    """A broken starter, a goal the analyzer checks, hints, a reference solution and a debrief."""

    id: str
    title: str
    summary: str
    difficulty: str
    edit: tuple[str, ...]
    goal: Goal
    hints: tuple[str, ...]
    debrief: str
    starter: Mapping[str, str]
    solution: Mapping[str, str]
    file: str
    # The lesson that offers it (filled in from the lessons' ``exercises`` lists).
    lesson: str | None = None

    def solved_files(self) -> dict[str, str]:
        """The starter with the reference solution's files laid over it."""
        return {**self.starter, **self.solution}


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a ``single`` or ``multiple`` question."""

    text: str
    why: str | None
    # The file line the option starts on (0 when unknown), so warnings can point at it.
    line: int = 0


@dataclass(frozen=True, slots=True)
class Question:
    """A quiz question of one of ``QUESTION_TYPES``.

    ``answer`` holds option indexes (0-based) for ``single``/``multiple``, a bool for
    ``true_false``, 1-based line numbers for ``spot_the_line``, and nothing for ``fix_it``,
    whose ``goal`` decides.
    """

    id: str
    type: str
    topic: str
    difficulty: str
    lesson: str
    prompt: str
    explanation: str
    file: str
    line: int
    options: tuple[Option, ...] = ()
    # The file line of each key of the question.
    key_lines: Mapping[str, int] = field(default_factory=dict)
    answer: tuple[int, ...] | bool | None = None
    dockerfile: str | None = None
    rule: str | None = None
    goal: Goal | None = None
    solution: str | None = None


@dataclass(slots=True)
class Course:
    """A loaded course pack; ``errors`` lists what is wrong with it (empty when valid)."""

    root: str
    title: str = ""
    scope: str = "complete"
    topics: tuple[Topic, ...] = ()
    lessons: tuple[Lesson, ...] = ()
    exercises: dict[str, Exercise] = field(default_factory=dict)
    questions: tuple[Question, ...] = ()
    exams: tuple[ExamDefinition, ...] = ()
    # The class roster (CSV, relative to the pack folder) that exams identify learners by.
    roster: str | None = None
    # A digest of every file read, so a record can say which version of the course it used.
    content_hash: str = ""
    errors: list[ContentError] = field(default_factory=list)

    def exam(self, exam_id: str) -> ExamDefinition | None:
        """The exam the course defines with this id, if any."""
        return next((exam for exam in self.exams if exam.id == exam_id), None)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, if any."""
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)
