"""Finding things: the command palette knows the course by name, and "/" searches a lesson."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.widgets.markdown import MarkdownBlock

from tests.pilots import palette_searched, until
from tutor.app.commands import CourseCommands, course_entries
from tutor.app.screens.lesson import LessonScreen
from tutor.app.screens.rule import RuleScreen
from tutor.app.screens.workbench import WorkbenchScreen
from tutor.app.widgets.code import CodeBlock
from tutor.app.widgets.lesson_search import CURRENT_STYLE, MATCH_STYLE, LessonSearch

SMALL = (80, 24)



def palette_entries(app: Any) -> list[str]:
    """The palette's list as shown: each entry's name (its first line)."""
    from textual.command import CommandList

    commands = app.screen.query_one(CommandList)
    return [str(commands.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(commands.option_count)]


async def search_palette(pilot: Pilot[Any], app: Any, text: str) -> list[str]:
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*text)
    await palette_searched(pilot)
    return palette_entries(app)


# The command palette ----------------------------------------------------------------------------

async def test_exerc_finds_every_exercise_and_opens_one(make_app: Any) -> None:
    """Typing "exerc" lists every exercise of the course; Enter opens the first in the
    workbench."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        found = await search_palette(pilot, app, "exerc")
        titles = {f"Exercise: {exercise.title}" for exercise in app.course.exercises.values()}
        assert titles <= set(found), titles - set(found)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, WorkbenchScreen))
        screen = app.screen
        assert screen.workspace.exercise is not None
        assert f"Exercise: {screen.workspace.exercise.title}" == found[0]


async def test_the_palette_finds_rules_lessons_quizzes_and_screens(make_app: Any) -> None:
    """HT101 finds its rule (Enter explains it); the other kinds are there by name."""
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        names = [entry.name for entry in course_entries(app)]
        for name in ("Course map", "Help: every key", "Workbench: open a file", "Exam",
                     "Practice quiz: every topic", "Rule HT101: final-user-root"):
            assert name in names, name
        for lesson in app.course.lessons:
            assert f"Lesson {lesson.order}: {lesson.title}" in names
        for topic in app.course.topics:
            assert f"Practice quiz: {topic.title}" in names
        found = await search_palette(pilot, app, "HT101")
        assert found[0] == "Rule HT101: final-user-root"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RuleScreen))


async def test_palette_shows_course_text_literally(make_app: Any, monkeypatch: Any) -> None:
    """A lesson title or summary with markup in it is shown as written and runs nothing."""
    app = make_app()
    quits: list[bool] = []
    monkeypatch.setattr(app, "action_quit", lambda: quits.append(True))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        lesson = dataclasses.replace(app.course.lessons[0], title="Roots [b]bold[/b]",
                                     summary="[@click=app.quit]click[/] [red]x")
        app.state._course = dataclasses.replace(app.course,
                                                lessons=(lesson, *app.course.lessons[1:]))
        await search_palette(pilot, app, "Roots")
        from textual.command import CommandList

        commands = app.screen.query_one(CommandList)
        shown = str(commands.get_option_at_index(0).prompt)
        assert "Lesson 1: Roots [b]bold[/b]" in shown
        assert "[@click=app.quit]click[/] [red]x" in shown
        assert quits == [] and app.is_running


async def test_provider_is_installed_beside_textuals_commands(make_app: Any) -> None:
    """The app's palette still has Textual's own commands (theme, quit) as well."""
    from textual.system_commands import SystemCommandsProvider

    app = make_app()
    providers = {source() if not isinstance(source, type) else source
                 for source in app.COMMANDS}
    assert CourseCommands in providers
    assert any(provider is SystemCommandsProvider for provider in providers)


def test_help_says_how_to_find_things() -> None:
    """F1 lists "/" in a lesson, the search's own keys, and what the palette finds."""
    from tutor.app.screens.help import help_rows, key_sections

    sections = {heading: dict(help_rows(found)) for heading, found in key_sections()}
    assert sections["Lesson"]["/"] == "Search"
    assert sections["Lesson search (/)"] == {"Enter": "Next match", "↓": "Next match",
                                             "↑": "Previous match", "Esc": "Close search"}
    assert "find any lesson, exercise, quiz, rule or screen" in sections["Everywhere"]["Ctrl+P"]


# Searching a lesson -----------------------------------------------------------------------------

async def open_lesson(pilot: Pilot[Any], app: Any, lesson_id: str) -> LessonScreen:
    app.open_lesson(lesson_id)
    await until(pilot, lambda: isinstance(app.screen, LessonScreen)
                and app.screen.query(CodeBlock))
    assert isinstance(app.screen, LessonScreen)
    return app.screen


def styled(widget: Any, style: str) -> list[str]:
    """The pieces of a block's text that carry ``style``."""
    content = widget.code if isinstance(widget, CodeBlock) else widget._content
    return [content.plain[span.start:span.end] for span in content.spans
            if str(span.style) == style]


async def test_slash_searches_the_lesson_and_steps_through_matches(make_app: Any) -> None:
    """"/" opens the search; each match is marked, the current one differently and in view;
    Enter and ↓ go on, ↑ goes back, the count says where you are."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lesson(pilot, app, "root-risks")
        await pilot.press("slash")
        await pilot.pause()
        search = screen.query_one(LessonSearch)
        assert search.display and isinstance(app.focused, Input)
        await pilot.press(*"nologin")
        await pilot.pause()
        count = screen.query_one("#search-count", Static)
        total = len(search.matches)
        assert total >= 2 and str(count.render()) == f"1 of {total}"
        first = search.matches[0].widget
        assert styled(first, CURRENT_STYLE) == ["nologin"]
        body = screen.query_one("#lesson-body")
        assert first.region.overlaps(body.region)  # scrolled into view
        await pilot.press("enter")
        await pilot.pause()
        assert str(count.render()) == f"2 of {total}"
        second = search.matches[1].widget
        assert "nologin" in styled(second, CURRENT_STYLE)
        assert second.region.overlaps(body.region)
        if first is not second:
            assert styled(first, MATCH_STYLE) == ["nologin"]
        await pilot.press("up")
        await pilot.pause()
        assert str(count.render()) == f"1 of {total}"
        await pilot.press("up")
        await pilot.pause()
        assert str(count.render()) == f"{total} of {total}"  # round the end


async def test_search_ignores_case_and_reports_no_match(make_app: Any) -> None:
    """Upper case finds lower case; a word not in the lesson says "no match"."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lesson(pilot, app, "root-risks")
        await pilot.press("slash", *"SUDOERS")
        await pilot.pause()
        search = screen.query_one(LessonSearch)
        assert search.matches and all(
            "sudoers" in (m.widget.code.plain if isinstance(m.widget, CodeBlock)
                          else cast(Any, m.widget)._content.plain).lower() for m in search.matches)
        await pilot.press(*"zzq")
        await pilot.pause()
        assert str(screen.query_one("#search-count", Static).render()) == "no match"


async def test_escape_closes_the_search_and_clears_the_marks(make_app: Any) -> None:
    """Esc hides the bar, unmarks the text and gives the keyboard back to the lesson;
    the lesson's own Esc (back) works again after that."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lesson(pilot, app, "root-risks")
        await pilot.press("slash", *"root")
        await pilot.pause()
        search = screen.query_one(LessonSearch)
        marked = {match.widget for match in search.matches}
        assert marked
        await pilot.press("escape")
        await pilot.pause()
        assert not search.display and app.screen is screen
        assert app.focused is screen.query_one("#lesson-body")
        for widget in marked:
            assert not styled(widget, MATCH_STYLE) and not styled(widget, CURRENT_STYLE)
        assert all(not styled(block, MATCH_STYLE) for block in screen.query(MarkdownBlock))
        await pilot.press("slash")
        await pilot.pause()
        assert search.input.value == "root" and search.matches  # the last search, again
        await pilot.press("escape", "escape")
        await until(pilot, lambda: not isinstance(app.screen, LessonScreen))


async def test_search_text_is_never_markup(make_app: Any, monkeypatch: Any) -> None:
    """Searching for brackets finds them literally and marks them without running anything."""
    app = make_app()
    quits: list[bool] = []
    monkeypatch.setattr(app, "action_quit", lambda: quits.append(True))
    body = "# Injected\n\nSee [@click=app.quit]x[/] here.\n\n```\nRUN echo [/etc]\n```\n"
    lesson = dataclasses.replace(app.course.lessons[0], body=body, exercises=())
    async with app.run_test(size=SMALL) as pilot:
        app.push_screen(LessonScreen(lesson))
        await until(pilot, lambda: app.screen.query(CodeBlock))
        await pilot.press("slash", *"[/")
        await pilot.pause()
        search = app.screen.query_one(LessonSearch)
        assert len(search.matches) == 2
        assert "[@click=app.quit]x[/]" in "".join(
            block._content.plain for block in app.screen.query(MarkdownBlock))
        assert quits == [] and app.is_running


async def test_search_finds_text_in_a_table(make_app: Any) -> None:
    """The capabilities lesson's table of capabilities is searched and marked too."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_lesson(pilot, app, "capabilities")
        await until(pilot, lambda: screen.query("MarkdownTableCellContents"))
        await pilot.press("slash", *"owner of any file")
        await pilot.pause()
        search = screen.query_one(LessonSearch)
        assert len(search.matches) == 1
        cell: Any = search.matches[0].widget
        assert type(cell).__name__ == "MarkdownTableCellContents"
        assert [cell.content.plain[span.start:span.end] for span in cell.content.spans
                if str(span.style) == CURRENT_STYLE] == ["owner of any file"]
        await pilot.press("escape")
        await pilot.pause()
        assert not any(str(span.style) == CURRENT_STYLE for span in cell.content.spans)
