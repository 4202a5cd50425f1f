"""The moment an exercise is solved: the debrief, the reference solution and what is next."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static

from tutor.app.screens.base import TutorDialog
from tutor.app.screens.dialogs import BUTTON_KEYS, BodyScroll
from tutor.app.widgets.code import CodeBlock
from tutor.app.widgets.findings import prose_text
from tutor.content.model import Exercise
from tutor.safetext import reflow

if TYPE_CHECKING:
    from tutor.app.app import TutorApp


def next_exercise(app: TutorApp, exercise: Exercise) -> Exercise | None:
    """The exercise after this one in course order, if any."""
    order = [e for lesson in app.course.lessons for e in lesson.exercises]
    if exercise.id not in order:
        return None
    index = order.index(exercise.id) + 1
    return app.course.exercises.get(order[index]) if index < len(order) else None


class SolvedDialog(BodyScroll, TutorDialog[None]):
    """Celebrate, explain what the fix achieved, and offer the next step."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "stay", "Keep experimenting"),
                                             *BUTTON_KEYS]

    def __init__(self, exercise: Exercise, folder: Path) -> None:
        super().__init__()
        self.exercise = exercise
        self.folder = folder

    def compose(self) -> ComposeResult:
        app = self.tutor
        following = next_exercise(app, self.exercise)
        with Vertical(classes="dialog-box wide"):
            # Short labels, so the three fit side by side in 80 columns.
            with Horizontal(classes="dialog-buttons"):  # docked: always in view
                if following is not None:
                    yield Button("Next exercise", id="solved-next", variant="primary")
                if self.exercise.lesson:
                    yield Button("Lesson", id="solved-lesson")
                yield Button("Stay here", id="solved-stay")
            with VerticalScroll(classes="dialog-body"):
                yield Static(Content(f"✓ Solved: {self.exercise.title}"),
                             classes="dialog-title solved")
                yield Static(prose_text(reflow(self.exercise.debrief)))
                yield Static(Text("\nThe reference solution", style="bold"))
                for name, body in self.exercise.solution.items():
                    yield Static(Text(f"\n{name}", style="underline"))
                    # Code wraps with a marker rather than folding like prose.
                    yield CodeBlock(Content(body.rstrip("\n")))
                yield Static(Text(f"\nYour files are saved in {self.folder}.", style="dim"))
                if following is not None:
                    yield Static(Text.assemble("\nNext up: ", (following.title, "bold")))

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        app = self.tutor
        self.dismiss(None)
        if event.button.id == "solved-next":
            following = next_exercise(app, self.exercise)
            if following is not None:
                app.pop_screen()  # the solved exercise's workbench; its files are saved
                app.open_exercise(following.id)
        elif event.button.id == "solved-lesson" and self.exercise.lesson:
            app.pop_screen()
            below = getattr(app.screen, "lesson", None)
            if getattr(below, "id", None) != self.exercise.lesson:
                app.open_lesson(self.exercise.lesson)

    def action_stay(self) -> None:
        self.dismiss(None)
