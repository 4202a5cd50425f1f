"""Exam records out of the store: JSON (what `results verify` checks), CSV and xAPI.

JSON keeps each sealed record whole, signature included. CSV has one line per attempt for
a spreadsheet. xAPI gives one statement per attempt (verb passed or failed) and one per
answer (verb answered), for a learning record store.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterable
from typing import Any

from tutor.safetext import json_dumps, visible

EXPORT_FORMAT = "hardening-tutor/exam-records/1"
# xAPI needs an account system for each learner; set --home-page to your organisation's.
DEFAULT_HOME_PAGE = "https://hardening-tutor.invalid/learners"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:hardening-tutor:xapi")
_VERBS = "http://adlnet.gov/expapi/verbs/"
_ACTIVITIES = "http://adlnet.gov/expapi/activities/"

CSV_COLUMNS = ("attempt_id", "attempt_number", "learner", "exam_id", "exam_title",
               "started_at", "ended_at", "duration_seconds", "submitted", "correct", "total",
               "percent", "pass_mark", "result", "signed", "key_id", "course_hash",
               "tool_version")


def learner_name(record: dict[str, Any]) -> str:
    """The learner's name in a record of either format (1: a string; 2: id and name)."""
    learner = record["learner"]
    return str(learner["name"]) if isinstance(learner, dict) else str(learner)


def to_json(records: Iterable[dict[str, Any]], exported_at: str) -> str:
    """Every record whole, signature included: the file `results verify` checks."""
    document = {"format": EXPORT_FORMAT, "exported_at": exported_at, "records": list(records)}
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
            "learner": learner_name(record), "exam_id": record["exam"]["id"],
            "exam_title": record["exam"].get("title", ""),
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


def _actor(learner: str, home_page: str) -> dict[str, Any]:
    return {"objectType": "Agent", "name": learner,
            "account": {"homePage": home_page, "name": learner}}


def _verb(name: str) -> dict[str, Any]:
    return {"id": _VERBS + name, "display": {"en-US": name}}


def _exam_activity(record: dict[str, Any]) -> dict[str, Any]:
    return {"objectType": "Activity", "id": f"urn:hardening-tutor:exam:{record['exam']['id']}",
            "definition": {"type": _ACTIVITIES + "assessment",
                           "name": {"en-US": str(record["exam"].get("title", "Exam"))}}}


def _interaction(entry: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A question as an xAPI cmi.interaction, and the learner's response in its syntax."""
    kind, answer = entry["type"], entry["answer"]
    definition: dict[str, Any] = {"type": _ACTIVITIES + "cmi.interaction",
                                  "name": {"en-US": entry["id"]}}
    if kind == "true_false":
        definition["interactionType"] = "true-false"
        response = None if answer is None else ("true" if answer else "false")
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
    else:
        definition["interactionType"] = "other"
        response = None if answer is None else str(answer)
    return definition, response


def to_xapi(records: Iterable[dict[str, Any]], home_page: str = DEFAULT_HOME_PAGE) -> str:
    """xAPI statements: one per attempt (passed or failed) and one per answer (answered)."""
    statements: list[dict[str, Any]] = []
    for record in records:
        actor = _actor(learner_name(record), home_page)
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


