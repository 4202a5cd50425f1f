"""Layout snapshots at the smallest supported terminal, 80×24 (SVGs in __snapshots__/).

Each screen is shown in the state where it holds the most: progress on the map, a long
command in a lesson, a question after its answer, an exercise with its hints out. Every
SVG here was looked at before it was accepted; a changed one must be looked at again.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TODAY
from tests.pilots import palette_searched, until
from tutor.app import Launch
from tutor.app.app import TutorApp
from tutor.app.screens.dialogs import ChoiceDialog
from tutor.app.screens.exam_summary import ExamSummaryScreen
from tutor.content.model import Course

ROOT = ("FROM debian:12\nARG API_TOKEN\nRUN apt-get update && apt-get install -y curl\n"
        "CMD [\"sh\"]\n")
SIZE = (80, 24)
# The exams' clock, stopped: the countdown and the record's times read the same every run.
NOW = dt.datetime(2026, 11, 22, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder as the working directory, so paths on screen are short and stable."""
    (tmp_path / "Dockerfile").write_text(ROOT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _app(data_dir: Path, path: Path | None = None) -> TutorApp:
    return TutorApp(Launch(path=path, data_dir=data_dir, learner="snap", today=TODAY))


async def _settled(pilot: Any) -> None:
    from tests.test_app_workbench import settle

    await settle(pilot)


async def _steady(pilot: Any) -> None:
    """Stop text cursors blinking, so a snapshot does not depend on when it was taken."""
    from textual.widgets import Input, TextArea

    for screen in pilot.app.screen_stack:
        for field in screen.query("Input, TextArea"):
            assert isinstance(field, (Input, TextArea))
            field.cursor_blink = False
    await pilot.pause()


def _steadied(run_before: Any) -> Any:
    """``run_before``, then :func:`_steady`."""
    async def run(pilot: Any) -> None:
        await run_before(pilot)
        await _steady(pilot)

    return run


def _press(*keys: str) -> Any:
    async def run(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
        await _steady(pilot)

    return run



# Course map and lessons -----------------------------------------------------------------------

def test_course_map_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """The course map with progress: lessons read, exercises solved, quizzes scored."""
    from tutor.progress.store import ProgressStore

    store = ProgressStore.open(data_dir, "snap")
    store.mark_lesson_read("root-risks")
    store.mark_lesson_read("non-root-user")
    store.record_solution("root-add-user", {"Dockerfile": "FROM scratch\n"}, 0)
    store.record_solution("root-drop-sudo", {"Dockerfile": "FROM scratch\n"}, 1)
    store.record_solution("user-numeric-uid", {"Dockerfile": "FROM scratch\n"}, 0)
    store.record_practice_answer("root-sudo-spot", "root-risks", 6, True)
    store.record_practice_answer("root-sudo-why", "root-risks", 1, False)
    store.set_place({"screen": "lesson", "lesson": "secrets"})
    store.close()
    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steady)


def test_lesson_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """A lesson's first screen: title, the rules it teaches, the text wrapped to fit."""
    async def open_lesson(pilot: Any) -> None:
        pilot.app.open_lesson("root-risks")
        await pilot.pause()

    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(open_lesson))


def test_lesson_long_code_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """A command longer than the screen wraps onto a row marked ↪, nothing cut off."""
    from tutor.app.widgets.code import CodeBlock

    async def long_code(pilot: Any) -> None:
        pilot.app.open_lesson("root-risks")
        await until(pilot, lambda: any("nologin app \\" in block.code.plain
                                        for block in pilot.app.screen.query(CodeBlock)))
        block = next(block for block in pilot.app.screen.query(CodeBlock)
                     if "nologin app \\" in block.code.plain)
        pilot.app.screen.scroll_to_center(block, animate=False)
        await pilot.pause()

    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(long_code))


def test_lesson_search_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """"/" searches the lesson: matches marked, the current one in view, "n of m" counted."""
    async def search(pilot: Any) -> None:
        pilot.app.open_lesson("root-risks")
        await until(pilot, lambda: pilot.app.screen.query("WrappedFence"))
        await pilot.press("slash", *"nologin", "enter")
        await _steady(pilot)

    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(search))


def test_rule_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """A rule's explanation with its buttons in view."""
    async def open_rule(pilot: Any) -> None:
        pilot.app.open_rule("HT101")
        await pilot.pause()

    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(open_rule))


def test_help_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """F1 help over the course map."""
    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(_press("f1")))


def test_palette_finds_exercises_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """Typing "exerc" in the command palette lists the exercises."""
    async def palette(pilot: Any) -> None:
        await pilot.pause()
        await pilot.press("ctrl+p", *"exerc")
        await palette_searched(pilot)
        await _steady(pilot)

    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(palette))


# Practice quiz --------------------------------------------------------------------------------

def _practice(question_id: str) -> Any:
    async def start(pilot: Any) -> None:
        from tutor.app.screens.practice import PracticeScreen

        question = next(q for q in pilot.app.course.questions if q.id == question_id)
        await pilot.app.push_screen(PracticeScreen([question], question.topic,
                                                   rng=random.Random(0),
                                                   shuffle_options=False))
        await pilot.pause()

    return start


def test_spot_the_line_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """Every line of a spot-the-line question reads whole: line 6 ends in "sudo"."""
    async def marked(pilot: Any) -> None:
        await _practice("root-sudo-spot")(pilot)
        await pilot.press("6")
        await pilot.pause()

    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(marked))


def test_multiple_choice_feedback_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """A multiple-choice question after a wrong answer: verdicts, reasons, the way on."""
    async def answered(pilot: Any) -> None:
        await _practice("caps-isolation-weakeners")(pilot)
        await pilot.press("1", "2", "enter")
        # The feedback is shown, the keyboard is back on the body, and it scrolled into view.
        await until(pilot, lambda: pilot.app.screen.phase == "feedback"
                    and pilot.app.focused is not None and pilot.app.focused.id == "practice-body")
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(answered))


# Exam -----------------------------------------------------------------------------------------

def _exam_app(data_dir: Path, course: Course, screen: Any) -> tuple[TutorApp, Any]:
    """An app that opens on ``screen(store)`` (an exam screen over a stopped clock)."""
    from tutor.progress.store import ProgressStore

    store = ProgressStore.open(data_dir, "snap")
    app = TutorApp(Launch(data_dir=data_dir, course=course, learner="snap", today=TODAY))

    async def push(pilot: Any) -> None:
        await pilot.pause()
        pushed = screen(store)
        await pilot.app.push_screen(pushed)
        await until(pilot, lambda: pilot.app.screen is pushed)
        await pilot.app.workers.wait_for_complete()

    return app, push


def _session(store: Any, course: Course, **settings: Any) -> Any:
    from tutor.exam.session import ExamSession
    from tutor.exam.spec import spec_for

    return ExamSession.begin(store, course, spec_for(course, **settings), "Ada Lovelace",
                             None, lambda: NOW)


def _answer(question: Any, *, right: bool) -> Any:
    """An answer as the exam keeps it: the right one, or the first choice (or an edit)."""
    from tutor.content.answers import recorded_answer, right_rows

    if question.type == "fix_it":
        return (question.solution if right else (question.dockerfile or "") + "# edited\n")
    return recorded_answer(question, right_rows(question) if right else {0})


def test_exam_start_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """The exam's settings, its rules, the name field and Start."""
    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(_press("e")))


def test_exam_fix_it_at_80x24(snap_compare: Any, data_dir: Path, course: Course) -> None:
    """A fix-it exam question: the goal, the editor, and F5 to get back into it."""
    from tutor.app.screens.exam import ExamScreen

    app, push = _exam_app(data_dir, course, lambda store: ExamScreen(
        _session(store, course, questions=2, types=["fix_it"], seed=1, time_limit=30)))
    assert snap_compare(app, terminal_size=SIZE, run_before=_steadied(push))


def test_exam_summary_at_80x24(snap_compare: Any, data_dir: Path, course: Course) -> None:
    """Before submitting: fifteen questions, some answered and flagged, rows wrapped at words."""
    from tutor.app.screens.exam import ExamScreen

    def screen(store: Any) -> ExamScreen:
        session = _session(store, course, per_topic=3, seed=3, time_limit=30)
        for position in (0, 1, 3, 4, 7):
            session.answer(position, _answer(session.questions[position], right=False))
        session.flag(2, True)
        session.flag(4, True)
        return ExamScreen(session)

    app, push = _exam_app(data_dir, course, screen)

    async def summary(pilot: Any) -> None:
        await push(pilot)
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(pilot.app.screen, ExamSummaryScreen))

    assert snap_compare(app, terminal_size=SIZE, run_before=_steadied(summary))


def test_exam_result_at_80x24(snap_compare: Any, data_dir: Path, course: Course) -> None:
    """The result: verdict, score, topics and the start of the review."""
    from tutor.app.screens.exam_result import ExamResultScreen

    def screen(store: Any) -> ExamResultScreen:
        session = _session(store, course, per_topic=1, seed=4)
        for position in (0, 1, 3):
            session.answer(position, _answer(session.questions[position], right=True))
        return ExamResultScreen(session.submit(timed_out=False), course)

    app, push = _exam_app(data_dir, course, screen)
    assert snap_compare(app, terminal_size=SIZE, run_before=_steadied(push))


# Workbench and its dialogs ---------------------------------------------------------------------

def test_workbench_at_80x24(snap_compare: Any, project: Path, data_dir: Path) -> None:
    """A file in the workbench: the editor full width, findings stacked below it."""
    assert snap_compare(_app(data_dir, Path("Dockerfile")), terminal_size=SIZE,
                        run_before=_steadied(_settled))


def _exercise(*keys: str) -> Any:
    async def run(pilot: Any) -> None:
        await pilot.pause()
        pilot.app.open_exercise("root-add-user")
        await _settled(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return run


def test_exercise_with_hints_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """An exercise with two hints out: editor above, goal and hints below."""
    assert snap_compare(_app(data_dir), terminal_size=SIZE,
                        run_before=_steadied(_exercise("f2", "f2")))


def test_exercise_panel_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """F5 gives the goal, task, hints and findings the whole screen."""
    assert snap_compare(_app(data_dir), terminal_size=SIZE,
                        run_before=_steadied(_exercise("f2", "f2", "f5")))


def test_fix_preview_at_80x24(snap_compare: Any, project: Path, data_dir: Path) -> None:
    """The fix preview dialog shows the whole diff at 80×24."""
    async def preview(pilot: Any) -> None:
        await _settled(pilot)
        await pilot.press("f3")
        await pilot.pause()

    assert snap_compare(_app(data_dir, Path("Dockerfile")), terminal_size=SIZE,
                        run_before=_steadied(preview))


def test_unsaved_changes_dialog_at_80x24(snap_compare: Any, project: Path,
                                         data_dir: Path) -> None:
    """Leaving with unsaved edits asks, with all three buttons in view."""
    async def leave(pilot: Any) -> None:
        await _settled(pilot)
        await pilot.press("end", *"  # edited")
        pilot.app.screen.confirm_quit()
        await until(pilot, lambda: isinstance(pilot.app.screen, ChoiceDialog))

    assert snap_compare(_app(data_dir, Path("Dockerfile")), terminal_size=SIZE,
                        run_before=_steadied(leave))


def test_solved_dialog_at_80x24(snap_compare: Any, data_dir: Path, course: Course) -> None:
    """The solved dialog: the debrief, the reference solution, and what is next."""
    from tutor.app.screens.solved import SolvedDialog

    async def solved(pilot: Any) -> None:
        await pilot.pause()
        folder = Path("/home/ada/.local/share/hardening-tutor/exercises/root-add-user")
        await pilot.app.push_screen(SolvedDialog(course.exercises["root-add-user"], folder))
        await pilot.pause()

    app = TutorApp(Launch(data_dir=data_dir, course=course, learner="snap", today=TODAY))
    assert snap_compare(app, terminal_size=SIZE, run_before=_steadied(solved))


def test_links_dialog_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """A lesson's links, listed for the keyboard."""
    async def links(pilot: Any) -> None:
        pilot.app.open_lesson("root-risks")
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()

    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(links))


def test_open_file_dialog_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """o on the course map asks for a file to open."""
    assert snap_compare(_app(data_dir), terminal_size=SIZE, run_before=_steadied(_press("o")))


def test_course_map_with_progress_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """Part-way through: the progress lines, Continue on the next exercise, and exercises
    solved, started and not started under their lesson."""
    app = _app(data_dir)
    app.store.mark_lesson_read("root-risks")
    app.store.record_solution("root-add-user", {"Dockerfile": "FROM x"}, 0)
    app.store.set_place({"screen": "exercise", "exercise": "root-add-user"})
    (data_dir / "exercises" / "root-drop-sudo").mkdir(parents=True)
    app.store.record_practice_answer("root-default-user-risk", "root-risks", [0], True)
    assert snap_compare(app, terminal_size=SIZE)
