"""An exam's settings: the course's defaults, narrowed or changed by the command line."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace

from tutor.content.model import QUESTION_TYPES, Course
from tutor.errors import InputError


@dataclass(frozen=True, slots=True)
class ExamSpec:
    """What an exam draws and how it is passed; ``questions`` wins over ``per_topic``."""

    title: str
    topics: tuple[str, ...]
    types: tuple[str, ...]
    per_topic: int | None = 3
    questions: int | None = None
    pass_mark: int = 80
    time_limit_minutes: float | None = None
    attempts: int | None = None  # None: unlimited
    seed: int | None = None

    @property
    def exam_id(self) -> str:
        """The exam's identity for counting attempts: its title and what it asks, not the
        seed or the attempts allowed (a trainer may raise those without a fresh start)."""
        asked = {"title": self.title, "topics": sorted(self.topics), "types": sorted(self.types),
                 "per_topic": self.per_topic, "questions": self.questions,
                 "pass_mark": self.pass_mark, "time_limit_minutes": self.time_limit_minutes}
        digest = hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()
        return f"exam-{digest[:12]}"

    def to_json(self) -> dict[str, object]:
        """The settings as a record keeps them."""
        data = asdict(self)
        data["topics"], data["types"] = list(self.topics), list(self.types)
        return data


def spec_for(course: Course, *, questions: int | None = None, per_topic: int | None = None,
             topics: list[str] | None = None, types: list[str] | None = None,
             pass_mark: int | None = None, time_limit: float | None = None,
             attempts: int | None = None, seed: int | None = None) -> ExamSpec:
    """The course's sign-off settings with any given option applied; bad values raise
    InputError naming the option and what it accepts."""
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
    defaults = course.exam
    spec = ExamSpec(
        title=course.title or "Exam",
        topics=tuple(topics or known_topics),
        types=tuple(types or QUESTION_TYPES),
        per_topic=defaults.per_topic,
        pass_mark=defaults.pass_mark if pass_mark is None else pass_mark,
        time_limit_minutes=(float(defaults.time_limit_minutes)
                            if time_limit is None and defaults.time_limit_minutes
                            else time_limit),
        attempts=attempts, seed=seed)
    if questions is not None:
        spec = replace(spec, questions=questions, per_topic=None)
    elif per_topic is not None:
        spec = replace(spec, per_topic=per_topic)
    available = [q for q in course.questions if q.topic in spec.topics and q.type in spec.types]
    if not available:
        raise InputError("no question in this course matches --topics and --types")
    return spec
