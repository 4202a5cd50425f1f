"""80×24 as a learner meets it: nothing needed is cut off, out of reach or covered."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual.widgets import Button, OptionList, Static, TextArea

from tests.pilots import until
from tests.test_app_workbench import root_dockerfile, settle
from tutor.app.app import TutorApp
from tutor.app.screens.help import HelpScreen, key_sections
from tutor.app.screens.workbench import WorkbenchScreen
from tutor.app.widgets.code import CONTINUATION, CodeBlock
from tutor.app.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from tutor.exam.session import ExamSession

SMALL = (80, 24)



def drawn(block: CodeBlock) -> list[str]:
    """The rows a code block draws at its current width."""
    return [row.plain for row in block.rows(block.content_region.width)]


# Code shown whole ------------------------------------------------------------------------------

async def test_lesson_code_wraps_instead_of_hiding_the_end(make_app: Any) -> None:
    """At 80 columns the useradd line of lesson 1 is drawn whole, its end on a marked row."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        app.open_lesson("root-risks")
        await until(pilot, lambda: app.screen.query(CodeBlock))
        await pilot.pause()
        block = next(b for b in app.screen.query(CodeBlock) if "nologin app\n" in b.code.plain
                     or b.code.plain.endswith("nologin app"))
        rows = drawn(block)
        width = block.content_region.width
        assert 0 < width < 79 and all(cell_len(row) <= width for row in rows)
        at = next(i for i, row in enumerate(rows) if row.startswith("RUN useradd"))
        assert rows[at + 1] == f"{CONTINUATION}/usr/sbin/nologin app"


async def test_spot_the_line_shows_the_faulty_line_whole(make_app: Any) -> None:
    """Line 6 of the sudo question ends in "sudo" on screen, not in an ellipsis."""
    from tutor.app.screens.practice import PracticeScreen

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        question = next(q for q in app.course.questions if q.id == "root-sudo-spot")
        await app.push_screen(PracticeScreen([question], "root-risks", rng=random.Random(1),
                                             shuffle_options=False))
        await pilot.pause()
        rows = [drawn(block) for block in app.screen.query(CodeBlock)]
        sixth = rows[5]
        assert sixth[0].startswith("6 │ RUN apt-get update")
        assert sixth[-1].endswith("sudo") and "↪" in sixth[-1]
        assert "…" not in "".join(sixth)


# Workbench at narrow widths ---------------------------------------------------------------------

async def test_narrow_workbench_stacks_and_f5_gives_the_panel_the_screen(make_app: Any) -> None:
    """At 80 columns the editor is full width above the goal; F5 shows the task and hints
    on the whole screen, and F5 again goes back to the editor."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.open_exercise("root-add-user")
        screen = await settle(pilot)
        editor = screen.query_one("#editor-pane")
        side = screen.query_one("#side-pane")
        assert screen.has_class("-narrow")
        assert editor.region.width >= 78 and side.region.y >= editor.region.bottom
        await pilot.press("f2", "f5")
        await pilot.pause()
        assert not editor.display or editor.region.height == 0
        assert side.region.height >= 20
        hints = screen.query_one("#hints", Static)
        assert "Hint 1" in str(hints.render())
        assert screen.query_one("#goal-pane").region.overlaps(hints.region)  # in view
        assert isinstance(app.focused, OptionList)  # the findings
        await pilot.press("f5")
        await pilot.pause()
        assert editor.region.height > 5 and isinstance(app.focused, TextArea)


async def test_enter_on_a_finding_leaves_the_panel_for_its_line(tmp_path: Path,
                                                               make_app: Any) -> None:
    """In the whole-screen panel, Enter on a finding goes back to the editor at its line."""
    app = make_app(root_dockerfile(tmp_path))
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert screen.has_class("-panel")
        await pilot.press("enter")
        await pilot.pause()
        assert not screen.has_class("-panel")
        assert isinstance(app.focused, TextArea) and app.focused.cursor_location[0] == 0


async def test_wide_workbench_keeps_panes_side_by_side_without_f5(tmp_path: Path,
                                                                  make_app: Any) -> None:
    """At 120 columns nothing stacks and the Panel key is not offered."""
    app = make_app(root_dockerfile(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(pilot)
        assert screen.has_class("-wide") and not screen.has_class("-narrow")
        editor, side = screen.query_one("#editor-pane"), screen.query_one("#side-pane")
        assert side.region.x >= editor.region.right and side.region.y == editor.region.y
        assert "Panel" not in [d for _, _, d, _ in screen.query_one(KeyBar).shown_keys()]
        await pilot.press("f5")
        assert not screen.has_class("-panel")


async def test_resizing_to_narrow_stacks_the_panes(tmp_path: Path, make_app: Any) -> None:
    """Shrinking the terminal below 100 columns switches the layout, and back."""
    app = make_app(root_dockerfile(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.has_class("-narrow")
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert screen.has_class("-wide")


# The key bar and the title ----------------------------------------------------------------------

async def test_key_bar_fits_and_keeps_help_palette_and_quit(tmp_path: Path,
                                                            make_app: Any) -> None:
    """The workbench has more keys than 80 columns hold: the line fits, and F1, the palette
    and Quit stay, with the screen's first keys; at 160 columns every key shows."""
    app = make_app(root_dockerfile(tmp_path))
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot)
        bar = screen.query_one(KeyBar)
        line = str(bar.render())
        assert cell_len(line) <= 80
        for words in ("^s Save", "f1 Help", "^p palette", "^q Quit"):
            assert words in line, words
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        line = str(bar.render())
        for words in ("^s Save", "f3 Fix", "^l Lesson", "^r Reload", "^p palette"):
            assert words in line, words


async def test_long_titles_drop_the_app_name_rather_than_their_end(make_app: Any) -> None:
    """An exercise title fills the header at 80 columns; at 140 the app's name is back."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        app.open_exercise("caps-no-privileged")
        await settle(pilot)
        title = app.screen.query_one("HeaderTitle", Static)
        exercise = app.course.exercises["caps-no-privileged"]
        assert exercise.title in str(title.render())
        app.open_lesson("root-risks")
        await pilot.pause()
        lesson = app.course.lesson("root-risks")
        assert lesson is not None
        assert str(app.format_title("hardening-tutor", "Lesson 1: " + lesson.title * 2)) == (
            "Lesson 1: " + lesson.title * 2)
        await pilot.resize_terminal(140, 30)
        await until(pilot, lambda: lesson.title in str(
            app.screen.query_one("HeaderTitle", Static).render()))
        shown = str(app.screen.query_one("HeaderTitle", Static).render())
        assert shown.startswith("hardening-tutor") and lesson.title in shown


# Exam -------------------------------------------------------------------------------------------

def exam_session(app: TutorApp, **settings: Any) -> ExamSession:
    """A new attempt for Ada in the app's store, drawn with these exam settings."""
    from tutor.exam.session import ExamSession
    from tutor.exam.spec import spec_for

    return ExamSession.begin(app.store, app.course, spec_for(app.course, **settings), "Ada",
                             None)


async def test_exam_summary_rows_wrap_at_words(make_app: Any) -> None:
    """Each summary row's prompt wraps under itself at word boundaries, ending in "…" when cut."""
    from tutor.app.screens.exam_summary import ExamSummaryScreen

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        session = exam_session(app, per_topic=3, seed=3)
        await app.push_screen(ExamSummaryScreen(session))
        await pilot.pause()
        summary = app.screen.query_one("#summary-list", OptionList)
        words = {form for question in session.questions
                 for word in question.prompt.replace("`", "").split()
                 for form in (word, word.rstrip(",;:."))}  # a cut drops trailing commas
        words |= {"…", "○", "not", "answered", "✓", "⚑"}
        for index in range(summary.option_count):
            strips = summary._get_option_render(summary.get_option_at_index(index),
                                                summary.get_visual_style("option-list--option"))
            lines = ["".join(segment.text for segment in strip).strip() for strip in strips]
            prompt_words = " ".join(lines).split()[1:]  # after the question's number
            assert all(word in words for word in prompt_words), lines
            assert len(lines) <= 3


async def test_f5_puts_the_keyboard_back_in_the_exam_editor(make_app: Any) -> None:
    """On a fix-it exam question F5 (shown in the key bar) focuses the editor and shows it."""
    from tutor.app.screens.exam import ExamScreen

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await app.push_screen(ExamScreen(exam_session(app, questions=2, types=["fix_it"],
                                                      seed=1)))
        await pilot.pause()
        screen = app.screen
        assert "f5 Edit" in str(screen.query_one(KeyBar).render())
        body = screen.query_one("#exam-body")
        body.focus()
        body.scroll_home(animate=False)
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        editor = screen.query_one("#fix-editor", TextArea)
        assert app.focused is editor
        assert body.region.contains_region(editor.region.intersection(body.region))
        assert editor.region.intersection(body.region).height >= 3
        await pilot.press(*"x")
        assert editor.text.startswith("x")


async def test_f5_is_offered_only_on_fix_it_questions(make_app: Any) -> None:
    """A choice question's key bar has no Edit key."""
    from tutor.app.screens.exam import ExamScreen

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await app.push_screen(ExamScreen(exam_session(app, questions=1, types=["single"],
                                                      seed=1)))
        await pilot.pause()
        assert "Edit" not in str(app.screen.query_one(KeyBar).render())


# Help and notifications -------------------------------------------------------------------------

def test_help_lists_the_workbench_tab_and_enter_and_the_new_keys() -> None:
    """F1 says Tab moves between the workbench's panes, Enter on a finding goes to its line,
    and F5 edits a fix-it answer."""
    from tutor.app.screens.help import help_rows

    sections = {heading: dict(help_rows(found)) for heading, found in key_sections()}
    assert sections["Workbench"]["Tab"].startswith("Next pane")
    assert sections["Workbench"]["F5"] == "Panel"
    assert sections["Workbench findings list"]["Enter"] == "Go to line"
    assert sections["Exam"]["F5"] == "Edit" and sections["Practice quiz"]["F5"] == "Edit"
    assert sections["Everywhere"]["Tab"].startswith("Move to the next part")


async def test_notifications_do_not_cover_dialog_buttons(tmp_path: Path, data_dir: Path) -> None:
    """With a dialog open at 80×24, a notification sits clear of the dialog's buttons."""
    from tests.conftest import TODAY
    from tutor.app import Launch
    from tutor.app.screens.dialogs import ChoiceDialog

    app = TutorApp(Launch(path=root_dockerfile(tmp_path), data_dir=data_dir, learner="t",
                          today=TODAY))
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        # A long message makes the dialog tall, its buttons low on the screen.
        app.push_screen(ChoiceDialog("Unsaved changes", "You have unsaved changes. " * 40,
                                     [("save", "Save"), ("discard", "Discard"),
                                      ("cancel", "Cancel")]))
        await pilot.pause()
        app.notify("Saved Dockerfile, and a second line of text to make it taller.",
                   title="Progress")
        # Until the toast is laid out: a region of its own, where the buttons can be compared.
        await until(pilot, lambda: any(toast.region.area for toast in app.screen.query("Toast")))
        toasts = [toast.region for toast in app.screen.query("Toast")]
        buttons = [button.region for button in app.screen.query(Button)]
        assert toasts and buttons
        assert not any(toast.overlaps(button) for toast in toasts for button in buttons)


async def test_help_screen_opens_over_a_narrow_workbench(tmp_path: Path,
                                                          make_app: Any) -> None:
    """F1 from the stacked workbench opens help, Esc returns to the same layout."""
    app = make_app(root_dockerfile(tmp_path))
    async with app.run_test(size=SMALL) as pilot:
        screen = await settle(pilot)
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, WorkbenchScreen))
        assert screen.has_class("-narrow")


async def test_a_long_dialog_scrolls_with_the_arrows(make_app: Any) -> None:
    """The solved dialog's text runs past 24 rows: ↓ scrolls it (a button keeps the keyboard)
    until "Next up" shows, instead of the text running on under the buttons."""
    from tutor.app.screens.solved import SolvedDialog

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        exercise = app.course.exercises["root-add-user"]
        await app.push_screen(SolvedDialog(exercise, Path("/home/ada/exercises/root-add-user")))
        await pilot.pause()
        body = app.screen.query_one(".dialog-body")
        buttons = app.screen.query_one(".dialog-buttons")
        assert body.region.bottom <= buttons.region.y  # the text stops above the buttons
        assert body.max_scroll_y > 0
        last = list(body.query(Static))[-1]
        assert "Next up" in str(last.render()) and not last.region.overlaps(body.region)
        for _ in range(body.max_scroll_y):
            await pilot.press("down")
        await pilot.pause()
        assert isinstance(app.focused, Button)
        assert body.region.contains_region(last.region)


async def test_practice_fix_it_key_bar_shows_every_key_it_needs(make_app: Any) -> None:
    """At 80 columns a fix-it practice question's key bar has check, solution and F5."""
    from tutor.app.screens.practice import PracticeScreen

    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        question = next(q for q in app.course.questions if q.type == "fix_it")
        await app.push_screen(PracticeScreen([question], question.topic))
        await pilot.pause()
        line = str(app.screen.query_one(KeyBar).render())
        for words in ("^s Check my fix", "^g Solution", "f5 Edit", "f1 Help", "^p palette"):
            assert words in line, words
