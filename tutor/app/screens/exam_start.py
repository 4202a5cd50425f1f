"""Before an exam: what it asks, how it is passed, the learner's name, and Start (or Resume)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Header, Input, Static

from tutor.app.screens.base import TutorScreen
from tutor.app.widgets.keybar import KeyBar
from tutor.content.model import QUESTION_TYPES
from tutor.errors import TutorError
from tutor.exam.spec import ExamSpec
from tutor.progress.exams import AttemptOpenElsewhere

if TYPE_CHECKING:
    from tutor.exam.learners import Learner, Roster


def describe_spec(spec: ExamSpec, topic_count: int) -> str:
    """The exam's settings in one paragraph."""
    if spec.questions is not None:
        size = f"{spec.questions} question{'s' * (spec.questions != 1)}"
    else:
        size = (f"{spec.per_topic} question{'s' * (spec.per_topic != 1)} from each of "
                f"{topic_count} topic{'s' * (topic_count != 1)}")
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


class ExamStartScreen(TutorScreen[None]):
    """The exam's settings and rules, a name field, and Start."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Leave")]

    def __init__(self, spec: ExamSpec, learner: str | None = None, *,
                 take_over: bool = False, roster: Roster | None = None,
                 identity: Learner | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.learner = learner
        # Served: who the learner is comes from their link, never from what they type.
        self.identity = identity
        # With a roster the learner gives their id, and the record takes the roster's name.
        self.roster = roster
        # Take the attempt over even from a live window (exam --take-over, or confirmed).
        self.take_over = take_over

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="exam-start"):
            yield Static(Content.assemble(("Exam: ", "bold"), (self.spec.shown_title, "bold")),
                         id="exam-title")
            if self.spec.practice:
                yield Static(Content("A practice exam: its settings are not the course's "
                                     f"'{self.spec.exam_id}' exam, so its record never "
                                     "counts as sign-off."), id="exam-practice")
            yield Static(Content(describe_spec(self.spec, len(self.spec.topics))),
                         id="exam-settings")
            yield Static(Content(RULES), id="exam-rules")
            if self.identity is not None:
                yield Static(Content(f"You sit this exam as {self.identity.name} "
                                     f"({self.identity.id}), from your workshop link."),
                             classes="exam-label")
                yield Input(value=self.identity.id, id="exam-name", disabled=True)
            elif self.roster is None:
                yield Static(Content("Your name, as the record will show it:"),
                             classes="exam-label")
                yield Input(value=self.learner or "", placeholder="First and last name",
                            id="exam-name")
            else:
                yield Static(Content("Your id on the class roster (your instructor has it):"),
                             classes="exam-label")
                yield Input(value=self.learner or "", placeholder="Roster id",
                            id="exam-name")
            yield Static("", id="exam-error", classes="dialog-error")
            with Horizontal(id="exam-start-buttons"):
                yield Button("Start", id="exam-begin", variant="primary")
                # Shown only when the attempt is open in another window.
                yield Button("Take over", id="exam-take-over", variant="warning")
                yield Button("Leave", id="exam-leave")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Exam"
        self.query_one("#exam-take-over", Button).display = False
        if self.identity is None:
            self.query_one("#exam-name", Input).focus()
        else:
            self.query_one("#exam-name", Input).display = False
            self.query_one("#exam-begin", Button).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.begin()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "exam-begin":
            self.begin()
        elif event.button.id == "exam-take-over":
            self.confirm_take_over()
        else:
            self.action_leave()

    def begin(self) -> None:
        """Start (or resume) the attempt for the name given, or say what stops it."""
        from tutor.app.screens.exam import ExamScreen
        from tutor.exam.learners import identify
        from tutor.exam.record import load_key
        from tutor.exam.session import ExamSession

        typed = self.query_one("#exam-name", Input).value
        error = self.query_one("#exam-error", Static)
        if not typed.strip():
            error.update(Content("Type your id first: the record is made out to it."
                                 if self.roster else
                                 "Type your name first: the record is made out to it."))
            return
        try:
            learner = self.identity or identify(typed, self.roster)
            session = ExamSession.begin(self.tutor.store, self.tutor.course, self.spec, learner,
                                        # Confined (served): no key is ever loaded here;
                                        # the server signs what it grades itself.
                                        None if self.tutor.options.confined else load_key(),
                                        holder=self.tutor.exam_holder,
                                        take_over=self.take_over)
        except AttemptOpenElsewhere as exc:
            error.update(Content(f"This attempt is open in another window "
                                 f"({exc.lease.holder.describe()} since "
                                 f"{exc.lease.claimed_at}). Close it there and press Start, "
                                 f"or take it over here."))
            self.query_one("#exam-take-over", Button).display = True
            return
        except TutorError as exc:
            error.update(Content(str(exc)))
            return
        if len(self.app.screen_stack) > 1:
            self.app.switch_screen(ExamScreen(session))
        else:  # the exam command's first screen: it cannot be switched away
            self.app.push_screen(ExamScreen(session))

    @work(exclusive=True, group="exam-take-over")
    async def confirm_take_over(self) -> None:
        """Ask before taking the attempt from the window that has it, then start here."""
        from tutor.app.screens.dialogs import ChoiceDialog

        answer = await self.app.push_screen_wait(ChoiceDialog(
            "Take this attempt over?",
            "The other window stops saving answers: anything answered there from now on is "
            "lost. Everything answered so far comes with the attempt, and the clock keeps "
            "running.", [("cancel", "Cancel"), ("take", "Take over")]))
        if answer == "take":
            self.take_over = True
            self.begin()

    def action_leave(self) -> None:
        """Back to the course map, or out of the app when the exam was all it opened."""
        self.tutor.leave_exam()
