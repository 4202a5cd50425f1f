"""Exam records out of the store: JSON (what `results verify` checks), CSV and xAPI.

JSON keeps each signed record whole, signature included, and seals the file as a whole
(`tutor.exam.seal`). CSV has one line per attempt for a spreadsheet. xAPI gives one
statement per attempt (verb passed or failed) and one per answer (verb answered), for a
learning record store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from tutor.exam import fields
from tutor.exam.record import SigningKey
from tutor.exam.seal import Selection, manifest, seal
from tutor.safetext import json_dumps, visible

# 2: the file carries a seal, what it selected and how many records it holds.
EXPORT_FORMAT = "hardening-tutor/exam-records/2"
# xAPI needs an account system for each learner; set --home-page to your organisation's.
DEFAULT_HOME_PAGE = "https://hardening-tutor.invalid/learners"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:hardening-tutor:xapi")
_VERBS = "http://adlnet.gov/expapi/verbs/"
_ACTIVITIES = "http://adlnet.gov/expapi/activities/"

CSV_COLUMNS = ("attempt_id", "attempt_number", "learner", "learner_id", "exam_id",
               "exam_kind", "exam_title",
               "started_at", "ended_at", "duration_seconds", "submitted", "correct", "total",
               "percent", "pass_mark", "result", "signed", "key_id", "course_hash",
               "tool_version")


def to_json(records: Sequence[dict[str, Any]], exported_at: str, selection: Selection,
            key: SigningKey | None) -> str:
    """Every record whole, signature included, and the file sealed: what `results verify`
    checks. Without a key the file says it is unsealed."""
    sealed = manifest(EXPORT_FORMAT, exported_at, selection, records)
    document = {"format": EXPORT_FORMAT, "exported_at": exported_at, "selection": selection,
                "count": len(records), "seal": seal(sealed, key), "records": list(records)}
    # Escapes C1 controls a stored name may hold; verify reads the same values back.
    return json_dumps(document) + "\n"


def _seconds(record: dict[str, Any]) -> int:
    started = dt.datetime.fromisoformat(str(record["started_at"]).replace("Z", "+00:00"))
    ended = dt.datetime.fromisoformat(str(record["ended_at"]).replace("Z", "+00:00"))
    return max(0, int((ended - started).total_seconds()))


# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets:
# "=HYPERLINK(…)" as a learner's name runs when the file is opened. OWASP, "CSV Injection"
# (https://owasp.org/www-community/attacks/CSV_Injection): prefix such a cell with a single
# quote, which spreadsheets show as text. Tab and carriage return are on OWASP's list too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value safe to put in a spreadsheet: text with controls visible, never a formula."""
    if not isinstance(value, str):
        return value  # a number, even a negative one, is only ever a number to a spreadsheet
    text = visible(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(records: Iterable[dict[str, Any]]) -> str:
    """One line per attempt, with a header row; every text cell goes through `csv_cell`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        signature = record.get("signature") or {}
        score = record["score"]
        writer.writerow({column: csv_cell(value) for column, value in {
            "attempt_id": record["attempt_id"], "attempt_number": record["attempt_number"],
            "learner": fields.learner_name(record), "learner_id": fields.learner_key(record),
            "exam_id": fields.exam_id(record), "exam_kind": fields.exam_kind(record),
            "exam_title": fields.exam_title(record),
            "started_at": record["started_at"], "ended_at": record["ended_at"],
            "duration_seconds": _seconds(record), "submitted": record["submitted"],
            "correct": score["correct"], "total": score["total"], "percent": score["percent"],
            "pass_mark": record["pass_mark"], "result": record["result"],
            "signed": "yes" if signature.get("method") not in (None, "none") else "no",
            "key_id": signature.get("key_id", ""),
            "course_hash": record["course"]["content_hash"],
            "tool_version": record["tool_version"]}.items()})
    return out.getvalue()


def iso_duration(seconds: int) -> str:
    """An ISO 8601 duration: PT1H2M3S, PT45S, PT0S."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return "PT" + parts + (f"{secs}S" if secs or not parts else "")


def _actor(record: dict[str, Any], home_page: str) -> dict[str, Any]:
    # The account name is the learner's id, which stays put when a name is corrected.
    return {"objectType": "Agent", "name": fields.learner_name(record),
            "account": {"homePage": home_page, "name": fields.learner_key(record)}}


def _verb(name: str) -> dict[str, Any]:
    return {"id": _VERBS + name, "display": {"en-US": name}}


def _exam_activity(record: dict[str, Any]) -> dict[str, Any]:
    return {"objectType": "Activity",
            "id": f"urn:hardening-tutor:exam:{fields.exam_id(record)}",
            "definition": {"type": _ACTIVITIES + "assessment",
                           "name": {"en-US": fields.exam_title(record) or "Exam"}}}


def expected_answer(entry: dict[str, Any]) -> object:
    """The right answer to one question in the form of its ``answer``, or None if unknown.

    A record's ``expected`` says it. A record without one (format 1) still proves it in
    two cases: a right answer is the right answer, and the wrong one of true or false
    leaves the other. A fix-it question is judged by its goal, which many Dockerfiles meet.
    """
    if "expected" in entry:
        return entry["expected"]
    answer = entry.get("answer")
    if answer is None or entry["type"] == "fix_it":
        return None
    if entry.get("correct") is True:
        return answer
    if entry["type"] == "true_false" and isinstance(answer, bool):
        return not answer
    return None


def _interaction(entry: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A question as an xAPI cmi.interaction, and the learner's response in its syntax.

    Responses and ``correctResponsesPattern`` follow xAPI 1.0.3, Part Two (xAPI-Data.md)
    section 2.4.4.1, "Interaction Activities": "Response Patterns" gives each type's
    syntax (true-false: ``true`` or ``false``; choice: item ids joined by ``[,]``), and
    "Correct Responses Pattern" says the pattern is meant to list every correct response
    and is best left out when they cannot all be listed, so a fix-it question ("other")
    and a question whose right answer the record does not hold have none.
    """
    kind, answer, expected = entry["type"], entry["answer"], expected_answer(entry)
    definition: dict[str, Any] = {"type": _ACTIVITIES + "cmi.interaction",
                                  "name": {"en-US": entry["id"]}}
    if kind == "true_false":
        definition["interactionType"] = "true-false"
        response = None if answer is None else ("true" if answer else "false")
        if isinstance(expected, bool):
            definition["correctResponsesPattern"] = ["true" if expected else "false"]
    elif kind in ("single", "multiple", "spot_the_line"):
        definition["interactionType"] = "choice"
        shown, order = entry["shown"], entry["order"]
        prefix = "line-" if kind == "spot_the_line" else "option-"
        base = 1 if kind == "spot_the_line" else 0
        definition["choices"] = [{"id": f"{prefix}{index + base}",
                                  "description": {"en-US": text}}
                                 for index, text in sorted(zip(order, shown, strict=True))]
        response = (None if answer is None
                    else "[,]".join(f"{prefix}{value}" for value in answer))
        # An empty pattern would mean "no answer is correct" to the spec: leave it out.
        if (isinstance(expected, list) and expected
                and all(isinstance(value, int) for value in expected)):
            definition["correctResponsesPattern"] = [
                "[,]".join(f"{prefix}{value}" for value in sorted(expected))]
    else:
        definition["interactionType"] = "other"
        response = None if answer is None else str(answer)
    return definition, response


def to_xapi(records: Iterable[dict[str, Any]], home_page: str = DEFAULT_HOME_PAGE) -> str:
    """xAPI statements: one per attempt (passed or failed) and one per answer (answered)."""
    statements: list[dict[str, Any]] = []
    for record in records:
        actor = _actor(record, home_page)
        exam = _exam_activity(record)
        attempt_id = record["attempt_id"]
        score = record["score"]
        signature = record.get("signature") or {}
        context = {"registration": attempt_id, "extensions": {
            "urn:hardening-tutor:course-hash": record["course"]["content_hash"],
            "urn:hardening-tutor:tool-version": record["tool_version"],
            "urn:hardening-tutor:signed": signature.get("method") not in (None, "none")}}
        statements.append({
            "id": str(uuid.uuid5(_NAMESPACE, f"{attempt_id}:attempt")),
            "actor": actor, "verb": _verb(record["result"]), "object": exam,
            "result": {"score": {"scaled": round(score["correct"] / score["total"], 4)
                                 if score["total"] else 0.0,
                                 "raw": score["correct"], "min": 0, "max": score["total"]},
                       "success": record["result"] == "passed", "completion": True,
                       "duration": iso_duration(_seconds(record))},
            "context": context, "timestamp": record["ended_at"]})
        for entry in record["questions"]:
            definition, response = _interaction(entry)
            result: dict[str, Any] = {"success": bool(entry["correct"])}
            if response is not None:
                result["response"] = response
            statements.append({
                "id": str(uuid.uuid5(_NAMESPACE, f"{attempt_id}:{entry['position']}")),
                "actor": actor, "verb": _verb("answered"),
                "object": {"objectType": "Activity",
                           "id": f"urn:hardening-tutor:question:{entry['id']}",
                           "definition": definition},
                "result": result,
                "context": {"registration": attempt_id,
                            "contextActivities": {"parent": [{"objectType": "Activity",
                                                              "id": exam["id"]}]}},
                "timestamp": entry["answered_at"] or record["ended_at"]})
    return json_dumps(statements) + "\n"


