"""The practice quiz screen, driven through Pilot as a learner would use it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Button, Markdown, Static, TextArea
from textual.widgets.markdown import MarkdownBlock

from tests.conftest import TODAY
from tutor.app.app import TutorApp
from tutor.app.screens.practice import PracticeScreen, practice_order
from tutor.app.widgets.choices import ChoiceRow
from tutor.app.widgets.fixit import DEBOUNCE_SECONDS, FixItPanel, judge
from tutor.content.model import Option, Question
from tutor.progress.rounds import ServedQuestion

FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "course"
SIZE = (80, 24)


def text_of(widget: Widget) -> str:
    """What a widget shows, as plain text (Markdown blocks and buttons included)."""
    if isinstance(widget, Markdown):
        return "\n".join(text_of(block) for block in widget.query(MarkdownBlock))
    if isinstance(widget, (Static, Button)):
        return str(widget.render())
    return "\n".join(text_of(child) for child in widget.query("Static, Button, Markdown")
                     if child.parent is not None)


def shown(app: TutorApp, selector: str) -> str:
    """The text of the one widget the selector names on the current screen."""
    return text_of(app.screen.query_one(selector))


def row_text(app: TutorApp, index: int) -> str:
    """The marker, text, verdict and explanation of one option or line, as shown."""
    row = list(app.screen.query(ChoiceRow))[index]
    parts = [str(row.query_one(".choice-marker", Static).render())]
    parts += [str(w.render()) for w in row.query(".choice-body Static").results(Static)
              if w.display]
    return " | ".join(parts)


def answers(app: TutorApp) -> list[tuple[str, Any, bool]]:
    """Every practice answer in the progress store, oldest first."""
    with sqlite3.connect(app.store.path) as db:
        rows = db.execute("SELECT question, answer, correct FROM practice_answers ORDER BY id")
        return [(question, json.loads(answer), bool(correct)) for question, answer, correct
                in rows]


def question(app: TutorApp, question_id: str) -> Question:
    """One question of the loaded course."""
    return next(q for q in app.course.questions if q.id == question_id)


async def practise(app: TutorApp, pilot: Any, *question_ids: str) -> PracticeScreen:
    """Open the practice screen on these fixture questions and wait until it shows one.

    Options are shown as written, so a test can press the number of a known option.
    """
    screen = PracticeScreen([question(app, qid) for qid in question_ids], "users",
                            shuffle_options=False)
    await app.push_screen(screen)
    await pilot.pause()
    return screen


@pytest.fixture
def fixture_app(make_app):  # type: ignore[no-untyped-def]
    """The app on the tiny fixture course: one question of each type."""
    return make_app(content=FIXTURE_COURSE)


async def test_start_practice_shows_first_question(fixture_app: TutorApp) -> None:
    """Starting a topic shows question 1 of all its questions, with topic and difficulty."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        fixture_app.start_practice("users")
        await pilot.pause()
        assert isinstance(fixture_app.screen, PracticeScreen)
        assert shown(fixture_app, "#progress").startswith("Question 1 of 5 · Users · ")
        assert fixture_app.store.place() == {"screen": "practice", "topic": "users"}


async def test_single_choice_right(fixture_app: TutorApp) -> None:
    """A right single choice says so with an icon and a word, and shows the explanation."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-default")
        assert fixture_app.screen.active_bindings["enter"].binding.description == "Submit"
        await pilot.press("2", "enter")
        await pilot.pause()
        assert shown(fixture_app, "#verdict") == "✓ Right!"
        assert "✓ correct, your choice" in row_text(fixture_app, 1)
        assert "✗ wrong" in row_text(fixture_app, 0)
        assert "usually root" in shown(fixture_app, "#explanation")
        assert fixture_app.screen.active_bindings["enter"].binding.description == "Next"
        assert answers(fixture_app) == [("users-default", [1], True)]


async def test_single_choice_wrong(fixture_app: TutorApp) -> None:
    """A wrong choice is marked as such, with its why, and the right one is pointed out."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-default")
        await pilot.press("1", "enter")
        await pilot.pause()
        assert shown(fixture_app, "#verdict").startswith("✗ Not quite")
        wrong = row_text(fixture_app, 0)
        assert "✗ wrong, your choice" in wrong
        assert "Docker does not pick an unprivileged user" in wrong
        assert "✓ correct answer" in row_text(fixture_app, 1)
        assert "usually root" in shown(fixture_app, "#explanation")
        assert answers(fixture_app) == [("users-default", [0], False)]


async def test_shuffled_options_are_judged_and_kept_by_their_own_index(
        fixture_app: TutorApp) -> None:
    """Shown in another order, the right option is still right and stored as option 1."""
    import random

    from tutor.app.widgets.question import QuestionView

    rng = random.Random(3)
    async with fixture_app.run_test(size=SIZE) as pilot:
        target = question(fixture_app, "users-default")
        order = QuestionView(target, number=1, total=1, topic_title="", lesson_title="",
                             today=TODAY, order=None).order
        screen = PracticeScreen([target], "users", rng=rng)
        await fixture_app.push_screen(screen)
        await pilot.pause()
        shown_order = screen.view.order
        assert sorted(shown_order) == order and len(shown_order) > 1
        # Shown in a different order for some seed; seed 3 moves the right option.
        right_row = shown_order.index(1)
        assert right_row != 1
        assert target.options[1].text in row_text(fixture_app, right_row)
        await pilot.press(str(right_row + 1), "enter")
        await pilot.pause()
        assert shown(fixture_app, "#verdict") == "✓ Right!"
        assert "✓ correct, your choice" in row_text(fixture_app, right_row)
        # Each option's explanation moved with it.
        assert "Docker does not pick an unprivileged user" in row_text(
            fixture_app, shown_order.index(0))
        assert answers(fixture_app) == [("users-default", [1], True)]


async def test_nothing_chosen_is_not_submitted(fixture_app: TutorApp) -> None:
    """Enter with no choice records nothing and leaves the question open."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-default")
        await pilot.press("enter")
        await pilot.pause()
        assert not fixture_app.screen.query("#verdict")
        assert answers(fixture_app) == []


async def test_multiple_choice_toggles(fixture_app: TutorApp) -> None:
    """Digits toggle options on and off; the ticked set is what gets judged."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-facts")
        await pilot.press("1", "3", "2", "3")
        assert row_text(fixture_app, 0).startswith("  [x]")
        assert row_text(fixture_app, 1).startswith("  [x]")
        assert "[ ]" in row_text(fixture_app, 2)
        await pilot.press("enter")
        await pilot.pause()
        assert shown(fixture_app, "#verdict") == "✓ Right!"
        assert "✗ wrong | EXPOSE documents ports." in row_text(fixture_app, 2)
        assert answers(fixture_app) == [("users-facts", [0, 1], True)]


async def test_true_false_with_letters(fixture_app: TutorApp) -> None:
    """t and f choose True and False, the last one pressed counts."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-tf")
        assert "t" in fixture_app.screen.active_bindings
        await pilot.press("t")
        assert row_text(fixture_app, 0).startswith("› (•) | 1. True")
        await pilot.press("f", "enter")
        await pilot.pause()
        assert shown(fixture_app, "#verdict") == "✓ Right!"
        assert "✓ correct, your choice" in row_text(fixture_app, 1)
        assert answers(fixture_app) == [("users-tf", False, True)]


async def test_spot_the_line_right(fixture_app: TutorApp) -> None:
    """Arrows and space mark a numbered line; marking exactly the culprit is right."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-spot")
        assert "2 │ USER root" in row_text(fixture_app, 1)
        await pilot.press("down", "space", "enter")
        await pilot.pause()
        assert shown(fixture_app, "#verdict") == "✓ Right!"
        assert "✓ at fault, you marked it" in row_text(fixture_app, 1)
        assert answers(fixture_app) == [("users-spot", [2], True)]


async def test_spot_the_line_wrong(fixture_app: TutorApp) -> None:
    """A wrongly marked line and the missed culprit are both named."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-spot")
        await pilot.press("1", "enter")
        await pilot.pause()
        assert shown(fixture_app, "#verdict").startswith("✗ Not quite")
        assert "✗ not at fault, you marked it" in row_text(fixture_app, 0)
        assert "✗ at fault, you missed it" in row_text(fixture_app, 1)
        assert answers(fixture_app) == [("users-spot", [1], False)]


async def test_fix_it_checklist_turns_green(fixture_app: TutorApp) -> None:
    """Typing the fix ticks the goal live, and ctrl+s counts it as right."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-fix")
        assert shown(fixture_app, "#check-0").startswith("✗ to do  The image runs as a non-root")
        assert fixture_app.screen.active_bindings["ctrl+s"].binding.description == "Check my fix"
        editor = fixture_app.screen.query_one("#fix-editor", TextArea)
        assert editor.has_focus and editor.show_line_numbers
        await pilot.press("down", *"USER 10001", "enter")
        await pilot.pause(DEBOUNCE_SECONDS + 0.05)  # the debounce starts the judgement
        await fixture_app.workers.wait_for_complete()
        await pilot.pause()
        assert shown(fixture_app, "#check-0").startswith("✓ done   The image runs as a non-root")
        assert shown(fixture_app, "#check-1").startswith("✓ done")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert shown(fixture_app, "#verdict") == "✓ Right!"
        assert editor.read_only
        text = 'FROM debian:bookworm-slim\nUSER 10001\nCMD ["sleep", "infinity"]\n'
        assert answers(fixture_app) == [("users-fix", text, True)]


async def test_fix_it_latest_edit_wins(fixture_app: TutorApp) -> None:
    """Typing the fix and deleting it at once leaves the checklist judging the starter."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-fix")
        editor = fixture_app.screen.query_one("#fix-editor", TextArea)
        starter = editor.text
        # No waiting in between: the judgement of the fixed text must not land last.
        await pilot.press("down", *"USER 10001", "enter", "up", "ctrl+shift+k")
        await pilot.pause(DEBOUNCE_SECONDS + 0.05)  # the debounce starts the judgement
        await fixture_app.workers.wait_for_complete()
        await pilot.pause()
        assert editor.text == starter
        assert shown(fixture_app, "#check-0").startswith("✗ to do")
        # A judgement of text that is no longer in the editor is dropped when it arrives.
        panel = fixture_app.screen.query_one(FixItPanel)
        fixed = starter.replace("CMD", "USER 10001\nCMD")
        panel.post_message(FixItPanel.Judged(fixed, judge(panel.goal, fixed, TODAY)))
        await pilot.pause()
        assert shown(fixture_app, "#check-0").startswith("✗ to do")


async def test_fix_it_give_up_shows_solution(fixture_app: TutorApp) -> None:
    """Giving up shows the reference solution and records a wrong answer."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-fix")
        assert not fixture_app.screen.query_one("#fix-solution").display
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert shown(fixture_app, "#verdict").startswith("✗ Gave up")
        assert fixture_app.screen.query_one("#fix-solution").display
        assert "2 │ USER 10001" in shown(fixture_app, "#solution-code")
        assert answers(fixture_app) == [
            ("users-fix", 'FROM debian:bookworm-slim\nCMD ["sleep", "infinity"]\n', False)]


async def test_lesson_key_and_button(fixture_app: TutorApp,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """After answering, l and the lesson button both open the question's lesson."""
    opened: list[str] = []
    monkeypatch.setattr(fixture_app, "open_lesson", opened.append)
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-tf")
        await pilot.press("l")
        assert opened == []
        await pilot.press("f", "enter")
        await pilot.pause()
        assert "Users in images" in shown(fixture_app, "#open-lesson")
        await pilot.press("l")
        await pilot.click("#open-lesson")
        assert opened == ["users", "users"]


async def test_summary_offers_missed_again(fixture_app: TutorApp) -> None:
    """The summary scores the round and restarts with only the missed questions."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        screen = await practise(fixture_app, pilot, "users-default", "users-tf")
        for _ in range(2):
            current = screen.current
            assert current is not None
            # Wrong on the single choice, right on the true/false.
            await pilot.press("1" if current.id == "users-default" else "f", "enter")
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        assert shown(fixture_app, "#score") == "Practice finished: 1 of 2 right (50%)."
        lines = [text_of(line) for line in fixture_app.screen.query(".summary-line")]
        assert sorted(lines) == ["✓ right   USER 0 is a non-root user.",
                                 "✗ missed  Who does an image with no USER run as?"]
        assert "missed one again" in shown(fixture_app, "#again")
        await pilot.press("r")
        await pilot.pause()
        assert shown(fixture_app, "#progress").startswith("Question 1 of 1 ")
        assert "Who does an image with no USER" in shown(fixture_app, "#prompt")
        await pilot.press("2", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert shown(fixture_app, "#score") == "Practice finished: 1 of 1 right (100%)."
        assert not fixture_app.screen.query("#again")


async def test_unseen_questions_come_first(fixture_app: TutorApp) -> None:
    """A question answered before comes after every question never seen."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        fixture_app.store.record_practice_answer("users-default", "users", [1], True)
        screen = await practise(fixture_app, pilot, "users-default", "users-tf", "users-facts")
        assert "Who does an image" not in shown(fixture_app, "#prompt")
        assert [q.id for q in screen.round][-1] == "users-default"


async def test_escape_leaves(fixture_app: TutorApp) -> None:
    """Escape leaves the quiz at any point, even from inside the fix-it editor."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        await practise(fixture_app, pilot, "users-fix")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(fixture_app.screen, PracticeScreen)


async def test_prompt_links_go_through_follow_link(
        fixture_app: TutorApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link in a prompt is handed to the app's link handler, not opened directly."""
    followed: list[str] = []
    monkeypatch.setattr(fixture_app, "follow_link", followed.append)
    linked = Question(id="q-link", type="true_false", topic="users", difficulty="easy",
                      lesson="users", prompt="See [the lesson](lesson:users).",
                      explanation="x", file="q.yaml", line=1, answer=True)
    async with fixture_app.run_test(size=SIZE) as pilot:
        await fixture_app.push_screen(PracticeScreen([linked], None))
        await pilot.pause()
        prompt = fixture_app.screen.query_one("#prompt", Markdown)
        prompt.post_message(Markdown.LinkClicked(prompt, "lesson:users"))
        await pilot.pause()
        assert followed == ["lesson:users"]


async def test_course_text_is_never_markup(fixture_app: TutorApp) -> None:
    """Brackets in prompts, options, whys, explanations and Dockerfiles show literally."""
    payload = "[/etc] [bold]x[/bold] [@click=app.quit]y[/]"
    hostile = Question(
        id="q-brackets", type="single", topic="users", difficulty="hard", lesson="users",
        prompt=f"Prompt {payload}", explanation=f"Because {payload}", file="q.yaml", line=1,
        options=(Option(f"Option {payload}", f"Why {payload}"), Option("Other", None)),
        answer=(1,))
    dockerfile = 'FROM x\nRUN echo "[link=https://evil.example]hi[/link]"\nENV X=[bold]\n'
    spot = Question(
        id="q-bracket-lines", type="spot_the_line", topic="users", difficulty="hard",
        lesson="users", prompt="Which line?", explanation="None.", file="q.yaml", line=9,
        dockerfile=dockerfile, answer=(3,))
    async with fixture_app.run_test(size=SIZE) as pilot:
        await fixture_app.push_screen(PracticeScreen([hostile], None, shuffle_options=False))
        await pilot.pause()
        assert payload in shown(fixture_app, "#prompt")
        assert f"1. Option {payload}" in row_text(fixture_app, 0)
        # On the option's text, where an injected @click link would be.
        await pilot.click(ChoiceRow, offset=(30, 0))
        await pilot.press("enter")
        await pilot.pause()
        assert fixture_app.is_running
        assert isinstance(fixture_app.screen, PracticeScreen)
        assert f"✗ wrong, your choice | Why {payload}" in row_text(fixture_app, 0)
        assert payload in shown(fixture_app, "#explanation")
        assert answers(fixture_app) == [("q-brackets", [0], False)]
        await fixture_app.push_screen(PracticeScreen([spot], None))
        await pilot.pause()
        assert '2 │ RUN echo "[link=https://evil.example]hi[/link]"' in row_text(fixture_app, 1)
        assert "3 │ ENV X=[bold]" in row_text(fixture_app, 2)


# Resuming a quiz --------------------------------------------------------------------------

KEYS = {"single": ("1", "enter"), "multiple": ("1", "enter"), "true_false": ("t", "enter"),
        "spot_the_line": ("2", "enter"), "fix_it": ("ctrl+g",)}


async def answer_and_go_on(pilot: Any, screen: PracticeScreen) -> str:
    """Answer the question on screen (any answer), move on, and say which it was."""
    current = screen.current
    assert current is not None
    await pilot.press(*KEYS[current.type])
    await pilot.pause()
    assert screen.phase == "feedback"
    await pilot.press("enter")
    await pilot.pause()
    return current.id


async def test_a_quiz_left_part_way_resumes_after_a_restart(make_app: Any) -> None:
    """Left after 2 of 5 and the app restarted, the quiz carries on at question 3 of 5 with
    the same questions in the same order, and the summary counts the first two answers."""
    first = make_app(content=FIXTURE_COURSE)
    async with first.run_test(size=SIZE) as pilot:
        first.start_practice("users")
        await pilot.pause()
        screen = first.screen
        assert isinstance(screen, PracticeScreen)
        order = [q.id for q in screen.round]
        given = [await answer_and_go_on(pilot, screen) for _ in range(2)]
        results = dict(screen.results)
        await pilot.press("escape")
        await pilot.pause()
    again = make_app(content=FIXTURE_COURSE)
    async with again.run_test(size=SIZE) as pilot:
        again.start_practice("users")
        await pilot.pause()
        screen = again.screen
        assert isinstance(screen, PracticeScreen)
        assert [q.id for q in screen.round] == order
        assert given == order[:2] and screen.results == results
        assert shown(again, "#progress").startswith("Question 3 of 5 · ")
        resumed = "Resumed where you left off: question 3 of 5; your 2 answers were kept."
        assert resumed in [str(n.message) for n in again._notifications]
        for _ in range(3):
            await answer_and_go_on(pilot, screen)
        assert len(list(again.screen.query(".summary-line"))) == 5
        assert shown(again, "#score").startswith(
            f"Practice finished: {sum(screen.results.values())} of 5 right")


async def test_a_finished_quiz_starts_fresh(fixture_app: TutorApp) -> None:
    """Once its last question is answered, the next quiz on the topic starts a new round."""
    async with fixture_app.run_test(size=SIZE) as pilot:
        fixture_app.start_practice("users")
        await pilot.pause()
        screen = fixture_app.screen
        assert isinstance(screen, PracticeScreen)
        finished = screen.round_id
        for _ in range(5):
            await answer_and_go_on(pilot, screen)
        assert screen.phase == "summary"
        await pilot.press("escape")
        await pilot.pause()
        fixture_app.start_practice("users")
        await pilot.pause()
        fresh = fixture_app.screen
        assert isinstance(fresh, PracticeScreen) and fresh.round_id != finished
        assert shown(fixture_app, "#progress").startswith("Question 1 of 5 · ")
        assert fresh.results == {}


async def test_a_question_removed_since_is_dropped_and_said(fixture_app: TutorApp) -> None:
    """A question the course no longer has is left out of the resumed quiz, with a warning;
    a stored choice order that no longer fits its question is drawn again."""
    rounds = fixture_app.store.rounds
    left = rounds.start("users", [ServedQuestion("users-tf"), ServedQuestion("users-gone"),
                                  ServedQuestion("users-facts", (0,))])
    rounds.answer(left.id, "users-tf", "users", False, True, ["users-gone", "users-facts"])
    async with fixture_app.run_test(size=SIZE) as pilot:
        fixture_app.start_practice("users")
        await pilot.pause()
        screen = fixture_app.screen
        assert isinstance(screen, PracticeScreen)
        assert [q.id for q in screen.round] == ["users-tf", "users-facts"]
        assert shown(fixture_app, "#progress").startswith("Question 2 of 2 · ")
        assert sorted(screen.view.order) == [0, 1, 2]
        messages = [str(n.message) for n in fixture_app._notifications]
        assert ("1 question of the quiz you left was removed from the course since, so it "
                "was dropped.") in messages
        await answer_and_go_on(pilot, screen)
        assert screen.phase == "summary"
        assert rounds.open_round("users") is None  # its last answer ended the round


async def test_a_resumed_question_shows_its_choices_in_the_same_order(make_app: Any) -> None:
    """The order a question's choices were shown in is kept with the round."""
    import random

    from tutor.content.answers import option_order

    facts = [question_of("users-facts")]
    first = make_app(content=FIXTURE_COURSE)
    async with first.run_test(size=SIZE) as pilot:
        await first.push_screen(PracticeScreen(facts, "users", rng=random.Random(1)))
        await pilot.pause()
        shown_first = list(first.screen.view.order)
    # Drawn afresh as a new round with seed 5 draws it, the order would differ.
    fresh = random.Random(5)
    practice_order(facts, set(), fresh)
    assert option_order(facts[0], fresh) != shown_first
    again = make_app(content=FIXTURE_COURSE)
    async with again.run_test(size=SIZE) as pilot:
        await again.push_screen(PracticeScreen(facts, "users", rng=random.Random(5)))
        await pilot.pause()
        assert list(again.screen.view.order) == shown_first


def question_of(question_id: str) -> Question:
    """A question of the fixture course, loaded afresh."""
    from tutor.content.loader import load_course

    return next(q for q in load_course(FIXTURE_COURSE).questions if q.id == question_id)
