"""The instructor's view of the class: one row per learner, as HTML, JSON and CSV.

Each row joins what the server knows (is the learner's app open, how long since their last
key) with a read-only summary of their progress store (`tutor.progress.summary`). The HTML
refreshes itself every few seconds, works on a projector, and loads nothing from anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from tutor.exam.export import csv_cell
from tutor.progress.store import SHIPPED
from tutor.progress.summary import STUCK_MINUTES, WRONG_IN_A_ROW, Summary, summarise
from tutor.safetext import json_dumps, visible
from tutor.serve.workshop import Seat

REFRESH_SECONDS = 5


@dataclass(frozen=True, slots=True)
class Row:
    """One learner on the class view."""

    seat: Seat
    online: bool
    idle_seconds: int | None  # since their last key, while online
    summary: Summary

    def place(self) -> str:
        """Where the learner is, in words: a lesson, an exercise, a quiz, an exam."""
        # An open exam attempt says where the learner is better than the last place kept.
        sitting = [line.exam for line in self.summary.exams if line.result == "in progress"]
        if sitting and self.online:
            return f"exam {sitting[-1]}"
        place = self.summary.place
        if not place:
            return "course map" if self.online else "-"
        screen = place.get("screen", "")
        what = place.get("lesson") or place.get("exercise") or place.get("topic") or ""
        return f"{screen} {what}".strip()

    def as_json(self) -> dict[str, Any]:
        """The row as /class.json gives it."""
        summary = self.summary
        return {
            "id": self.seat.id, "name": self.seat.name, "online": self.online,
            "idle_seconds": self.idle_seconds, "place": self.place(),
            "lessons_read": list(summary.lessons_read),
            "exercises_solved": list(summary.exercises_solved),
            "practice": {topic: {"answered": score.answered, "correct": score.correct}
                         for topic, score in summary.practice.items()},
            "exams": [{"exam": line.exam, "kind": line.kind, "attempt": line.number,
                       "result": line.result, "percent": line.percent}
                      for line in summary.exams],
            "stuck": summary.stuck, "problem": summary.problem,
        }


def rows(seats: Collection[Seat], folders: Mapping[str, Path], live: Collection[str],
         last_key: Mapping[str, float], now: dt.datetime, clock: float,
         course: str = SHIPPED) -> list[Row]:
    """Every learner's row in the served ``course`` (a key from `tutor.content.identity`);
    ``last_key`` maps a folder to the monotonic time of its last key."""
    result = []
    for seat in seats:
        online = seat.folder in live
        idle = (int(clock - last_key[seat.folder]) if online and seat.folder in last_key
                else None)
        result.append(Row(seat, online, idle, summarise(folders[seat.folder], now, course)))
    return result


def to_json(class_rows: list[Row]) -> str:
    """/class.json: one object per learner."""
    return json_dumps([row.as_json() for row in class_rows]) + "\n"


CSV_COLUMNS = ("id", "name", "online", "idle_seconds", "place", "lessons_read",
               "exercises_solved", "practice", "exams", "stuck")


def to_csv(class_rows: list[Row]) -> str:
    """/class.csv: one line per learner, lists joined with spaces, for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in class_rows:
        data = row.as_json()
        writer.writerow([csv_cell(value) for value in (
            data["id"], data["name"], "yes" if data["online"] else "no",
            "" if data["idle_seconds"] is None else data["idle_seconds"], data["place"],
            " ".join(data["lessons_read"]), " ".join(data["exercises_solved"]),
            " ".join(f"{t}:{s['correct']}/{s['answered']}" for t, s in data["practice"].items()),
            " ".join(_exam_text(e) for e in data["exams"]), data["stuck"] or "")])
    return out.getvalue()


def _exam_text(exam: Mapping[str, Any]) -> str:
    score = f" {exam['percent']:g}%" if exam["percent"] is not None else ""
    return f"{exam['exam']}#{exam['attempt']}({exam['kind']}):{exam['result']}{score}"


def _cell(text: str) -> str:
    return f"<td>{escape(visible(text))}</td>"


def to_html(class_rows: list[Row], max_sessions: int) -> str:
    """The class page: a table, stuck rows marked with a word as well as a colour."""
    online = sum(row.online for row in class_rows)
    stuck = sum(row.summary.stuck is not None for row in class_rows)
    body = []
    for row in class_rows:
        data = row.as_json()
        idle = "" if row.idle_seconds is None else f" (idle {row.idle_seconds // 60} min)"
        state = ("● online" + idle) if row.online else "○ offline"
        flag = f"⚑ STUCK: {row.summary.stuck}" if row.summary.stuck else (
            f"problem: {row.summary.problem}" if row.summary.problem else "")
        body.append(
            f"<tr class=\"{'stuck' if row.summary.stuck else ''}\">"
            + _cell(row.seat.id) + _cell(row.seat.name) + _cell(state) + _cell(row.place())
            + _cell(f"{len(data['lessons_read'])}: {' '.join(data['lessons_read'])}")
            + _cell(f"{len(data['exercises_solved'])}: {' '.join(data['exercises_solved'])}")
            + _cell(" ".join(f"{t} {s['correct']}/{s['answered']}"
                             for t, s in data["practice"].items()))
            + _cell(" ".join(_exam_text(e) for e in data["exams"])) + _cell(flag) + "</tr>")
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}\">"
        "<meta name=\"viewport\" content=\"width=device-width\">"
        "<title>hardening-tutor: class</title><style>"
        "body{font:18px system-ui,sans-serif;margin:1em;background:#fff;color:#111}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;"
        "padding:.3em .5em;text-align:left;vertical-align:top}"
        "tr.stuck{background:#ffe08a;font-weight:bold}</style></head><body>"
        f"<h1>Class</h1><p>{online} of {len(class_rows)} learners online, {stuck} stuck "
        f"(at most {max_sessions} sessions). Stuck means {STUCK_MINUTES} minutes on one "
        f"exercise without solving it, or {WRONG_IN_A_ROW} practice answers wrong in a row. "
        f"This page refreshes every {REFRESH_SECONDS} s. "
        "<a href=\"/class.csv\">CSV</a> · <a href=\"/class.json\">JSON</a> · "
        "<a href=\"/class/records.json\">signed exam records</a> (check them with "
        "<code>hardening-tutor results verify --exam ID FILE</code>)</p>"
        "<table><thead><tr><th>id</th><th>name</th><th>app</th><th>where</th>"
        "<th>lessons read</th><th>exercises solved</th><th>practice</th><th>exams</th>"
        "<th>flag</th></tr></thead><tbody>" + "".join(body) + "</tbody></table></body>"
        "</html>\n")
