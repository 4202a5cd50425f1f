"""One learner's progress at a glance, read from their store: what the class view shows.

The workshop server reads each learner's ``progress.db`` read-only (their process keeps
writing it) and turns it into a :class:`Summary`: where they are, what they have done, and
whether they look stuck, in the course the workshop serves (progress is kept per course;
rows kept before that, which no course has taken yet, count too). Nothing here writes, so
a busy or damaged store costs one row.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from tutor.errors import TutorError
from tutor.progress.database import UNASSIGNED, connect_read_only
from tutor.progress.store import FILE_NAME, SHIPPED

# "Stuck": on one exercise this long without solving it, or this many practice answers
# wrong in a row. The README says so; an instructor walks over.
STUCK_MINUTES = 15
WRONG_IN_A_ROW = 3


@dataclass(frozen=True, slots=True)
class TopicScore:
    """Practice on one topic: questions answered, and right the last time each was asked."""

    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class ExamLine:
    """One exam attempt: which exam, sign-off or practice, and how it ended (if it has)."""

    exam: str
    kind: str
    number: int
    result: str  # "passed", "failed" or "in progress"
    percent: float | None


@dataclass(frozen=True, slots=True)
class Summary:
    """What the class view shows about one learner's work."""

    place: dict[str, str] | None = None
    place_since: str | None = None
    lessons_read: tuple[str, ...] = ()
    exercises_solved: tuple[str, ...] = ()
    practice: dict[str, TopicScore] = field(default_factory=dict)
    exams: tuple[ExamLine, ...] = ()
    wrong_in_a_row: int = 0
    stuck: str | None = None  # why they look stuck, or None
    problem: str | None = None  # the store could not be read (locked, damaged)


def _parse(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def summarise(folder: Path, now: dt.datetime, course: str = SHIPPED) -> Summary:
    """The summary of the store in ``folder`` for one course (a key from
    `tutor.content.identity`); an empty one when the learner has not begun."""
    path = folder / FILE_NAME
    if not path.is_file():
        return Summary()
    try:
        db = connect_read_only(path, busy_timeout=1.0)
    except TutorError as exc:  # a locked or damaged store: shown on the row, never raised
        return Summary(problem=str(exc))
    try:
        return _read(db, now, course)
    except sqlite3.Error as exc:
        return Summary(problem=f"{path}: {exc}")
    finally:
        db.close()


def _read(db: sqlite3.Connection, now: dt.datetime, course: str) -> Summary:
    ours = (course, UNASSIGNED)
    lessons = tuple(dict.fromkeys(row[0] for row in db.execute(
        "SELECT lesson FROM lessons_read WHERE course IN (?, ?) ORDER BY read_at", ours)))
    solved = tuple(dict.fromkeys(row[0] for row in db.execute(
        "SELECT exercise FROM solutions WHERE course IN (?, ?) ORDER BY solved_at", ours)))
    practice = {topic: TopicScore(answered, correct or 0) for topic, answered, correct in
                db.execute("SELECT topic, COUNT(*), SUM(correct) FROM practice_answers AS a "
                           "WHERE course IN (?, ?) AND id = (SELECT MAX(id) FROM "
                           "practice_answers AS b WHERE b.learner = a.learner AND "
                           "b.course IN (?, ?) AND b.question = a.question) GROUP BY topic",
                           ours + ours)}
    recent = [bool(row[0]) for row in db.execute(
        "SELECT correct FROM practice_answers WHERE course IN (?, ?) ORDER BY id DESC "
        "LIMIT ?", (*ours, WRONG_IN_A_ROW))]
    wrong = 0
    for correct in recent:
        if correct:
            break
        wrong += 1
    row = db.execute("SELECT place, updated_at FROM places WHERE course IN (?, ?) ORDER BY "
                     "course = ? DESC, updated_at DESC LIMIT 1", (*ours, course)).fetchone()
    place: dict[str, str] | None = None
    since = None
    if row is not None:
        loaded = json.loads(row[0])
        place = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else None
        since = row[1]
    exams = tuple(_exam_line(*values) for values in db.execute(
        "SELECT exam, number, spec, record FROM exam_attempts ORDER BY started_at"))
    return Summary(place, since, lessons, solved, practice, exams, wrong,
                   _stuck(place, since, solved, wrong, now))


def _exam_line(exam: str, number: int, spec: str, record: str | None) -> ExamLine:
    settings = json.loads(spec)
    kind = str(settings.get("kind", "sign-off")) if isinstance(settings, dict) else "sign-off"
    name = str(settings.get("id", exam)) if isinstance(settings, dict) else exam
    if record is None:
        return ExamLine(name, kind, number, "in progress", None)
    sealed = json.loads(record)
    return ExamLine(name, kind, number, str(sealed.get("result", "?")),
                    float(sealed.get("score", {}).get("percent", 0.0)))


def _stuck(place: dict[str, str] | None, since: str | None, solved: tuple[str, ...],
           wrong: int, now: dt.datetime) -> str | None:
    """Why the learner looks stuck: long on one exercise, or wrong answers in a row."""
    if wrong >= WRONG_IN_A_ROW:
        return f"{wrong} practice answers wrong in a row"
    if place and place.get("screen") == "exercise" and since is not None:
        exercise = place.get("exercise", "")
        minutes = (now - _parse(since)).total_seconds() / 60
        if exercise not in solved and minutes >= STUCK_MINUTES:
            return f"on exercise {exercise} for {int(minutes)} min without solving it"
    return None
