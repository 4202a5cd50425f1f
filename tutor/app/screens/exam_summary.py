"""Before submitting: each question's state (answered, not answered, flagged), a way back to
any of them, and Submit."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from tutor.app.screens.base import TutorDialog
from tutor.exam.session import ExamSession
from tutor.safetext import clipped


def first_paragraph(markdown: str, limit: int = 72) -> str:
    """A prompt's first paragraph on one line, cut at a word (with "…") past ``limit``."""
    return clipped(markdown.strip().split("\n\n", 1)[0].replace("`", ""), limit)


def summary_row(number: int, answered: bool, flagged: bool, prompt: str) -> Table:
    """One question in the summary: its number, state and flag in a column of their own,
    its prompt beside them, wrapped at word boundaries under itself."""
    row = Table.grid(padding=(0, 1))
    row.add_column(no_wrap=True)
    row.add_column(ratio=1)
    state = "✓ answered    " if answered else "○ not answered"
    # Text, never markup: the prompt is course content.
    row.add_row(Text(f"{number:>2}. {state}{' ⚑' if flagged else '  '}"), Text(prompt))
    return row


class ExamSummaryScreen(TutorDialog[str | None]):
    """Answers "submit", a question's position to go back to, or None (carry on)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "submit", "Submit"),
        Binding("escape", "back", "Back to the exam"),
    ]

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        session = self.session
        missing = session.unanswered()
        with Vertical(classes="dialog-box wide", id="exam-summary"):
            with Horizontal(classes="dialog-buttons"):
                yield Button("Submit anyway" if missing else "Submit", id="summary-submit",
                             variant="warning" if missing else "primary")
                yield Button("Back to the exam", id="summary-back")
            yield Static(Content("Before you submit"), classes="dialog-title")
            options = [Option(summary_row(position + 1, position in session.answers,
                                          position in session.flags,
                                          first_paragraph(question.prompt)), id=str(position))
                       for position, question in enumerate(session.questions)]
            yield OptionList(*options, id="summary-list")
            if missing:
                many = len(missing) != 1
                note = (f"{len(missing)} question{'s have' if many else ' has'} no answer and "
                        f"count{'' if many else 's'} as wrong. ")
            else:
                note = "Every question has an answer. "
            yield Static(Content(note + "Enter on a question goes back to it; F10 submits, and "
                                 "once submitted, answers cannot change."),
                         classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one("#summary-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss("submit" if event.button.id == "summary-submit" else None)

    def action_submit(self) -> None:
        self.dismiss("submit")

    def action_back(self) -> None:
        self.dismiss(None)
