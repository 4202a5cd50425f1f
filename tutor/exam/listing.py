"""``results list``: every attempt, finished or in progress, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass

from tutor.exam import fields
from tutor.exam.export import csv_cell
from tutor.progress.exams import AttemptRow
from tutor.safetext import json_dumps, visible

IN_PROGRESS = "in progress"


@dataclass(frozen=True, slots=True)
class Listed:
    """One attempt as `results list` shows it: from its record once it has one."""

    attempt_id: str
    attempt_number: int
    learner_id: str
    learner_name: str
    exam_id: str
    kind: str  # sign-off or practice
    title: str
    started_at: str
    ended_at: str | None
    correct: int | None
    total: int | None
    percent: float | None
    result: str  # passed, failed or in progress
    signed: str  # the id of the key that signed the record, or "no"


# "10/15" is not a column of its own: a spreadsheet reads it as the 15th of October.
COLUMNS = tuple(field.name for field in dataclasses.fields(Listed))


def listed(attempt: AttemptRow) -> Listed:
    """What the listing shows for one attempt."""
    record = attempt.record
    if record is None:
        return Listed(attempt.id, attempt.number, fields.row_learner_key(attempt),
                      fields.row_learner_name(attempt), fields.row_exam_id(attempt),
                      fields.row_exam_kind(attempt), fields.row_exam_title(attempt),
                      attempt.started_at, None, None, None, None, IN_PROGRESS, "no")
    score = record["score"]
    return Listed(attempt.id, attempt.number, fields.learner_key(record),
                  fields.learner_name(record), fields.exam_id(record), fields.exam_kind(record),
                  fields.exam_title(record), attempt.started_at, record.get("ended_at"),
                  score["correct"], score["total"], score["percent"], str(record["result"]),
                  fields.signing_key_id(record) or "no")


def to_text(rows: Sequence[Listed]) -> str:
    """A table with a header, its columns lined up."""
    table = [("ATTEMPT", "LEARNER", "EXAM", "KIND", "TITLE", "STARTED", "SCORE", "RESULT",
              "SIGNED")]
    for row in rows:
        learner = (row.learner_name if row.learner_id in ("", row.learner_name)
                   else f"{row.learner_name} ({row.learner_id})")
        if row.result == IN_PROGRESS:
            score, signed = "-", "-"
        else:
            score = f"{row.correct}/{row.total} ({row.percent:g}%)"
            signed = "no (self-assessed)" if row.signed == "no" else f"yes, key {row.signed}"
        table.append((f"#{row.attempt_number} {row.attempt_id[:8]}", learner, row.exam_id,
                      row.kind, row.title, row.started_at, score, row.result, signed))
    # Records written by older versions or other tools may hold control characters in a
    # name or a title: shown as glyphs of the same width, never sent to the terminal.
    shown = [[visible(str(cell)) for cell in line] for line in table]
    widths = [max(len(line[i]) for line in shown) for i in range(len(shown[0]))]
    return "".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
                   .rstrip() + "\n" for line in shown)


def to_csv(rows: Sequence[Listed]) -> str:
    """One line per attempt under a header; every cell goes through `csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(value) for value in dataclasses.astuple(row)])
    return out.getvalue()


def to_json(rows: Sequence[Listed]) -> str:
    """A JSON list with one object per attempt, keyed by `COLUMNS`."""
    return json_dumps([dataclasses.asdict(row) for row in rows]) + "\n"
