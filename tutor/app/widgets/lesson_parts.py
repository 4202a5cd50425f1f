"""The lesson screen's pieces: its contents, its rules, its "try it" buttons."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Button, OptionList
from textual.widgets.option_list import Option

from tutor.analysis.model import Severity
from tutor.analysis.rules import rule_for
from tutor.content.model import Course, Exercise

# The theme's colour for each severity; it only repeats the icon and word of Severity.badge().
SEVERITY_THEME_STYLES = {Severity.ERROR: "$text-error", Severity.WARNING: "$text-warning",
                         Severity.INFO: "$text-primary"}

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
            badge, style = rule.severity.badge(), SEVERITY_THEME_STYLES[rule.severity]
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


@lru_cache(maxsize=32)
def lesson_links(markdown: str) -> tuple[tuple[str, str], ...]:
    """Each link in a lesson as (its text, its target), in reading order, once each.

    Parsed with markdown-it, as the Markdown widget does, so links in code are not links.
    """
    from markdown_it import MarkdownIt

    found: dict[str, str] = {}
    for block in MarkdownIt("gfm-like").parse(markdown):
        label: list[str] | None = None
        href = ""
        for token in block.children or ():
            if token.type == "link_open":
                label, href = [], str(token.attrGet("href") or "")
            elif token.type == "link_close" and label is not None:
                found.setdefault(href, "".join(label).strip() or href)
                label = None
            elif label is not None and token.type in ("text", "code_inline"):
                label.append(token.content)
    return tuple((text, href) for href, text in found.items())


def link_label(text: str, href: str, course: Course) -> Content:
    """A link as the link list shows it: its text, then what it opens."""
    scheme, _, target = href.partition(":")
    where = href
    if scheme == "rule":
        rule = rule_for(target)
        where = f"rule {target}: {rule.name}" if rule else f"rule {target}"
    elif scheme == "lesson":
        lesson = course.lesson(target)
        where = f"lesson: {lesson.title}" if lesson else f"lesson {target}"
    elif scheme == "exercise":
        exercise = course.exercises.get(target)
        where = f"exercise: {exercise.title}" if exercise else f"exercise {target}"
    if text.strip() in where:  # "HT101" beside "rule HT101: …" says it twice
        return Content.assemble((where, "$text"))
    return Content.assemble(text, (f"  → {where}", "$text-muted"))
