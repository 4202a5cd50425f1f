"""The exam in the app: start by name, answer by keyboard, nothing revealed before submission,
the countdown submitting on its own, resuming, and the result with its review."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.conftest import TODAY
from tests.pilots import palette_searched, until
from tutor.app import Launch
from tutor.app.app import TutorApp
from tutor.app.screens.exam import ExamScreen
from tutor.app.screens.exam_result import ExamResultScreen
from tutor.app.screens.exam_start import ExamStartScreen
from tutor.app.screens.exam_summary import ExamSummaryScreen
from tutor.app.screens.home import HomeScreen
from tutor.content.answers import right_rows
from tutor.content.model import Course
from tutor.exam.session import ExamSession
from tutor.exam.spec import ExamSpec, spec_for
from tutor.progress.store import ProgressStore

SIZE = (100, 30)


def exam_app(data_dir: Path, course: Course, spec: ExamSpec,
             learner: str | None = None) -> TutorApp:
    return TutorApp(Launch(data_dir=data_dir, exam=spec, exam_learner=learner, course=course,
                           today=TODAY))


def screen_text(app: TutorApp) -> str:
    """Everything the screen shows, as plain text."""
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))



async def start(pilot: Pilot[Any], app: TutorApp) -> ExamScreen:
    """Press Enter on the start screen (the name is already in) and wait for question 1."""
    await pilot.pause()
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ExamScreen))
    screen = app.screen
    assert isinstance(screen, ExamScreen)
    return screen


async def press_right_answer(pilot: Pilot[Any], screen: ExamScreen) -> None:
    """Choose the right option(s) of the question on screen by their shown numbers."""
    position = screen.position
    question = screen.session.questions[position]
    order = list(screen.session.served[position].order)
    for row in sorted(order.index(i) for i in right_rows(question)):
        await pilot.press(str(row + 1))


def defined(course: Course, **changes: Any) -> Course:
    """The course with its sign-off exam defined differently, as an instructor's pack would."""
    exam = dataclasses.replace(course.exams[0], **changes)
    return dataclasses.replace(course, exams=(exam,))


async def test_keyboard_only_exam_end_to_end(course: Course, data_dir: Path) -> None:
    """Take the course's defined exam: type a name, answer by number and Enter, submit."""
    course = defined(course, questions=5, per_topic=None, types=("single", "true_false"),
                     time_limit_minutes=30)
    spec = spec_for(course, "sign-off", seed=4)
    assert spec.kind == "sign-off"
    app = exam_app(data_dir, course, spec)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExamStartScreen)
        assert "5 questions" in screen_text(app) and "pass mark 80%" in screen_text(app)
        assert "Exam: Container hardening sign-off" in screen_text(app)
        assert "practice" not in screen_text(app).lower()
        await pilot.press("enter")
        await pilot.pause()
        assert "Type your name first" in screen_text(app)
        await pilot.press(*"Ada Lovelace", "enter")
        await until(pilot, lambda: isinstance(app.screen, ExamScreen))
        screen = app.screen
        assert isinstance(screen, ExamScreen)
        assert "⏱ 30:00 left" in screen_text(app) or "⏱ 29:5" in screen_text(app)
        for _ in range(5):
            await press_right_answer(pilot, screen)
            await pilot.press("enter")
            await pilot.pause()
        await until(pilot, lambda: isinstance(app.screen, ExamSummaryScreen))
        assert "Every question has an answer" in screen_text(app)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, ExamResultScreen))
        text = screen_text(app)
        assert "✓ Passed" in text and "5 of 5 right (100%)" in text
        assert "the pass mark is 80%" in text and "By topic" in text
        assert "self-assessed" in text
        assert "1. ✓ right" in text  # the review, now that the attempt is sealed
    store = ProgressStore.open(data_dir, "tester")
    try:
        [attempt] = list(store.exams.all_attempts())
        assert attempt.learner == "ada lovelace" and attempt.record is not None
        assert attempt.record["learner"]["name"] == "Ada Lovelace"
        assert attempt.record["result"] == "passed"
        assert (attempt.record["exam"]["id"], attempt.record["exam"]["kind"]) == (
            "sign-off", "sign-off")
    finally:
        store.close()


async def test_nothing_is_revealed_before_submission(course: Course, data_dir: Path) -> None:
    """After answering, no verdict, no right answer, no explanation is on screen."""
    spec = spec_for(course, questions=3, types=["single"], seed=8)
    app = exam_app(data_dir, course, spec, learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        question = screen.session.questions[0]
        await pilot.press("1")
        await pilot.pause()
        text = screen_text(app)
        for telltale in ("✓", "✗", "correct", "wrong", "Right", "Not quite"):
            assert telltale not in text, telltale
        for option in question.options:
            if option.why:
                assert option.why.strip()[:40] not in text
        assert question.explanation.strip()[:40] not in text
        await pilot.press("enter")
        await pilot.pause()
        assert "✓" not in screen_text(app) and screen.position == 1


async def test_time_running_out_submits_the_attempt(course: Course, data_dir: Path) -> None:
    """When the clock passes the deadline the attempt is submitted and the result shown."""
    clock = Clock()
    store = ProgressStore.open(data_dir, "tester")
    session = ExamSession.begin(store, course, spec_for(course, questions=3, time_limit=2,
                                                        types=["single"]),
                                "Ada", None, clock)
    app = TutorApp(Launch(data_dir=data_dir, course=course, today=TODAY))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        await app.push_screen(ExamScreen(session))
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert session.answers
        clock.now += dt.timedelta(minutes=3)
        await until(pilot, lambda: isinstance(app.screen, ExamResultScreen))
        text = screen_text(app)
        assert "submitted when time ran out" in text
    store.close()


async def test_flags_and_the_summary_lead_back_to_a_question(course: Course,
                                                             data_dir: Path) -> None:
    """F2 flags, F10 lists every question with its state, Enter on one goes back to it."""
    spec = spec_for(course, questions=3, types=["single"], seed=2)
    app = exam_app(data_dir, course, spec, learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        await pilot.press("f2")
        await pilot.pause()
        assert "⚑ 1 flagged" in screen_text(app) and "flagged for review" in screen_text(app)
        await pilot.press("f4", "1", "f10")
        await until(pilot, lambda: isinstance(app.screen, ExamSummaryScreen))
        text = screen_text(app)
        assert "2 questions have no answer and count as wrong" in text
        await pilot.press("enter")  # the first question, flagged and unanswered
        await until(pilot, lambda: app.screen is screen)
        assert isinstance(screen, ExamScreen) and screen.position == 0


async def test_leaving_and_coming_back_resumes(course: Course, data_dir: Path) -> None:
    """Leave mid-exam, start again with the same name: same attempt, answers shown again."""
    spec = spec_for(course, questions=3, types=["single"], seed=6, time_limit=20)
    app = exam_app(data_dir, course, spec, learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        first = await start(pilot, app)
        attempt_id = first.session.attempt.id
        await pilot.press("2")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("right", "enter")  # the dialog's "Leave"
        await pilot.pause()
    again = exam_app(data_dir, course, spec, learner="Ada")
    async with again.run_test(size=SIZE) as pilot:
        screen = await start(pilot, again)
        assert screen.session.resumed and screen.session.attempt.id == attempt_id
        assert screen.position == 1  # the first question without an answer
        await pilot.press("f3")
        await pilot.pause()
        choices = screen.view.choices
        assert choices is not None and choices.chosen == {1}


async def test_home_screen_opens_the_exam(make_app: Any) -> None:
    """e on the course map opens the exam with the course's settings."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExamStartScreen))
        assert "3 questions from each of 5 topics" in screen_text(app)
        assert "30 minutes" in screen_text(app)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


async def test_fix_it_edits_are_saved_as_a_draft(course: Course, data_dir: Path) -> None:
    """A fix-it edit is committed a moment after typing stops, with no checklist verdict."""
    from tutor.app.screens.exam import DRAFT_SAVE_SECONDS

    spec = spec_for(course, questions=1, types=["fix_it"], seed=1)
    app = exam_app(data_dir, course, spec, learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        text = screen_text(app)
        assert "•  " in text and "✓ done" not in text and "✗ to do" not in text
        await pilot.press("end", *"  # edited")
        await pilot.pause(DRAFT_SAVE_SECONDS + 0.3)
        attempt_id = screen.session.attempt.id
        store = ProgressStore.open(data_dir, "tester")
        try:
            saved = store.exams.answers(attempt_id)[0].answer
        finally:
            store.close()
        assert isinstance(saved, str) and "# edited" in saved


# One window at a time ------------------------------------------------------------------------

async def test_an_attempt_open_elsewhere_is_refused_then_taken_over(course: Course,
                                                                  data_dir: Path) -> None:
    """The start screen names the other window and offers Take over, confirmed first."""
    from textual.widgets import Button

    from tutor.app.screens.dialogs import ChoiceDialog
    from tutor.progress.exams import AttemptTakenOver, Holder

    spec = spec_for(course, questions=3, types=["single"], seed=5)
    store = ProgressStore.open(data_dir, "tester")
    other = ExamSession.begin(store, course, spec, "Ada", None, holder=Holder.new())
    app = exam_app(data_dir, course, spec, learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        take_over = app.screen.query_one("#exam-take-over", Button)
        assert not take_over.display
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamStartScreen) and app.is_running
        assert (f"This attempt is open in another window (pid {other.holder.pid} on "
                f"{other.holder.host} since {other.attempt.started_at})") in screen_text(app)
        assert take_over.display
        await pilot.click("#exam-take-over")
        await until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert "Take this attempt over?" in screen_text(app)
        await pilot.click("#choice-take")
        await until(pilot, lambda: isinstance(app.screen, ExamScreen))
        screen = app.screen
        assert isinstance(screen, ExamScreen) and screen.session.attempt.id == other.attempt.id
        with pytest.raises(AttemptTakenOver):
            other.answer(0, [0])
    store.close()


def take_over_elsewhere(data_dir: Path, course: Course,
                        spec: Any) -> tuple[ProgressStore, ExamSession]:
    """Another window (another session on the same store) takes Ada's attempt over."""
    from tutor.progress.exams import Holder

    store = ProgressStore.open(data_dir, "tester")
    return store, ExamSession.begin(store, course, spec, "Ada", None, holder=Holder.new(),
                                    take_over=True)


async def test_a_window_whose_attempt_is_taken_over_says_so(course: Course,
                                                            data_dir: Path) -> None:
    """After another window takes over, an answer here is refused with a panel, not saved."""

    spec = spec_for(course, questions=3, types=["single"], seed=5)
    app = exam_app(data_dir, course, spec, learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        store, other = take_over_elsewhere(data_dir, course, spec)
        await pilot.press("1")
        await pilot.pause()
        text = screen_text(app)
        assert (f"This attempt was taken over by pid {other.holder.pid} on "
                f"{other.holder.host}") in text
        assert "answers given here are no longer saved" in text and "Press Esc to leave" in text
        assert store.exams.answers(other.attempt.id) == {}
        await pilot.press("2", "f2", "f10")  # nothing more is taken, nothing opens
        await pilot.pause()
        assert app.screen is screen and store.exams.answers(other.attempt.id) == {}
        await pilot.press("escape")
        await pilot.pause()
        assert not app.is_running  # the exam command's app closes; the attempt is kept
        lease = store.exams.lease(other.attempt.id)
        assert lease is not None and lease.holder == other.holder
        store.close()


async def test_the_heartbeat_finds_a_take_over_without_an_answer(course: Course,
                                                                  data_dir: Path) -> None:
    """The periodic heartbeat shows the take-over even while the learner is not typing."""

    spec = spec_for(course, questions=3, types=["single"], seed=5)
    app = exam_app(data_dir, course, spec, learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app)
        store, _ = take_over_elsewhere(data_dir, course, spec)
        screen.heartbeat()  # what the timer calls every LEASE_HEARTBEAT
        await pilot.pause()
        assert "Taken over by another window" in screen_text(app)
        store.close()


async def test_a_name_with_control_characters_is_refused(course: Course,
                                                         data_dir: Path) -> None:
    """A pasted name holding an escape sequence is refused on the start screen."""
    from textual.widgets import Input

    spec = spec_for(course, questions=3, types=["single"], seed=5)
    app = exam_app(data_dir, course, spec)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.screen.query_one("#exam-name", Input).value = "Ada\x1b]52;c;aGk=\x07"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamStartScreen)
        assert "cannot hold control characters" in screen_text(app)
        assert "U+001B (ESC) at character 4" in screen_text(app)
    store = ProgressStore.open(data_dir, "tester")
    assert list(store.exams.all_attempts()) == []
    store.close()


async def test_a_practice_exam_says_so_on_every_screen(course: Course, data_dir: Path) -> None:
    """Changed settings: the start screen, the questions and the result all say practice."""
    spec = spec_for(course, questions=2, types=["single"], seed=5)
    app = exam_app(data_dir, course, spec, learner="Bob")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Exam: Practice: Container hardening sign-off" in screen_text(app)
        assert "never counts as sign-off" in screen_text(app)
        screen = await start(pilot, app)
        assert screen.title == "Practice: Container hardening sign-off"
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, ExamSummaryScreen))
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, ExamResultScreen))
        assert app.screen.title == "Practice: Container hardening sign-off"


async def test_score_only_feedback_hides_the_review(course: Course, data_dir: Path) -> None:
    """A definition with feedback: score shows the verdict but neither topics nor review."""
    course = defined(course, questions=2, per_topic=None, types=("single",),
                     feedback="score")
    app = exam_app(data_dir, course, spec_for(course, seed=2), learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, ExamSummaryScreen))
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, ExamResultScreen))
        text = screen_text(app)
        assert "0 of 2 right" in text
        assert "By topic" not in text and "1. ✗" not in text


async def test_with_a_roster_the_learner_gives_their_id(course: Course, data_dir: Path,
                                                        tmp_path: Path) -> None:
    """An id not on the roster is refused on the start screen; a listed one starts as its name."""
    from textual.widgets import Input

    from tutor.exam.learners import Roster

    path = tmp_path / "roster.csv"
    path.write_text("id,name\nA12,Ada Lovelace\n")
    spec = spec_for(course, questions=2, types=["single"], seed=5)
    app = TutorApp(Launch(data_dir=data_dir, exam=spec, course=course, today=TODAY,
                          exam_roster=Roster.load(path)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Your id on the class roster" in screen_text(app)
        app.screen.query_one("#exam-name", Input).value = "Z9"
        await pilot.press("enter")
        await pilot.pause()
        assert "'Z9' is not on the roster" in screen_text(app)
        app.screen.query_one("#exam-name", Input).value = "a12"
        screen = await start(pilot, app)
        assert screen.session.learner == {"id": "A12", "name": "Ada Lovelace",
                                          "source": "roster"}


async def test_the_palette_is_closed_book_during_an_exam(course: Course, data_dir: Path) -> None:
    """ctrl+p on an exam question finds no lesson, exercise, quiz or rule to open."""
    from textual.command import CommandList, CommandPalette

    spec = spec_for(defined(course, questions=5, per_topic=None, types=("single",)),
                    "sign-off", seed=4)
    app = exam_app(data_dir, course, spec, learner="Ada")
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, app)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"lesson")
        await palette_searched(pilot)
        commands = app.screen.query_one(CommandList)
        found = [str(commands.get_option_at_index(i).prompt)
                 for i in range(commands.option_count)]
        assert not [f for f in found if "Lesson" in f or "Rule" in f or "Exercise" in f], found
