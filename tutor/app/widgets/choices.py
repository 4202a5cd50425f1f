"""A list the learner marks by key or mouse: a question's options, or a Dockerfile's lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from tutor.app.widgets.code import CodeBlock, gutter_hang, numbered_line
from tutor.app.widgets.findings import prose_text


class ChoiceRow(Horizontal):
    """One option or line: a marker column, then its text, verdict and explanation."""

    class Clicked(Message):
        """The learner clicked this row."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int, text: str, *, hang: Content | None = None) -> None:
        """``hang``: this row is a Dockerfile line (where a backtick is shell), shown whole,
        its continuation rows starting with ``hang``; else an option written by the course,
        whose `code spans` are shown bold."""
        super().__init__(classes="choice-row")
        self.index = index
        self._text = text
        self._hang = hang

    def compose(self) -> ComposeResult:
        yield Static(classes="choice-marker")
        with Vertical(classes="choice-body"):
            # Course text is never markup: Content keeps `[/etc]` and `[@click=…]` literal.
            if self._hang is not None:
                yield CodeBlock(Content(self._text), hang=self._hang, classes="choice-text")
            else:
                yield Static(prose_text(self._text), classes="choice-text")
            # Filled in and shown once the answer is in.
            for kind in ("choice-verdict", "choice-why"):
                hidden = Static(classes=kind)
                hidden.display = False
                yield hidden

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self.index))


class Choices(Vertical, can_focus=True):
    """Rows the learner chooses among: one at a time, or any number when ``multiple``."""

    class Changed(Message):
        """What is chosen changed (by key or click)."""

        def __init__(self, choices: Choices) -> None:
            super().__init__()
            self.choices = choices

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("space", "mark", "Mark"),
    ]

    def __init__(self, texts: Sequence[str], *, multiple: bool, lines: bool = False,
                 id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=f"{'-lines' if lines else '-options'} {classes}")
        self.texts = list(texts)
        self.multiple = multiple
        # Lines are marked with a check box whether one or many are wanted: the learner is
        # not told how many lines are at fault.
        self.lines = lines
        self.chosen: set[int] = set()
        self.cursor = 0
        self.locked = False

    def compose(self) -> ComposeResult:
        hang = gutter_hang(len(self.texts)) if self.lines else None
        for index, text in enumerate(self.texts):
            yield ChoiceRow(index, self._row_text(index, text), hang=hang)

    def on_mount(self) -> None:
        self._refresh_markers()

    def _row_text(self, index: int, text: str) -> str:
        if self.lines:
            return numbered_line(index + 1, len(self.texts), text)
        return f"{index + 1}. {text}"

    @property
    def rows(self) -> list[ChoiceRow]:
        """The rows, in order."""
        return list(self.query_children(ChoiceRow))

    def pick(self, index: int) -> None:
        """Choose a row (single) or toggle it (multiple); ignored once the answer is in."""
        if self.locked or not 0 <= index < len(self.texts):
            return
        if self.multiple:
            self.chosen ^= {index}
        else:
            self.chosen = {index}
        self.cursor = index
        self._refresh_markers()
        self.post_message(self.Changed(self))

    def restore(self, chosen: set[int]) -> None:
        """Show an earlier choice again (resuming), without announcing a change."""
        self.chosen = set(chosen)
        if chosen:
            self.cursor = min(chosen)
        self._refresh_markers()

    def action_move(self, step: int) -> None:
        if not self.texts:
            return
        self.cursor = max(0, min(len(self.texts) - 1, self.cursor + step))
        self._refresh_markers()
        self.rows[self.cursor].scroll_visible()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Once the answer is in, marking is over: hide it from the key bar too.
        return not (self.locked and action in ("mark", "move"))

    def action_mark(self) -> None:
        self.pick(self.cursor)

    def on_choice_row_clicked(self, event: ChoiceRow.Clicked) -> None:
        event.stop()
        self.focus()
        self.pick(event.index)

    def _refresh_markers(self) -> None:
        for row in self.rows:
            chosen = row.index in self.chosen
            if self.multiple or self.lines:
                box = "[x]" if chosen else "[ ]"
            else:
                box = "(•)" if chosen else "( )"
            # The pointer is shown as a character too, so the cursor is visible without colour.
            pointer = "›" if row.index == self.cursor and not self.locked else " "
            row.query_one(".choice-marker", Static).update(Content(f"{pointer} {box}"))
            row.set_class(row.index == self.cursor and not self.locked, "-cursor")
            row.set_class(chosen, "-chosen")

    def reveal(self, right: frozenset[int], whys: Sequence[str | None]) -> None:
        """Lock the choices and say, in words and icons, which were right and which were chosen."""
        self.locked = True
        self.refresh_bindings()
        self._refresh_markers()
        for row in self.rows:
            is_right, chosen = row.index in right, row.index in self.chosen
            verdict = (_line_verdict(is_right, chosen) if self.lines
                       else _option_verdict(is_right, chosen, self.multiple))
            row.set_class(bool(verdict) and verdict.startswith("✓"), "-right")
            row.set_class(bool(verdict) and verdict.startswith("✗"), "-wrong")
            verdict_widget = row.query_one(".choice-verdict", Static)
            verdict_widget.update(Content(verdict))
            verdict_widget.display = bool(verdict)
            why = whys[row.index] if row.index < len(whys) else None
            why_widget = row.query_one(".choice-why", Static)
            why_widget.update(prose_text((why or "").strip()))
            why_widget.display = bool(why)


def _option_verdict(is_right: bool, chosen: bool, multiple: bool) -> str:
    """An option's verdict: the icon says whether the option is right, the words what you did."""
    if is_right:
        if chosen:
            return "✓ correct, your choice"
        return "✓ correct, you missed it" if multiple else "✓ correct answer"
    return "✗ wrong, your choice" if chosen else "✗ wrong"


def _line_verdict(is_right: bool, chosen: bool) -> str:
    """A line's verdict: the icon says whether you judged it right; untouched fine lines: none."""
    if is_right:
        return "✓ at fault, you marked it" if chosen else "✗ at fault, you missed it"
    return "✗ not at fault, you marked it" if chosen else ""
