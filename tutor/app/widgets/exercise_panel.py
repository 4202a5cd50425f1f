"""The workbench's exercise panel: the goal's live checklist, the task and the hints used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tutor.app.widgets.exercise import goal_text, hints_text
from tutor.safetext import reflow

if TYPE_CHECKING:
    from tutor.content.judge import GoalResult
    from tutor.content.model import Exercise


class ExercisePanel(VerticalScroll):
    """One exercise's goal checklist, its task and the hints revealed so far."""

    def __init__(self, exercise: Exercise, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.exercise = exercise
        self.hints_used = 0
        # The checklist last shown: most edits change no check, and an update costs a layout.
        self._goal: Text | None = None

    def compose(self) -> ComposeResult:
        # The checklist first: it is what changes as the learner works.
        yield Static(Text(""), id="goal")
        yield Static(Text(reflow(self.exercise.summary)), id="task")
        yield Static(hints_text(self.exercise, self.hints_used), id="hints")

    def show_goal(self, result: GoalResult, *, unsaved: bool) -> None:
        """Show the goal's checks as last judged; ``unsaved``: judged on unsaved edits."""
        text = goal_text(result, unsaved=unsaved)
        if text != self._goal:
            self._goal = text
            self.query_one("#goal", Static).update(text)

    def reveal_hint(self) -> None:
        """Show the next hint, or say that none is left."""
        if self.hints_used >= len(self.exercise.hints):
            self.notify("That was the last hint.", markup=False)
            return
        self.hints_used += 1
        self.query_one("#hints", Static).update(hints_text(self.exercise, self.hints_used))
        # The newest hint is last: show the end of the pane, not the top of the first hint.
        self.call_after_refresh(self.scroll_end, animate=False)
