"""Taking an exam: one question at a time, a countdown, flags, a summary, then submission.

Deferred feedback: nothing on this screen says whether an answer is right. Every change
of answer is saved at once (a fix-it edit a second after typing stops), so closing the
app, or a crash, loses nothing. The screen holds the attempt's lease while it is open
(refreshed on a timer) and lets it go when it closes; once another window takes the attempt
over, this one says so and takes no more answers.
"""

from __future__ import annotations

from contextlib import suppress
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Header, Static, TextArea

from tutor.app.screens.base import TutorScreen
from tutor.app.screens.dialogs import ChoiceDialog
from tutor.app.widgets.choices import Choices
from tutor.app.widgets.exam_question import ExamQuestionView
from tutor.app.widgets.keybar import KeyBar
from tutor.app.widgets.question import CHOICE_BINDINGS, EDIT_BINDING, ChoiceKeys
from tutor.content.answers import CHOICE_TYPES
from tutor.errors import TutorError
from tutor.exam.session import ExamSession
from tutor.exam.spec import PRACTICE
from tutor.progress.exams import LEASE_HEARTBEAT, AttemptTakenOver

# A fix-it draft is saved this long after the last keystroke.
DRAFT_SAVE_SECONDS = 1.0
# Warnings before time runs out, in seconds.
WARNINGS = (300, 60)


def clock_text(seconds: float) -> str:
    """Time left as H:MM:SS or M:SS."""
    whole = int(seconds + 0.999)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


class ExamScreen(ChoiceKeys, TutorScreen[None]):
    """One attempt in progress."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *CHOICE_BINDINGS,
        Binding("f4", "next", "Next"),
        EDIT_BINDING,
        Binding("enter", "next", "Next", show=False),
        Binding("right", "next", "Next", show=False),
        Binding("ctrl+s", "next", "Keep & next", show=False),
        Binding("f3", "previous", "Previous"),
        Binding("left", "previous", "Previous", show=False),
        Binding("f2", "flag", "Flag"),
        Binding("f10", "finish", "Finish"),
        Binding("escape", "leave", "Leave"),
    ]

    def __init__(self, session: ExamSession) -> None:
        super().__init__()
        self.session = session
        unanswered = session.unanswered()
        self.position = unanswered[0] if unanswered else 0
        self._draft_timer: Timer | None = None
        self._clock: Timer | None = None
        self._warned: set[int] = set()
        self._submitted = False
        self._taken_over = False  # another window has the attempt: nothing more is saved here

    @property
    def view(self) -> ExamQuestionView:
        """The question on screen."""
        return self.query_one(ExamQuestionView)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="exam-status")
        yield VerticalScroll(id="exam-body")
        yield KeyBar()

    async def on_mount(self) -> None:
        spec = self.session.attempt.spec
        practice = "Practice: " if spec.get("kind") == PRACTICE else ""
        self.title = f"{practice}{spec.get('title') or 'Exam'}"
        self.sub_title = self.session.learner["name"]
        if self.session.expired:  # time ran out while the app was closed
            await self.submit(timed_out=True)
            return
        if self.session.resumed:
            self.notify(f"Resumed attempt {self.session.attempt.number}: your answers were "
                        f"kept, and the clock kept running.", title="Exam", markup=False)
        if self.session.notice:
            self.notify(self.session.notice, title="Exam", severity="warning", markup=False,
                        timeout=10)
        await self.show_question(self.position)
        remaining = self.session.remaining()
        if remaining is not None:  # no "5 minutes left" at the start of a 5-minute exam
            self._warned = {limit for limit in WARNINGS if remaining <= limit + 5}
        self._clock = self.set_interval(1.0, self._tick)
        self.set_interval(LEASE_HEARTBEAT.total_seconds(), self.heartbeat)

    def on_unmount(self) -> None:
        if self._submitted or self._taken_over:
            return
        # Let the attempt go, so another window may open it at once. If that fails, the
        # lease lapses by itself: at once on this host when this process ends.
        with suppress(TutorError):
            self.session.release()

    def heartbeat(self) -> None:
        """Tell the store this window still has the attempt open."""
        if self._submitted or self._taken_over:
            return
        try:
            self.session.heartbeat()
        except TutorError as exc:
            self._not_saved(exc)

    def _not_saved(self, exc: TutorError) -> None:
        """Say why a save failed; after a take-over, this window stops taking answers."""
        if not isinstance(exc, AttemptTakenOver):
            self.tutor.show_error(str(exc))
            return
        self._taken_over = True
        self._stop_clock()
        message = f"{str(exc)[0].upper()}{str(exc)[1:]}."
        self.tutor.show_error(message)
        body = self.query_one("#exam-body", VerticalScroll)
        body.remove_children()
        body.mount(Static(Content(message + "\n\nPress Esc to leave."), id="exam-taken-over"))
        self.query_one("#exam-status", Static).update(Content("Taken over by another window"))
        self.refresh_bindings()

    # Showing questions ---------------------------------------------------------------------

    async def show_question(self, position: int) -> None:
        """Replace the body with the question at ``position`` (0-based)."""
        session = self.session
        question = session.questions[position]
        titles = {topic.id: topic.title for topic in session.course.topics}
        view = ExamQuestionView(
            question, session.served[position].order, number=position + 1,
            total=len(session.questions), topic_title=titles.get(question.topic, question.topic),
            answer=session.answers.get(position), flagged=position in session.flags,
            today=self.tutor.today)
        body = self.query_one("#exam-body", VerticalScroll)
        await body.remove_children()
        self.position = position
        await body.mount(view)
        body.scroll_home(animate=False)
        view.focus_answer()
        self._show_status()
        self.refresh_bindings()

    def _show_status(self) -> None:
        session = self.session
        parts = [f"Question {self.position + 1} of {len(session.questions)}",
                 f"{len(session.answers)} answered"]
        if session.flags:
            parts.append(f"⚑ {len(session.flags)} flagged")
        remaining = session.remaining()
        if remaining is not None:
            parts.append(f"⏱ {clock_text(remaining)} left")
        status = self.query_one("#exam-status", Static)
        status.update(Content(" · ".join(parts)))
        status.set_class(remaining is not None and remaining <= WARNINGS[-1], "-urgent")

    def _stop_clock(self) -> None:
        if self._clock is not None:
            self._clock.stop()

    async def _tick(self) -> None:
        if self._submitted or self._taken_over:
            return
        remaining = self.session.remaining()
        if remaining is None:
            return
        if remaining <= 0:
            self._keep_answer()
            self._stop_clock()
            # Not from inside this timer's callback: the screen is replaced by the result.
            self.call_later(self.submit, timed_out=True)
            return
        for limit in WARNINGS:
            if remaining <= limit and limit not in self._warned:
                self._warned.add(limit)
                self.notify(f"{clock_text(limit)} left: the exam is submitted when time runs "
                            f"out.", title="Time", severity="warning", markup=False)
        self._show_status()

    # Answering -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._submitted or self._taken_over:
            return action == "leave"
        kind = self.session.questions[self.position].type
        if action == "pick":
            return kind in CHOICE_TYPES
        if action == "pick_bool":
            return kind == "true_false"
        if action == "edit":
            return kind == "fix_it"
        if action == "previous":
            return self.position > 0
        return True

    @on(Choices.Changed)
    def _chosen(self) -> None:
        self._keep_answer()

    @on(TextArea.Changed)
    def _edited(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_SAVE_SECONDS, self._keep_answer)

    def _keep_answer(self) -> None:
        """Save the answer on screen if it differs from the saved one."""
        if self._submitted or self._taken_over or not self.query(ExamQuestionView):
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        value = self.view.answer_value()
        if value == self.session.answers.get(self.position):
            return
        try:
            self.session.answer(self.position, value)
        except TutorError as exc:
            self._not_saved(exc)
            if self._taken_over:
                return
        self._show_status()

    async def _move(self, position: int) -> None:
        self._keep_answer()
        if 0 <= position < len(self.session.questions):
            await self.show_question(position)

    async def action_next(self) -> None:
        if self.position + 1 < len(self.session.questions):
            await self._move(self.position + 1)
        else:
            self._keep_answer()
            self.action_finish()

    async def action_previous(self) -> None:
        await self._move(self.position - 1)

    def action_flag(self) -> None:
        flagged = self.position not in self.session.flags
        try:
            self.session.flag(self.position, flagged)
        except TutorError as exc:
            self._not_saved(exc)
            return
        self.view.show_flag(flagged)
        self._show_status()

    # Finishing -------------------------------------------------------------------------------

    @work(exclusive=True, group="exam-dialog")
    async def action_finish(self) -> None:
        """The summary: every question's state; go back to one, or submit."""
        from tutor.app.screens.exam_summary import ExamSummaryScreen

        self._keep_answer()
        choice = await self.app.push_screen_wait(ExamSummaryScreen(self.session))
        if choice is None or self._submitted:
            return
        if choice == "submit":
            await self.submit(timed_out=False)
        else:
            await self._move(int(choice))

    async def submit(self, *, timed_out: bool) -> None:
        """Grade, seal and store the attempt, then show the result."""
        from tutor.app.screens.exam_result import ExamResultScreen

        if self._submitted:
            return
        self._submitted = True
        try:
            record = self.session.submit(timed_out=timed_out)
        except AttemptTakenOver as exc:
            self._submitted = False
            self._not_saved(exc)
            return
        except TutorError as exc:
            self._submitted = False
            self.tutor.show_error(f"The exam could not be submitted: {exc}")
            return
        # A dialog still open over this screen (the summary) must not outlive the attempt.
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        if record["submitted"] == "when time ran out":
            self.notify("Time ran out: the exam was submitted with the answers given.",
                        title="Time", severity="warning", markup=False)
        self.app.switch_screen(ExamResultScreen(record, self.session.course))

    @work(exclusive=True, group="exam-dialog")
    async def action_leave(self) -> None:
        """Leave without submitting: the attempt stays open and its clock keeps running."""
        if self._taken_over:
            self.tutor.leave_exam()
            return
        self._keep_answer()
        timed = self.session.remaining() is not None
        answer = await self.app.push_screen_wait(ChoiceDialog(
            "Leave the exam?",
            "Your answers are saved. Start the exam again with the same name to carry on"
            + (" — the clock keeps running while you are away." if timed else "."),
            [("stay", "Stay"), ("leave", "Leave")]))
        if answer == "leave":
            self.tutor.leave_exam()
