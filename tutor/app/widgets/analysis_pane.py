"""The workbench's side pane: the image profile, an exercise's panel, the findings, and the
explanation of the finding highlighted.

The explanation names the finding's lesson by its title: the course's, when it is loaded,
else the lesson files' own, read in a worker once the first findings are on screen (the
whole course is not needed for that); the explanation says the lesson's id until then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static

from tutor.app.screens.base import tutor_of
from tutor.app.widgets.exercise_panel import ExercisePanel
from tutor.app.widgets.findings import FindingsList, explanation_text, profile_text
from tutor.app.workspace import Located, WorkResult

if TYPE_CHECKING:
    from tutor.analysis.fixes import Fix
    from tutor.content.model import Exercise


class AnalysisPane(Vertical):
    """What the last analysis found, beside the editor; the screen says what to show."""

    @dataclass
    class _TitlesRead(Message):
        """The lessons' titles by id, read in a worker."""

        titles: dict[str, str]

    def __init__(self, exercise: Exercise | None, dockerfile: str | None,
                 fix_for: Callable[[Located | None], Fix | None], *,
                 id: str | None = None) -> None:
        """``fix_for`` gives the mechanical fix for a finding, from the buffer it is in."""
        super().__init__(id=id)
        self.exercise = exercise
        self.dockerfile = dockerfile
        self._fix_for = fix_for
        # What each Static last showed, to skip updates that change nothing.
        self._shown: dict[str, Text] = {}
        self._titles: dict[str, str] | None = None  # the lessons' titles, once read

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

    def show(self, result: WorkResult, *, saved: bool) -> None:
        """Show a result's image profile, goal and findings, and explain the one highlighted;
        ``saved``: the buffers analysed are what is on disk (the goal says so if not).

        Most keystrokes change no finding: unchanged widgets are left alone, since each
        update costs a layout pass.
        """
        self._update("#profile", profile_text(result.analysis, self.dockerfile))
        if result.goal is not None:
            self.query_one(ExercisePanel).show_goal(result.goal, unsaved=not saved)
        findings = self.findings
        if findings.needs(result):
            findings.show(result)
        self.explain()

    @on(OptionList.OptionHighlighted, "#findings")
    def explain(self) -> None:
        """Explain the finding highlighted (or say to pick one), with its fix and lesson."""
        item = self.findings.highlighted_located
        title = self._lesson_title(item) if item is not None else None
        self._update("#explanation", explanation_text(item, self._fix_for(item),
                                                      self.exercise is not None, title))

    def lesson(self) -> str | None:
        """The lesson on the finding highlighted, else the exercise's lesson, if any."""
        from tutor.analysis.rules import RULES

        item = self.findings.highlighted_located
        if item is not None and item.finding.rule in RULES:
            return RULES[item.finding.rule].lesson
        return self.exercise.lesson if self.exercise is not None else None

    def load_titles(self) -> None:
        """Read the lessons' titles in a worker, unless the course has them already."""
        if tutor_of(self).loaded_course is None and self._titles is None:
            self._read_titles()

    @work(thread=True, group="titles")
    def _read_titles(self) -> None:
        self.post_message(self._TitlesRead(tutor_of(self).state.read_lesson_titles()))

    @on(_TitlesRead)
    def _titles_read(self, message: _TitlesRead) -> None:
        self._titles = message.titles
        self.explain()  # the lesson's title, now that it is known

    def _lesson_title(self, item: Located) -> str | None:
        """The title of the lesson on a finding's rule; its id until the titles are read."""
        from tutor.analysis.rules import RULES

        rule = RULES.get(item.finding.rule)
        if rule is None:
            return None
        course = tutor_of(self).loaded_course
        if course is not None:
            lesson = course.lesson(rule.lesson)
            return lesson.title if lesson else None
        if self._titles is None:
            return rule.lesson  # the title comes once the titles are read
        return self._titles.get(rule.lesson)

    def _update(self, selector: str, text: Text) -> None:
        """Show new text in a Static, unless it is what the Static already shows."""
        widget = self.query_one(selector, Static)
        if self._shown.get(selector) != text:
            self._shown[selector] = text
            widget.update(text)

