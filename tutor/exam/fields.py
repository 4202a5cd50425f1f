"""Reading a record's learner, exam and chain, whichever record format wrote it.

Format 1 (``hardening-tutor/exam-record/1``) names the learner with a plain string, and
every exam was a sign-off exam; format 2 names the learner ``{"id": …, "name": …}``, says
what kind of exam it was, and links each record to the learner's previous one. Everything
that reads those members goes through here, so typed records can replace these helpers
in one place. A record read from a file may be malformed: no helper here raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tutor.progress.exams import AttemptRow

SIGN_OFF = "sign-off"
PRACTICE = "practice"


def _exam(record: Mapping[str, Any]) -> Mapping[str, Any]:
    exam = record.get("exam")
    return exam if isinstance(exam, Mapping) else {}


def learner_key(record: Mapping[str, Any]) -> str:
    """Who took the attempt, as an id: format 2's ``learner.id``, format 1's name."""
    learner = record.get("learner")
    if isinstance(learner, Mapping):
        return str(learner.get("id", ""))
    return "" if learner is None else str(learner)


def learner_name(record: Mapping[str, Any]) -> str:
    """The learner's name as records show it: format 2's ``learner.name``, format 1's string."""
    learner = record.get("learner")
    if isinstance(learner, Mapping):
        return str(learner.get("name", learner.get("id", "")))
    return "" if learner is None else str(learner)


def exam_id(record: Mapping[str, Any]) -> str:
    """The exam's id: a course definition id ("sign-off") or format 1's settings digest."""
    return str(_exam(record).get("id", ""))


def exam_kind(record: Mapping[str, Any]) -> str:
    """``sign-off`` or ``practice``; format 1 had only sign-off exams."""
    return str(_exam(record).get("kind", SIGN_OFF))


def exam_title(record: Mapping[str, Any]) -> str:
    """The exam's title, or its id when it has none."""
    return str(_exam(record).get("title", exam_id(record)))


def attempt_id(record: Mapping[str, Any]) -> str | None:
    """The attempt's id, or None when the record has none that is text."""
    value = record.get("attempt_id")
    return value if isinstance(value, str) else None


def signature_value(record: Mapping[str, Any]) -> str | None:
    """The record's HMAC value, or None when it is unsigned or has no signature."""
    signature = record.get("signature")
    value = signature.get("value") if isinstance(signature, Mapping) else None
    return value if isinstance(value, str) else None


def signing_key_id(record: Mapping[str, Any]) -> str | None:
    """The id of the key that signed the record, or None when it is unsigned."""
    signature = record.get("signature")
    if not isinstance(signature, Mapping) or signature.get("method") in (None, "none"):
        return None
    return str(signature.get("key_id", ""))


def has_previous(record: Mapping[str, Any]) -> bool:
    """True when the record links to the learner's previous one (format 2 records do)."""
    return "previous" in record


def previous(record: Mapping[str, Any]) -> object:
    """The signature value of the learner's previous sealed record; None for the first."""
    return record.get("previous")


# An attempt still in progress has no record: its row says what the record will.

def row_learner_key(row: AttemptRow) -> str:
    """Who is taking an attempt that has no record yet."""
    return row.learner


def row_learner_name(row: AttemptRow) -> str:
    """The learner's name for an attempt that has no record yet (format 1: the id is it)."""
    learner = row.spec.get("learner")
    return str(learner.get("name", row.learner)) if isinstance(learner, dict) else row.learner


def row_exam_id(row: AttemptRow) -> str:
    """The exam an attempt with no record yet belongs to."""
    return str(row.spec.get("id", row.exam))


def row_exam_kind(row: AttemptRow) -> str:
    """``sign-off`` or ``practice`` for an attempt with no record yet."""
    return str(row.spec.get("kind", SIGN_OFF))


def row_exam_title(row: AttemptRow) -> str:
    """The title of the exam an attempt with no record yet belongs to."""
    return str(row.spec.get("title", row.exam))
