"""Before an exam: what it asks, how it is passed, the learner's name, and Start (or Resume)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static

from tutor.app.widgets.keybar import KeyBar
from tutor.content.model import QUESTION_TYPES
from tutor.errors import TutorError
from tutor.exam.spec import ExamSpec

if TYPE_CHECKING:
    from tutor.app.app import TutorApp


def describe_spec(spec: ExamSpec, topic_count: int) -> str:
    """The exam's settings in one paragraph."""
    if spec.questions is not None:
        size = f"{spec.questions} questions"
    else:
        size = f"{spec.per_topic} questions from each of {topic_count} topics"
    kinds = ("all question types" if set(spec.types) == set(QUESTION_TYPES)
             else ", ".join(spec.types))
    limit = (f"{spec.time_limit_minutes:g} minutes" if spec.time_limit_minutes
             else "no time limit")
    attempts = (f"{spec.attempts} attempt{'s' if spec.attempts != 1 else ''} each"
                if spec.attempts else "unlimited attempts")
    return f"{size} ({kinds}) · pass mark {spec.pass_mark}% · {limit} · {attempts}"


RULES = ("Nothing is marked until you submit: you can move between questions, change "
         "answers and flag some for review. Every answer is saved the moment you give it; "
         "if the app closes, start the exam again with the same name to resume. The clock "
         "keeps running while it is closed. When time runs out, the exam is submitted with "
         "the answers given so far.")


class ExamStartScreen(Screen[None]):
    """The exam's settings and rules, a name field, and Start."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Leave")]

    def __init__(self, spec: ExamSpec, learner: str | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.learner = learner

    @property
    def tutor(self) -> TutorApp:
        """The app, typed."""
        return cast("TutorApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="exam-start"):
            yield Static(Content.assemble(("Exam: ", "bold"), (self.spec.title, "bold")),
                         id="exam-title")
            yield Static(Content(describe_spec(self.spec, len(self.spec.topics))),
                         id="exam-settings")
            yield Static(Content(RULES), id="exam-rules")
            yield Static(Content("Your name, as the record will show it:"),
                         classes="exam-label")
            yield Input(value=self.learner or "", placeholder="First and last name",
                        id="exam-name")
            yield Static("", id="exam-error", classes="dialog-error")
            with Horizontal(id="exam-start-buttons"):
                yield Button("Start", id="exam-begin", variant="primary")
                yield Button("Leave", id="exam-leave")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Exam"
        self.query_one("#exam-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.begin()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "exam-begin":
            self.begin()
        else:
            self.action_leave()

    def begin(self) -> None:
        """Start (or resume) the attempt for the name given, or say what stops it."""
        from tutor.app.screens.exam import ExamScreen
        from tutor.exam.record import load_key
        from tutor.exam.session import ExamSession

        name = " ".join(self.query_one("#exam-name", Input).value.split())
        error = self.query_one("#exam-error", Static)
        if not name:
            error.update(Content("Type your name first: the record is made out to it."))
            return
        try:
            session = ExamSession.begin(self.tutor.store, self.tutor.course, self.spec, name,
                                        load_key())
        except TutorError as exc:
            error.update(Content(str(exc)))
            return
        if len(self.app.screen_stack) > 1:
            self.app.switch_screen(ExamScreen(session))
        else:  # the exam command's first screen: it cannot be switched away
            self.app.push_screen(ExamScreen(session))

    def action_leave(self) -> None:
        """Back to the course map, or out of the app when the exam was all it opened."""
        self.tutor.leave_exam()
