"""The workbench's side pane: the image profile, an exercise's panel, the findings, and the
explanation of the finding highlighted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from tutor.app.widgets.exercise_panel import ExercisePanel
from tutor.app.widgets.findings import FindingsList, explanation_text, profile_text
from tutor.app.workspace import Located, WorkResult

if TYPE_CHECKING:
    from tutor.analysis.fixes import Fix
    from tutor.content.model import Course, Exercise


class AnalysisPane(Vertical):
    """What the last analysis found, beside the editor; the screen says what to show."""

    def __init__(self, exercise: Exercise | None, dockerfile: str | None, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.exercise = exercise
        self.dockerfile = dockerfile
        # What each Static last showed, to skip updates that change nothing.
        self._shown: dict[str, Text] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text("Analysing…"), id="profile")
        if self.exercise is not None:
            yield ExercisePanel(self.exercise, id="goal-pane")
        yield FindingsList(id="findings")
        with VerticalScroll(id="explanation-pane"):
            yield Static(Text(""), id="explanation")

    @property
    def findings(self) -> FindingsList:
        """The findings list."""
        return self.query_one("#findings", FindingsList)

    def show(self, result: WorkResult) -> None:
        """Show a result's image profile and findings.

        Most keystrokes change no finding: unchanged widgets are left alone, since each
        update costs a layout pass.
        """
        self._update("#profile", profile_text(result.analysis, self.dockerfile))
        findings = self.findings
        if findings.needs(result):
            findings.show(result)

    def explain(self, item: Located | None, fix: Fix | None, course: Course | None) -> None:
        """Explain a finding (or say to pick one), with its fix and its lesson's title."""
        title = lesson_title(item, course) if item is not None else None
        self._update("#explanation", explanation_text(item, fix, self.exercise is not None,
                                                      title))

    def _update(self, selector: str, text: Text) -> None:
        """Show new text in a Static, unless it is what the Static already shows."""
        widget = self.query_one(selector, Static)
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            widget.update(text)


def lesson_title(item: Located, course: Course | None) -> str | None:
    """The title of the lesson on a finding's rule; its id until the course has loaded."""
    from tutor.analysis.rules import RULES

    rule = RULES.get(item.finding.rule)
    if rule is None:
        return None
    if course is None:
        return rule.lesson  # the title comes once the course has loaded
    lesson = course.lesson(rule.lesson)
    return lesson.title if lesson else None
