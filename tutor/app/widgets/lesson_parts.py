"""The lesson screen's pieces: its contents, its rules, its "try it" buttons."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Button, OptionList
from textual.widgets.option_list import Option

from tutor.analysis.model import Severity
from tutor.analysis.rules import rule_for
from tutor.content.model import Exercise

# Severity as an icon and a word (the same icons as the text report), never colour alone.
SEVERITY_BADGES = {Severity.ERROR: ("✖ error", "$text-error"),
                   Severity.WARNING: ("▲ warning", "$text-warning"),
                   Severity.INFO: ("● info", "$text-primary")}

# Difficulty as an icon and a word, so it reads the same without colour.
_DIFFICULTY = {"easy": "◔ easy", "medium": "◑ medium", "hard": "● hard"}


class LessonToc(OptionList):
    """The lesson's headings; choosing one scrolls the lesson to it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Go to"),
    ]

    def show_headings(self, headings: list[tuple[int, str, str | None]]) -> None:
        """Replace the entries with these (level, title, block id) headings."""
        self.clear_options()
        # Indent relative to the shallowest heading, so the lesson's H1 sits at the margin.
        top = min((level for level, _, _ in headings), default=1)
        self.add_options([
            Option(Content("  " * (level - top) + title), id=block_id)
            for level, title, block_id in headings if block_id
        ])


class RuleList(OptionList):
    """The rules a lesson teaches, so the keyboard reaches what the text links to."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Explain rule"),
    ]

    def show_rules(self, rule_ids: tuple[str, ...]) -> None:
        """One entry per rule: its id and name, severity as an icon and a word."""
        self.clear_options()
        for rule_id in rule_ids:
            rule = rule_for(rule_id)
            if rule is None:
                continue
            badge, style = SEVERITY_BADGES.get(rule.severity, (rule.severity.value, ""))
            # Padded so the names line up under one another.
            label = Content.assemble((rule.id, "bold"), "  ", (badge.ljust(9), style), "  ",
                                     rule.name)
            self.add_option(Option(label, id=rule.id))


def try_it_label(exercise: Exercise, solved: bool) -> Content:
    """An exercise's title, its difficulty as an icon and a word, and whether it is solved."""
    difficulty = _DIFFICULTY.get(exercise.difficulty, exercise.difficulty)
    return Content.assemble("▶ ", (exercise.title, "bold"), f"  ({difficulty})",
                            "  ✔ solved" if solved else "")


class TryItButton(Button):
    """A button that opens one exercise in the workbench."""

    def __init__(self, exercise: Exercise, solved: bool) -> None:
        super().__init__(try_it_label(exercise, solved), classes="try-it")
        self.exercise = exercise

    @property
    def exercise_id(self) -> str:
        """The exercise this button opens."""
        return self.exercise.id

    def show_solved(self, solved: bool) -> None:
        """Update the label after the learner comes back from the workbench."""
        self.label = try_it_label(self.exercise, solved)
