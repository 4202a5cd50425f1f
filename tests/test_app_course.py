"""The course map, lesson, help and rule screens, driven the way a learner would."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Markdown, OptionList, Static

from tutor.app.app import TutorApp
from tutor.app.screens.help import SECTIONS, HelpScreen, bindings_of, help_rows
from tutor.app.screens.home import HomeScreen
from tutor.app.screens.lesson import LessonScreen
from tutor.app.screens.rule import RuleScreen
from tutor.app.widgets.lesson_parts import LessonToc, RuleList, TryItButton

FIXTURE = Path(__file__).parent / "fixtures" / "course"


async def settle(pilot: Pilot[Any], done: Callable[[], bool]) -> None:
    """Let the app process messages until ``done()`` holds (the lesson parse is async)."""
    for _ in range(200):
        if done():
            return
        await pilot.pause()
    raise AssertionError("the screen never reached the expected state")


def shown(screen: Screen[Any]) -> str:
    """The text of every list entry, button and text widget on a screen."""
    texts: list[str] = []
    for widget in screen.query("*"):
        if isinstance(widget, OptionList):
            texts += [str(widget.get_option_at_index(i).prompt)
                      for i in range(widget.option_count)]
        elif isinstance(widget, Button):
            texts.append(str(widget.label))
        elif isinstance(widget, Static):
            texts.append(str(widget.content))
    return "\n".join(texts)


def link_cell(screen: Screen[Any], href: str) -> tuple[int, int]:
    """Where on screen the link to ``href`` is drawn, so a test can click it."""
    width, height = screen.size
    for y in range(height):
        for x in range(width):
            if screen.get_style_at(x, y).meta.get("@click") == f"link({href!r})":
                return x, y
    raise AssertionError(f"no link to {href} is visible")


def lesson_ready(app: TutorApp, lesson_id: str | None = None) -> bool:
    """Whether a lesson screen is up with its body parsed (its contents list filled)."""
    screen = app.screen
    return (isinstance(screen, LessonScreen)
            and (lesson_id is None or screen.lesson.id == lesson_id)
            and any(toc.option_count for toc in screen.query(LessonToc)))


async def open_lesson(pilot: Pilot[Any], app: TutorApp, lesson_id: str) -> LessonScreen:
    """Open a lesson and wait until its body and contents are shown."""
    app.open_lesson(lesson_id)
    await settle(pilot, lambda: lesson_ready(app, lesson_id))
    assert isinstance(app.screen, LessonScreen)
    return app.screen


async def test_home_lists_every_lesson_not_started(make_app: Any) -> None:
    """A new learner sees every lesson, in order, marked "not started"."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen)
                     and app.screen.query_one("#course-map", OptionList).option_count > 0)
        text = shown(app.screen)
        positions = [text.index(f"{lesson.order}. {lesson.title}") for lesson in app.course.lessons]
        assert positions == sorted(positions)
        assert text.count("○ not started") == len(app.course.lessons)
        assert "Continue" not in text


async def test_states_change_on_return(make_app: Any) -> None:
    """Reading a lesson and solving an exercise show on the map as soon as it is back."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        lesson = app.course.lessons[0]
        await settle(pilot, lambda: isinstance(app.screen, LessonScreen))
        app.store.mark_lesson_read(lesson.id)
        app.store.record_solution(lesson.exercises[0], {"Dockerfile": "FROM x"}, 0)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause()
        entry = shown(app.screen).split(f"{lesson.order}. {lesson.title}")[1]
        total = len(lesson.exercises)
        assert entry.lstrip().startswith(f"◐ read · exercises 1 of {total} solved")
        assert "▶ Continue: lesson 1" in shown(app.screen)


@pytest.mark.parametrize(("place", "method", "argument"), [
    ({"screen": "exercise", "exercise": "root-drop-sudo"}, "open_exercise", "root-drop-sudo"),
    ({"screen": "practice", "topic": "secrets"}, "start_practice", "secrets"),
    ({"screen": "practice", "topic": ""}, "start_practice", None),
])
async def test_continue_resumes_the_stored_place(make_app: Any, monkeypatch: Any,
                                                 place: dict[str, str], method: str,
                                                 argument: str | None) -> None:
    """With a saved place, Enter on the map reopens exactly that exercise or quiz."""
    app = make_app()
    app.store.set_place(place)
    calls: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, method, calls.append)
        await pilot.pause()
        assert "▶ Continue" in shown(app.screen)
        await pilot.press("enter")
        assert calls == [argument]


async def test_continue_reopens_a_lesson(make_app: Any) -> None:
    """A saved lesson place is the highlighted entry, and Enter opens that lesson."""
    app = make_app()
    app.store.set_place({"screen": "lesson", "lesson": "secrets"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, LessonScreen))
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.id == "secrets"


async def test_lesson_shows_title_and_contents(make_app: Any) -> None:
    """A lesson shows its title and a contents list built from its headings."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(pilot, app, "root-risks")
        assert "Why root in a container is dangerous" in str(screen.sub_title)
        toc = shown(screen)
        assert "Find out who you are" in toc and "Check yourself" in toc
        # At 80 columns the contents start hidden; "c" shows them.
        assert not screen.query_one("#lesson-contents").display
        await pilot.press("c")
        assert screen.query_one("#lesson-contents").display
        assert app.store.place() == {"screen": "lesson", "lesson": "root-risks"}


async def test_next_and_previous_move_between_lessons(make_app: Any) -> None:
    """n moves to the next lesson (counting this one read), p moves back."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(pilot, app, "root-risks")
        await pilot.press("n")
        await settle(pilot, lambda: lesson_ready(app, "non-root-user"))
        assert "root-risks" in app.store.lessons_read()
        await pilot.press("p")
        await settle(pilot, lambda: lesson_ready(app, "root-risks"))
        # Escape returns to the map, not through every lesson visited.
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_reaching_the_end_marks_the_lesson_read(make_app: Any) -> None:
    """Scrolling to the bottom of a lesson marks it read; the top of it does not."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(pilot, app, "root-risks")
        await pilot.pause()
        assert app.store.lessons_read() == set()
        await pilot.press("end")
        await settle(pilot, lambda: "root-risks" in app.store.lessons_read())


async def test_rule_link_opens_the_rule(make_app: Any) -> None:
    """Clicking a rule link in a lesson opens that rule's explanation."""
    app = make_app(content=FIXTURE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(pilot, app, "users")
        await pilot.click(offset=link_cell(screen, "rule:HT101"))
        await settle(pilot, lambda: isinstance(app.screen, RuleScreen)
                     and "HT101" in shown(app.screen))


async def test_rules_list_opens_a_rule_from_the_keyboard(make_app: Any) -> None:
    """The lesson's rules list shows each rule's severity in words and Enter explains it."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(pilot, app, "root-risks")
        rules = screen.query_one(RuleList)
        assert "HT101  ✖ error    final-user-root" in shown(screen)
        rules.focus()
        rules.highlighted = 1
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, RuleScreen)
                     and "HT106" in shown(app.screen))


async def test_web_link_goes_to_the_browser(make_app: Any, monkeypatch: Any) -> None:
    """Clicking a web link asks the browser to open it and the lesson stays up (#6039)."""
    app = make_app(content=FIXTURE)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(pilot, app, "users")
        await pilot.click(offset=link_cell(screen, "https://docs.docker.com/"))
        await pilot.pause()
        assert opened == ["https://docs.docker.com/"]
        assert app.screen is screen


async def test_exercise_link_and_try_it_open_the_exercise(make_app: Any,
                                                          monkeypatch: Any) -> None:
    """Both the exercise link in the text and the try-it button open the exercise."""
    app = make_app(content=FIXTURE)
    opened: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "open_exercise", opened.append)
        screen = await open_lesson(pilot, app, "users")
        await pilot.click(offset=link_cell(screen, "exercise:tiny-user"))
        button = screen.query_one(TryItButton)
        assert "Add a user" in str(button.label) and "◔ easy" in str(button.label)
        await pilot.press("x")
        assert screen.focused is button
        await pilot.press("enter")
        assert opened == ["tiny-user", "tiny-user"]


async def test_try_it_shows_solved_on_return(make_app: Any) -> None:
    """An exercise solved while away from the lesson shows "✔ solved" when it is back."""
    app = make_app(content=FIXTURE)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_lesson(pilot, app, "users")
        assert "solved" not in str(screen.query_one(TryItButton).label)
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        app.store.record_solution("tiny-user", {"Dockerfile": "FROM x"}, 0)
        await pilot.press("escape")
        await settle(pilot, lambda: "✔ solved" in str(screen.query_one(TryItButton).label))


async def test_lesson_text_is_never_markup(make_app: Any, monkeypatch: Any) -> None:
    """Brackets in a lesson show literally; an injected click action does nothing."""
    app = make_app()
    quits: list[bool] = []
    monkeypatch.setattr(app, "action_quit", lambda: quits.append(True))
    body = "# Injected\n\n[@click=app.quit]x[/]\n\nRUN echo [/etc]\n"
    lesson = dataclasses.replace(app.course.lessons[0], body=body, exercises=())
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(LessonScreen(lesson))
        await settle(pilot, lambda: lesson_ready(app))
        text = shown(app.screen)
        assert "[@click=app.quit]x[/]" in text and "RUN echo [/etc]" in text
        markdown = app.screen.query_one(Markdown)
        paragraph = next(block for block in markdown.children
                         if "[@click" in str(getattr(block, "content", "")))
        for x in range(len("[@click=app.quit]x[/]")):
            await pilot.click(paragraph, offset=(x, 0))
        assert quits == [] and app.is_running


async def test_f1_shows_every_key(make_app: Any) -> None:
    """F1 lists the global keys and each screen's keys, and says where progress is kept."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen)
                     and bool(shown(app.screen)))
        text = shown(app.screen)
        for words in ("Everywhere", "F1", "Ctrl+Q", "Quit", "Course map", "Lesson",
                      "Next", "Links", "Ctrl+Z", "Undo", "Mark", "Ctrl+P", "NO_COLOR",
                      str(app.store.path)):
            assert words in text, words
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))


def test_help_covers_every_screen_and_the_editor() -> None:
    """Every section has keys; the editor's lists undo and redo, not the dozens of moves."""
    for heading, module, classes in SECTIONS:
        assert bindings_of(module, classes), heading
    editor = help_rows(bindings_of("tutor.app.widgets.editor", ("CodeEditor",)))
    described = dict(editor)
    assert described["Ctrl+Z"] == "Undo" and described["Ctrl+Y"] == "Redo"
    assert "↑" not in described and len(editor) < 15


async def test_rule_screen_shows_the_rule_and_its_lesson(make_app: Any) -> None:
    """The rule explanation shows severity in words, why, the fix and both examples."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.open_rule("HT101")
        await settle(pilot, lambda: isinstance(app.screen, RuleScreen)
                     and bool(shown(app.screen)))
        text = shown(app.screen)
        for words in ("HT101", "final-user-root", "✖ error", "Why it matters",
                      "Fix", "USER 10001", "Failing example", "Passing example",
                      'CMD ["python", "app.py"]', "Open lesson: Why root in a container"):
            assert words in text, words
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LessonScreen))
        assert isinstance(app.screen, LessonScreen)
        assert app.screen.lesson.id == "root-risks"


async def test_broken_course_pack_shows_its_errors(make_app: Any, tmp_path: Path) -> None:
    """A broken pack's problems are listed literally on the map instead of crashing."""
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE, pack)
    lesson = pack / "lessons" / "01-users.md"
    lesson.write_text(lesson.read_text().replace("exercises: [tiny-user]",
                                                 'exercises: [tiny-user, "[/etc]"]'))
    app = make_app(content=pack)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.course.errors
        text = shown(app.screen)
        for error in app.course.errors:
            assert str(error) in text
        assert "[/etc]" in text and "01-users.md:10" in text


async def test_practice_keys_start_quizzes(make_app: Any, monkeypatch: Any) -> None:
    """p starts a quiz on every topic; t one on the highlighted lesson's topic."""
    app = make_app()
    topics: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "start_practice", topics.append)
        await pilot.pause()
        await pilot.press("p", "t")
        assert topics == [None, "root-risks"]


async def test_open_file_key_asks_for_a_file(make_app: Any) -> None:
    """o on the course map asks which file or folder to open."""
    from tutor.app.screens.dialogs import OpenFileDialog

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await settle(pilot, lambda: isinstance(app.screen, OpenFileDialog))


async def test_unreadable_progress_file_is_reported(make_app: Any, data_dir: Path) -> None:
    """When the progress file was corrupt and moved aside, the map says so."""
    (data_dir / "progress.db").write_bytes(b"this is not a database" * 100)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.store.notice
        assert app.store.notice in shown(app.screen)


async def test_a_store_that_cannot_be_opened_is_replaced_for_the_session(
        make_app: Any, data_dir: Path) -> None:
    """A progress file from a newer version is left alone; the app runs on a temporary one."""
    import sqlite3

    from tutor.progress.store import FILE_NAME, ProgressStore

    ProgressStore.open(data_dir, learner="ada").close()
    db = sqlite3.connect(data_dir / FILE_NAME)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    db.commit()
    db.close()
    before = (data_dir / FILE_NAME).read_bytes()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, HomeScreen)
        notice = app.store.notice or ""
        assert "for this session only" in notice and "newer hardening-tutor" in notice
        assert app.store.path.parent != data_dir
        assert notice in shown(app.screen)
        app.store.mark_lesson_read("root-risks")  # still records, in the temporary store
    assert (data_dir / FILE_NAME).read_bytes() == before


async def test_a_locked_store_is_left_alone_and_the_app_runs_on(
        make_app: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program's lock: the app says so, runs on a session store, moves nothing."""
    import sqlite3

    from tutor.progress.store import FILE_NAME, ProgressStore

    ProgressStore.open(data_dir, learner="tester").close()
    opener = ProgressStore.open.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(ProgressStore, "open", classmethod(
        lambda cls, *args, **kwargs: opener(cls, *args, **{**kwargs, "busy_timeout": 0.05})))
    other = sqlite3.connect(data_dir / FILE_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, HomeScreen)
            notice = app.store.notice or ""
            assert "for this session only" in notice and "locked by another program" in notice
            assert notice in shown(app.screen)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert sorted(p.name for p in data_dir.iterdir()) == [FILE_NAME]


def test_lesson_links_in_reading_order_once_each() -> None:
    """Links come in order with their text; repeats and links inside code are left out."""
    from tutor.app.widgets.lesson_parts import lesson_links

    body = ("See [`USER`](https://docs.docker.com/reference/dockerfile/#user) and "
            "[HT101](rule:HT101).\n\n```\n[not a link](rule:HT999)\n```\n\n"
            "Again: [HT101](rule:HT101), then [the next lesson](lesson:secrets).\n")
    assert lesson_links(body) == (
        ("USER", "https://docs.docker.com/reference/dockerfile/#user"),
        ("HT101", "rule:HT101"),
        ("the next lesson", "lesson:secrets"),
    )


async def test_links_can_be_followed_from_the_keyboard(make_app: Any) -> None:
    """l lists the lesson's links; Enter on one goes where a click would."""
    from tutor.app.screens.dialogs import PickDialog

    app = make_app(content=FIXTURE)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(pilot, app, "users")
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, PickDialog))
        hrefs = [href for _, href in app.screen.entries]
        assert "rule:HT101" in hrefs and "https://docs.docker.com/" in hrefs
        for _ in range(hrefs.index("rule:HT101")):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, RuleScreen)
                     and "HT101" in shown(app.screen))
