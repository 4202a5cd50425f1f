"""Before submitting: each question's state (answered, not answered, flagged), a way back to
any of them, and Submit."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from tutor.app.widgets.question import shorten
from tutor.exam.session import ExamSession


def _first_line(markdown: str) -> str:
    return next((line.strip() for line in markdown.splitlines() if line.strip()), "")


class ExamSummaryScreen(ModalScreen[str | None]):
    """Answers "submit", a question's position to go back to, or None (carry on)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f10", "submit", "Submit"),
        Binding("escape", "back", "Back to the exam"),
    ]

    def __init__(self, session: ExamSession) -> None:
        super().__init__(classes="dialog")
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
            options = []
            for position, question in enumerate(session.questions):
                state = "✓ answered    " if position in session.answers else "○ not answered"
                flag = " ⚑" if position in session.flags else "  "
                prompt = shorten(_first_line(question.prompt).replace("`", ""), 48)
                options.append(Option(Content(f"{position + 1:>2}. {state}{flag} {prompt}"),
                                      id=str(position)))
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
