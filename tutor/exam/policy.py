"""Does a record count as sign-off for an exam, as the verifier's own course defines it?

The signature proves a record was not changed after it was sealed; this proves what was
sealed is the exam the instructor means: the right exam id, not a practice variant, and
the very definition their course holds (an edited local course gives another hash).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tutor.content.model import SIGN_OFF, Course
from tutor.exam.shape import OLD_FORMATS
from tutor.exam.spec import definition, from_definition


def _shown(value: Any) -> str:
    return "unset" if value is None else ", ".join(value) if isinstance(value, list) else str(value)


def sign_off_problems(record: Mapping[str, Any], course: Course, exam_id: str) -> list[str]:
    """Why ``record`` is not a sign-off attempt at ``exam_id`` as ``course`` defines it."""
    if record.get("format") in OLD_FORMATS:
        return [f"it was made by an older hardening-tutor (record format 1), before exams "
                f"were defined by the course, so it cannot count as sign-off for '{exam_id}'"]
    exam = record.get("exam")
    if not isinstance(exam, Mapping):
        return ["it names no exam"]
    if exam.get("id") != exam_id:
        return [f"it is an attempt at '{exam.get('id')}', not '{exam_id}'"]
    expected = from_definition(course, definition(course, exam_id))
    settings = exam.get("settings")
    settings = settings if isinstance(settings, Mapping) else {}
    differences = [f"{name} is {_shown(settings.get(name))} in the record but "
                   f"{_shown(value)} in this course's definition"
                   for name, value in expected.settings().items()
                   if settings.get(name) != value]
    problems: list[str] = []
    if exam.get("kind") != SIGN_OFF:
        problems.append("it is a practice exam, whose settings were changed when it started")
    # The settings are compared too: a record whose hash was kept while a setting changed
    # claims a definition it did not run.
    if exam.get("definition_hash") != expected.definition_hash or differences:
        problems.append("it ran another definition of the exam: " + (
            "; ".join(differences) if differences else "its definition hash differs"))
    return problems
