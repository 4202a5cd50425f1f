"""The Textual app. Importing this package imports no Textual; ``launch`` does, lazily."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.app.workspace import Workspace
    from tutor.content.model import Course
    from tutor.exam.learners import Learner, Roster
    from tutor.exam.spec import ExamSpec


@dataclass(frozen=True, slots=True)
class Launch:
    """What the command line asked the app to open, and where its data lives."""

    # A Dockerfile, compose file or directory for the workbench; None opens the course.
    path: Path | None = None
    data_dir: Path | None = None
    content: Path | None = None
    learner: str | None = None
    today: dt.date | None = None
    # Workshop mode: files only under the data folder, no signing key, links to the browser.
    confined: bool = False
    # Served: the learner from their workshop link, whom exams are recorded for.
    identity: Learner | None = None
    # The workbench's files, when the command line already opened them to check the path.
    workspace: Workspace | None = None
    # An exam to open at once (``hardening-tutor exam``), and the learner's name if given.
    exam: ExamSpec | None = None
    exam_learner: str | None = None
    # Take the attempt over from another window that has it open (``exam --take-over``).
    exam_take_over: bool = False
    # The class roster the exam identifies learners by, when there is one.
    exam_roster: Roster | None = None
    # The course, when the command line already loaded it to check the exam's settings.
    course: Course | None = None


# How long a computing thread may keep the interpreter's lock while another waits for it
# (Python's default is 5 ms; see sys.setswitchinterval). A keystroke passes through several
# event-loop turns before it is drawn, and at each turn the UI thread gives the lock up and
# waits this long to get it back from a worker (the live analysis, a folder walk).
SWITCH_INTERVAL = 0.001


def launch(options: Launch) -> int:
    """Run the app until the learner quits; returns the exit status."""
    import sys

    from tutor.app.app import TutorApp

    sys.setswitchinterval(SWITCH_INTERVAL)
    app = TutorApp(options)
    result = app.run()
    return result if isinstance(result, int) else 0
