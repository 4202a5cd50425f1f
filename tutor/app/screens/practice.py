"""The practice quiz: one question at a time, immediate feedback, and the missed ones again.

Each round is kept as it goes (`tutor.progress.rounds`): leaving and coming back, even after
a restart, resumes it with the same questions in the same order and the answers given; a
round whose last question was answered is over, and the next quiz starts a new one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Header, Markdown, Static

from tutor.app.practice_round import (
    RoundPlan,
    dropped_message,
    fresh,
    rebuilt,
    resumed_message,
)
from tutor.app.screens.base import TutorScreen
from tutor.app.widgets.fixit import judge
from tutor.app.widgets.keybar import KeyBar
from tutor.app.widgets.question import (
    CHOICE_BINDINGS,
    EDIT_BINDING,
    ChoiceKeys,
    QuestionView,
    shorten,
)
from tutor.content.answers import CHOICE_TYPES, is_correct, recorded_answer
from tutor.content.judge import GoalResult
from tutor.content.model import Question
from tutor.errors import TutorError
from tutor.progress.rounds import PracticeRound

Phase = Literal["answering", "feedback", "summary"]


def practice_order(questions: Sequence[Question], seen: set[str],
                   rng: random.Random | None = None) -> list[Question]:
    """Questions never answered before come first; each group is shuffled."""
    rng = rng or random.Random()
    unseen = [q for q in questions if q.id not in seen]
    again = [q for q in questions if q.id in seen]
    rng.shuffle(unseen)
    rng.shuffle(again)
    return unseen + again


def first_line(markdown: str, width: int = 64) -> str:
    """A prompt's first non-blank line, cut to ``width`` characters, for the summary list."""
    return shorten(next((text.strip() for text in markdown.splitlines() if text.strip()), ""),
                   width)


class PracticeScreen(ChoiceKeys, TutorScreen[None]):
    """A practice quiz on one topic (or all of them); every answer is saved as it is given."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave quiz"),
        Binding("enter", "submit", "Submit"),
        Binding("enter", "next", "Next"),
        *CHOICE_BINDINGS,
        # A focused TextArea swallows letters and Enter, so fix-it keys use ctrl.
        Binding("ctrl+s", "check_fix", "Check my fix"),
        Binding("ctrl+g", "give_up", "Solution"),
        EDIT_BINDING,
        Binding("l", "lesson", "Lesson"),
        Binding("r", "again", "Missed again"),
    ]

    def __init__(self, questions: list[Question], topic: str | None, *,
                 rng: random.Random | None = None, shuffle_options: bool = True) -> None:
        super().__init__()
        self.questions = list(questions)
        self.topic = topic
        self.rng = rng or random.Random()
        self.shuffle_options = shuffle_options
        self.round: list[Question] = []
        # The round as stored (None when the store could not keep it), and the order each
        # question's choices are shown in.
        self.round_id: int | None = None
        self.orders: dict[str, list[int] | None] = {}
        self.index = 0
        # This round's answers, question id -> correct, in the order they were given.
        self.results: dict[str, bool] = {}
        self.phase: Phase = "answering"

    @property
    def current(self) -> Question | None:
        """The question on screen, if a question is on screen."""
        if self.phase == "summary" or not 0 <= self.index < len(self.round):
            return None
        return self.round[self.index]

    @property
    def view(self) -> QuestionView:
        """The widget showing the current question."""
        return self.query_one(QuestionView)

    def compose(self) -> ComposeResult:
        yield Header()
        yield VerticalScroll(id="practice-body")
        yield KeyBar()

    async def on_mount(self) -> None:
        titles = {topic.id: topic.title for topic in self.tutor.course.topics}
        self.sub_title = (f"Practice: {titles.get(self.topic, self.topic)}" if self.topic
                          else "Practice: every topic")
        store = self.tutor.store
        try:
            store.set_place({"screen": "practice", "topic": self.topic or ""})
            left = store.rounds.open_round(self.topic or "")
            seen = store.seen_questions()
        except TutorError as exc:
            self.tutor.show_error(str(exc))
            left, seen = None, set()
        if left is not None and await self.resume_round(left):
            return
        await self.start_round(practice_order(self.questions, seen, self.rng))

    async def start_round(self, questions: list[Question]) -> None:
        """Begin a round of these questions, in this order, and keep it in the store."""
        plan = fresh(questions, self.rng, self.shuffle_options)
        try:
            self.round_id = self.tutor.store.rounds.start(self.topic or "", plan.served()).id
        except TutorError as exc:  # the quiz goes on; leaving it will not resume it
            self.round_id = None
            self.tutor.show_error(str(exc))
        self._take(plan)
        if questions:
            await self.show_question()
        else:
            await self.show_summary()

    async def resume_round(self, left: PracticeRound) -> bool:
        """Carry on with a round left part-way; False when none of its questions are left.

        A question removed from the course since is dropped, and the learner told so.
        """
        plan = rebuilt(left, self.tutor.course.questions, self.rng, self.shuffle_options)
        if plan.dropped:
            self.notify(dropped_message(plan.dropped), title="Practice", severity="warning",
                        markup=False, timeout=10)
        unanswered = plan.unanswered()
        if not unanswered:  # nothing left to answer: only removed questions were
            try:
                self.tutor.store.rounds.finish(left.id)
            except TutorError as exc:
                self.tutor.show_error(str(exc))
            if not plan.questions:
                return False
        self.round_id = left.id
        self._take(plan)
        if not unanswered:
            await self.show_summary()
            return True
        self.index = unanswered[0]
        self.notify(resumed_message(self.index + 1, len(self.round), len(self.results)),
                    title="Practice", markup=False)
        await self.show_question()
        return True

    def _take(self, plan: RoundPlan) -> None:
        """Make this round the one on screen, from its first question."""
        self.round, self.orders, self.results = plan.questions, plan.orders, plan.results
        self.index = 0

    async def show_question(self) -> None:
        """Replace the body with the current question, ready to be answered."""
        question = self.round[self.index]
        course = self.tutor.course
        topic_title = next((t.title for t in course.topics if t.id == question.topic),
                           question.topic)
        lesson = course.lesson(question.lesson)
        view = QuestionView(question, number=self.index + 1, total=len(self.round),
                            topic_title=topic_title,
                            lesson_title=lesson.title if lesson else question.lesson,
                            today=self.tutor.today, order=self.orders.get(question.id))
        body = self.query_one("#practice-body", VerticalScroll)
        await body.remove_children()
        self.phase = "answering"
        await body.mount(view)
        body.scroll_home(animate=False)
        view.focus_answer()
        self.refresh_bindings()

    # Answering ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        question = self.current
        kind = question.type if question is not None else None
        answering = self.phase == "answering"
        if action == "submit" or action == "pick":
            return answering and kind in CHOICE_TYPES
        if action == "pick_bool":
            return answering and kind == "true_false"
        if action in ("check_fix", "give_up", "edit"):
            return answering and kind == "fix_it"
        if action in ("next", "lesson"):
            return self.phase == "feedback"
        if action == "again":
            return self.phase == "summary" and bool(self.missed())
        return True

    async def action_submit(self) -> None:
        question, choices = self.current, self.view.choices
        if question is None or choices is None:
            return
        chosen = self.view.chosen_options()
        if not chosen:
            what = "line" if question.type == "spot_the_line" else "answer"
            self.notify(f"Choose an {what} first: press its number, or click it.",
                        title="Nothing chosen", markup=False)
            return
        correct = is_correct(question, chosen)
        self.record(question, recorded_answer(question, chosen), correct)
        await self.give_feedback(correct)

    async def action_check_fix(self) -> None:
        await self._finish_fix(gave_up=False)

    async def action_give_up(self) -> None:
        await self._finish_fix(gave_up=True)

    async def _finish_fix(self, *, gave_up: bool) -> None:
        question, fixit = self.current, self.view.fixit
        if question is None or fixit is None or question.goal is None:
            return
        # Judged again here rather than trusting the live checklist, which may lag an edit.
        result = judge(question.goal, fixit.text, self.tutor.today)
        correct = result.passed and not gave_up
        self.record(question, fixit.text, correct)
        await self.give_feedback(correct, gave_up=gave_up, result=result)

    def record(self, question: Question, answer: object, correct: bool) -> None:
        """Keep the answer for the summary and in the progress store, at once; the answer to
        the round's last question ends the round there."""
        self.results[question.id] = correct
        store = self.tutor.store
        try:
            if self.round_id is None:
                store.record_practice_answer(question.id, question.topic, answer, correct)
            else:
                store.rounds.answer(self.round_id, question.id, question.topic, answer,
                                    correct, [q.id for q in self.round
                                              if q.id not in self.results])
        except TutorError as exc:
            self.tutor.show_error(str(exc))

    async def give_feedback(self, correct: bool, *, gave_up: bool = False,
                            result: GoalResult | None = None) -> None:
        """Show the verdict and explanation, and make Enter move on."""
        self.phase = "feedback"
        view = self.view
        await view.show_feedback(correct, last=self.index == len(self.round) - 1,
                                 gave_up=gave_up, result=result)
        body = self.query_one("#practice-body", VerticalScroll)
        # Off the answer widget (and out of the TextArea), so Enter and letters reach us.
        body.focus()
        self.call_after_refresh(view.query_one("#feedback").scroll_visible)
        self.refresh_bindings()

    # After each answer --------------------------------------------------------------------

    async def action_next(self) -> None:
        if self.phase != "feedback":
            return
        self.index += 1
        if self.index < len(self.round):
            await self.show_question()
        else:
            await self.show_summary()

    def action_lesson(self) -> None:
        question = self.current
        if question is not None:
            self.tutor.open_lesson(question.lesson)

    def action_leave(self) -> None:
        self.dismiss()

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        # Course links go through the app's allow-list, never straight to a browser or action.
        event.stop()
        self.tutor.follow_link(event.href)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {"open-lesson": self.action_lesson, "back": self.action_leave}
        if event.button.id in actions:
            actions[event.button.id]()
        elif event.button.id == "next":
            await self.action_next()
        elif event.button.id == "again":
            await self.action_again()

    # The summary --------------------------------------------------------------------------

    def missed(self) -> list[Question]:
        """This round's questions answered wrongly (or not at all)."""
        return [q for q in self.round if not self.results.get(q.id, False)]

    async def show_summary(self) -> None:
        """Replace the body with the score, each question's result and the ways on."""
        self.phase = "summary"
        right = sum(self.results.values())
        total = len(self.round)
        missed = self.missed()
        widgets: list[Widget] = []
        if total:
            percent = round(100 * right / total)
            widgets.append(Static(Content(f"Practice finished: {right} of {total} right "
                                          f"({percent}%)."), id="score"))
        else:
            widgets.append(Static(Content("There are no questions to practise here."),
                                  id="score"))
        for question in self.round:
            mark = "✓ right " if self.results.get(question.id) else "✗ missed"
            line = Static(Content(f"{mark}  {first_line(question.prompt)}"),
                          classes="summary-line")
            line.set_class(bool(self.results.get(question.id)), "-right")
            line.set_class(not self.results.get(question.id), "-wrong")
            widgets.append(line)
        buttons: list[Widget] = []
        if missed:
            count = "the missed one" if len(missed) == 1 else f"the {len(missed)} missed ones"
            buttons.append(Button(Content(f"Practise {count} again (r)"), id="again",
                                  variant="primary"))
        elif total:
            widgets.append(Static(Content("Everything right. Well done."), id="all-right"))
        buttons.append(Button(Content("Back (Esc)"), id="back"))
        widgets.append(Horizontal(*buttons, id="summary-buttons"))
        body = self.query_one("#practice-body", VerticalScroll)
        await body.remove_children()
        await body.mount_all(widgets)
        body.scroll_home(animate=False)
        body.focus()
        self.refresh_bindings()

    async def action_again(self) -> None:
        missed = self.missed()
        if self.phase == "summary" and missed:
            self.rng.shuffle(missed)
            await self.start_round(missed)
