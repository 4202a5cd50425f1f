"""Small modal questions: confirm a choice, open a path, preview a fix."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from tutor.analysis.fixes import Fix
from tutor.app.screens.base import TutorDialog
from tutor.safetext import visible

# Arrow keys move between a dialog's buttons, as in most terminal dialogs; up and down
# scroll its text, whichever button has the keyboard.
BUTTON_KEYS: list[BindingType] = [
    Binding("left", "app.focus_previous", "Previous", show=False),
    Binding("right", "app.focus_next", "Next", show=False),
    Binding("up", "scroll_body(-1)", "Scroll up", show=False),
    Binding("down", "scroll_body(1)", "Scroll down", show=False),
    Binding("pageup", "scroll_body(-10)", "Page up", show=False),
    Binding("pagedown", "scroll_body(10)", "Page down", show=False),
]


class BodyScroll:
    """The action behind the up and down keys of a dialog whose text is in ``.dialog-body``."""

    def action_scroll_body(self, lines: int) -> None:
        for body in self.query(".dialog-body"):  # type: ignore[attr-defined]
            body.scroll_relative(y=lines, animate=False)


class ChoiceDialog(BodyScroll, TutorDialog[str | None]):
    """A question with a few labelled answers; escape answers None (cancel)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel"),
                                             *BUTTON_KEYS]

    def __init__(self, title: str, message: str, choices: list[tuple[str, str]],
                 default: str | None = None) -> None:
        super().__init__()
        # Titles and messages carry file names; shown with control characters as glyphs.
        self.title_text = visible(title)
        self.message = visible(message)
        # (answer id, button label); the first is focused unless ``default`` names another.
        self.choices = choices
        self.default = default or choices[0][0]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            with Horizontal(classes="dialog-buttons"):  # docked: always in view
                for answer, label in self.choices:
                    yield Button(Content(label), id=f"choice-{answer}",
                                 variant="primary" if answer == self.default else "default")
            with VerticalScroll(classes="dialog-body"):
                yield Static(Content(self.title_text), classes="dialog-title")
                yield Static(Content(self.message), classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one(f"#choice-{self.default}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PickDialog(TutorDialog[str | None]):
    """A list to choose one entry from with the arrow keys and Enter; escape picks nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, entries: list[tuple[Content, str]]) -> None:
        """``entries`` are (what is shown, what choosing it returns)."""
        super().__init__()
        self.title_text = title
        self.entries = entries

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield OptionList(*(Option(label, id=str(index))
                               for index, (label, _) in enumerate(self.entries)),
                             id="pick-list")
            yield Static(Content("↑/↓ choose · Enter opens · Esc closes"),
                         classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one("#pick-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.entries[int(event.option.id or 0)][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


class OpenFileDialog(TutorDialog[Path | None]):
    """Ask for a Dockerfile, compose file or folder to open in the workbench."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Static("Open a Dockerfile, compose file or folder", classes="dialog-title")
            yield Static("A new file name creates the file when you save. Enter opens, "
                         "Esc cancels.", classes="dialog-message")
            yield Input(placeholder="./Dockerfile", id="open-path")
            yield Static("", id="open-error", classes="dialog-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if not value:
            self.query_one("#open-error", Static).update(Content("Type a path first."))
            return
        path = Path(value).expanduser()
        if not path.exists() and not path.parent.is_dir():
            self.query_one("#open-error", Static).update(
                Content(f"{path}: neither it nor its folder exists"))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


def diff_text(diff: str) -> Text:
    """A unified diff with + and - kept, so it reads without colour too."""
    text = Text()
    for number, line in enumerate(diff.splitlines()):
        style = ("green" if line.startswith("+") and not line.startswith("+++") else
                 "red" if line.startswith("-") and not line.startswith("---") else
                 "dim" if line.startswith(("@@", "---", "+++")) else "")
        text.append(("\n" if number else "") + line, style=style)
    return text


class FixDialog(BodyScroll, TutorDialog[bool]):
    """Show a fix as a diff; Enter applies it, escape leaves the file alone."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel"),
                                             *BUTTON_KEYS]

    def __init__(self, fix: Fix, file_name: str) -> None:
        super().__init__()
        self.fix = fix
        self.file_name = visible(file_name)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            with Horizontal(classes="dialog-buttons"):  # docked: always in view
                yield Button("Apply", id="fix-apply", variant="primary")
                yield Button("Cancel", id="fix-cancel")
            with VerticalScroll(classes="dialog-body"):
                yield Static(Content(f"Fix {self.fix.rule}: {self.fix.title}"),
                             classes="dialog-title")
                yield Static(diff_text(self.fix.diff(self.file_name)), id="fix-diff",
                             classes="diff")
                yield Static(Content(self.fix.note), classes="dialog-message")
                yield Static(Content("Applying edits the buffer only: ctrl+z undoes it and "
                                     "ctrl+s saves it."), classes="dialog-message")

    def on_mount(self) -> None:
        self.query_one("#fix-apply", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "fix-apply")

    def action_cancel(self) -> None:
        self.dismiss(False)
