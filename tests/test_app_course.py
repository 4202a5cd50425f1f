"""The course map, lesson, help and rule screens, driven the way a learner would."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Markdown, OptionList, Static

from tests.conftest import REPO, TODAY
from tutor.app import Launch
from tutor.app.app import TutorApp
from tutor.app.screens.help import SECTIONS, HelpScreen, bindings_of, help_rows
from tutor.app.screens.home import HomeScreen
from tutor.app.screens.lesson import LessonScreen
from tutor.app.screens.rule import RuleScreen
from tutor.app.widgets.lesson_parts import LessonToc, RuleList, TryItButton
from tutor.progress.rounds import ServedQuestion

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
        solved = app.course.exercises[lesson.exercises[0]]
        assert entry.lstrip().startswith(f"◐ read\n   ✔ Exercise: {solved.title} · solved")
        following = app.course.exercises[lesson.exercises[1]]
        assert f"▶ Continue: Exercise · {following.title} (lesson 1)" in shown(app.screen)


@pytest.mark.parametrize(("place", "method", "argument"), [
    ({"screen": "exercise", "exercise": "root-drop-sudo"}, "open_exercise", "root-drop-sudo"),
    ({"screen": "practice", "topic": "secrets"}, "start_practice", "secrets"),
    ({"screen": "practice", "topic": ""}, "start_practice", None),
])
async def test_continue_resumes_the_stored_place(make_app: Any, monkeypatch: Any,
                                                 place: dict[str, str], method: str,
                                                 argument: str | None) -> None:
    """With a saved place not done yet, Enter on the map reopens that exercise or quiz."""
    app = make_app()
    app.store.set_place(place)
    topic = place.get("topic", "x")
    left = app.store.rounds.start(topic, [ServedQuestion("q1"), ServedQuestion("q2")])
    app.store.rounds.answer(left.id, "q1", topic, True, True, ["q2"])  # a quiz left part-way
    calls: list[str | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, method, calls.append)
        await pilot.pause()
        assert "▶ Continue" in shown(app.screen)
        await pilot.press("enter")
        assert calls == [argument]


async def test_a_finished_quiz_on_every_topic_is_not_continued(make_app: Any) -> None:
    """Left after a quiz on every topic had ended, Continue names the first lesson instead."""
    app = make_app()
    app.store.set_place({"screen": "practice", "topic": ""})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "▶ Continue: Lesson 1 · " + app.course.lessons[0].title in shown(app.screen)


async def test_the_map_shows_progress_and_each_lessons_exercises(make_app: Any,
                                                                 monkeypatch: Any) -> None:
    """The map counts the course done, lists exercises by state, and opens one on Enter."""
    app = make_app()
    lesson = app.course.lessons[0]
    first, second = (app.course.exercises[e] for e in lesson.exercises[:2])
    app.store.mark_lesson_read(lesson.id)
    app.store.record_solution(first.id, {"Dockerfile": "FROM x"}, 0)
    (app.exercises_dir / second.id).mkdir(parents=True)  # opened once: its files were copied
    opened: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "open_exercise", opened.append)
        await pilot.pause()
        text = shown(app.screen)
        lessons, exercises = len(app.course.lessons), len(app.course.exercises)
        assert (f"1 of {lessons} lessons read · 1 of {exercises} exercises solved\n0 of "
                f"{len(app.course.topics)} topic quizzes done") in text
        assert f"   ✔ Exercise: {first.title} · solved" in text
        assert f"   ◐ Exercise: {second.title} · started" in text
        third = app.course.exercises[app.course.lessons[1].exercises[0]]
        assert f"   ○ Exercise: {third.title} · not started" in text
        # Exercises sit under their lesson, in the lesson's order.
        assert (text.index(f"1. {lesson.title}") < text.index(f"Exercise: {first.title}")
                < text.index(f"Exercise: {second.title}")
                < text.index(f"2. {app.course.lessons[1].title}"))
        course_map = app.screen.query_one("#course-map", OptionList)
        course_map.highlighted = course_map.get_option_index(f"exercise:{second.id}")
        await pilot.press("enter")
        assert opened == [second.id]


async def test_a_finished_course_says_so_and_hides_continue(make_app: Any) -> None:
    """Everything read, solved and answered: the map says the course is complete."""
    app = make_app(content=FIXTURE)
    store = app.store
    store.mark_lesson_read("users")
    store.record_solution("tiny-user", {"Dockerfile": "FROM x"}, 0)
    for question in app.course.questions:
        store.record_practice_answer(question.id, question.topic, True, True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "✔ Course complete" in shown(app.screen)
        assert app.screen.check_action("continue", ()) is False  # no c in the key bar


async def test_a_pack_keeps_its_own_progress(make_app: Any, tmp_path: Path) -> None:
    """A copy of the course run with --content in the same data folder starts from nothing."""
    shipped = make_app()
    shipped.store.mark_lesson_read("root-risks")
    shipped.store.record_practice_answer("root-default-user-risk", "root-risks", [0], True)
    shipped.store.close()
    copy = tmp_path / "pack"
    shutil.copytree(REPO / "lessons", copy / "lessons")
    shutil.copytree(REPO / "quizzes", copy / "quizzes")
    pack = make_app(content=copy)
    async with pack.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = shown(pack.screen)
        assert f"0 of {len(pack.course.lessons)} lessons read" in text
        assert "1 of 1 right" not in text and "▶ Start: Lesson 1" in text
        assert pack.exercises_dir != shipped.exercises_dir
        pack.store.mark_lesson_read("non-root-user")
    again = make_app()
    assert again.store.lessons_read() == {"root-risks"}


async def test_progress_from_before_courses_shows_in_the_shipped_course(
        make_app: Any, data_dir: Path) -> None:
    """A store main's code wrote is upgraded on start, and its lessons and answers show."""
    with sqlite3.connect(data_dir / "progress.db") as db:
        db.executescript((Path(__file__).parent / "fixtures" / "progress-format-1.sql")
                         .read_text(encoding="utf-8"))
    app = TutorApp(Launch(data_dir=data_dir, learner="ada", today=TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = shown(app.screen)
        assert f"1 of {len(app.course.lessons)} lessons read · 1 of" in text
        assert "1 of 1 right" in text  # the secrets question, answered right the last time
        root_add_user = app.course.exercises["root-add-user"]
        assert f"▶ Continue: Exercise · {root_add_user.title}" not in text  # it is solved
        assert app.store.lessons_read() == {"root-risks"}


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
    """n moves to the next lesson (saying this one is not read yet), p moves back."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_lesson(pilot, app, "root-risks")
        await pilot.press("n")
        await settle(pilot, lambda: lesson_ready(app, "non-root-user"))
        assert "root-risks" not in app.store.lessons_read()
        assert any("Lesson 1 is not marked read yet: " in str(n.message)
                   for n in app._notifications)
        await pilot.press("p")
        await settle(pilot, lambda: lesson_ready(app, "root-risks"))
        # Escape returns to the map, not through every lesson visited.
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))


async def wait_for_timer_free_lesson(pilot: Pilot[Any], app: TutorApp,
                                     lesson_id: str) -> LessonScreen:
    """Open a lesson and wait until what first shows has been looked at once."""
    screen = await open_lesson(pilot, app, lesson_id)
    await settle(pilot, lambda: bool(app.readings.get(lesson_id)
                                     and app.readings[lesson_id].seen))
    return screen


def spend(screen: LessonScreen, clock: list[float], seconds: int) -> None:
    """Let ``seconds`` pass in front of the lesson, one look a second (on a fake clock)."""
    for _ in range(seconds):
        clock[0] += 1.0
        screen.sample(clock[0])


@pytest.fixture
def no_timer(monkeypatch: Any) -> None:
    """The lesson screen's own once-a-second look never fires: the test sets the clock."""
    monkeypatch.setattr("tutor.app.screens.lesson.SAMPLE_SECONDS", 3600.0)


async def test_jumping_to_the_end_does_not_mark_the_lesson_read(make_app: Any,
                                                                no_timer: None) -> None:
    """x (or End) at once shows the end, and the lesson stays unread however long it stays."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_timer_free_lesson(pilot, app, "root-risks")
        clock = [1000.0]
        await pilot.press("x")
        await pilot.pause()
        spend(screen, clock, 3)
        await pilot.press("end")
        await pilot.pause()
        spend(screen, clock, 20 * 60)
        assert app.store.lessons_read() == set()
        assert not any("marked as read" in str(n.message) for n in app._notifications)


async def test_reading_through_in_time_marks_the_lesson_read(make_app: Any,
                                                             no_timer: None) -> None:
    """Every part on screen and a quarter of its minutes spent: read, and the map moves on."""
    app = make_app()
    lesson = app.course.lesson("root-risks")
    assert lesson is not None
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # the map's first entry: Start: Lesson 1
        await settle(pilot, lambda: lesson_ready(app, "root-risks"))
        screen = cast(LessonScreen, app.screen)
        await settle(pilot, lambda: bool(app.readings.get("root-risks")))
        body = screen.query_one("#lesson-body")
        clock = [1000.0]
        pages = 0
        while body.scroll_y < body.max_scroll_y:
            await pilot.press("pagedown")
            await pilot.pause()
            spend(screen, clock, 2)
            pages += 1
        assert pages > 3 and app.readings["root-risks"].all_seen
        assert app.store.lessons_read() == set()  # seen, but paged through in seconds
        spend(screen, clock, lesson.minutes * 60 // 4)
        assert app.store.lessons_read() == {"root-risks"}
        await pilot.pause()
        assert any(str(n.message) == "Lesson 1 marked as read." for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, HomeScreen))
        first = app.course.exercises[lesson.exercises[0]]
        text = shown(app.screen)
        assert f"▶ Continue: Exercise · {first.title} (lesson 1)" in text
        assert f"1 of {len(app.course.lessons)} lessons read" in text


async def test_time_alone_does_not_mark_the_lesson_read(make_app: Any, no_timer: None) -> None:
    """Left open at its top for as long as it takes to read, a lesson is still unread."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_timer_free_lesson(pilot, app, "root-risks")
        spend(screen, [1000.0], 60 * 60)
        assert app.store.lessons_read() == set()


async def test_time_counts_only_while_the_lesson_is_in_front(make_app: Any,
                                                             no_timer: None) -> None:
    """With another screen over it (help, here), the lesson's clock stops."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_timer_free_lesson(pilot, app, "root-risks")
        clock = [1000.0]
        spend(screen, clock, 10)
        before = app.readings["root-risks"].seconds
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        spend(screen, clock, 600)
        assert app.readings["root-risks"].seconds == before
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        spend(screen, clock, 5)
        assert app.readings["root-risks"].seconds == before + 4  # the first look restarts it


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
    from tests.test_progress import store_from_a_newer_version
    from tutor.progress.store import FILE_NAME

    before = store_from_a_newer_version(data_dir)
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
