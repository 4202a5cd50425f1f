"""What Continue opens next, the course's overall progress, and when a lesson counts as read."""

from __future__ import annotations

from typing import Any

import pytest

from tutor.content.model import Course, Exercise, Goal, Lesson, Question, Topic
from tutor.progress.plan import Progress, Step, course_steps, next_step, overall
from tutor.progress.reading import LONGEST_SAMPLE, READ_FRACTION, Reading


def lesson(lesson_id: str, order: int, exercises: tuple[str, ...]) -> Lesson:
    return Lesson(lesson_id, f"Lesson {lesson_id}", order, "", (), 10, (), exercises, "",
                  f"{lesson_id}.md")


def exercise(exercise_id: str, lesson_id: str) -> Exercise:
    return Exercise(exercise_id, exercise_id, "", "easy", ("Dockerfile",), Goal(()), (), "", {},
                    {}, "x", lesson_id)


def question(question_id: str, topic: str, lesson_id: str) -> Question:
    return Question(question_id, "true_false", topic, "easy", lesson_id, "?", "!", "x", 1,
                    answer=True)


COURSE = Course(
    root="x", title="Two lessons",
    topics=(Topic("one", "One"), Topic("two", "Two")),
    lessons=(lesson("one", 1, ("one-a", "one-b")), lesson("two", 2, ("two-a",))),
    exercises={"one-a": exercise("one-a", "one"), "one-b": exercise("one-b", "one"),
               "two-a": exercise("two-a", "two")},
    questions=(question("q1", "one", "one"), question("q2", "one", "one"),
               question("q3", "two", "two")))


def test_the_course_order_is_lesson_exercises_then_quiz() -> None:
    """Each lesson, then its exercises in the order it lists them, then its topic's quiz."""
    assert course_steps(COURSE) == [
        Step("lesson", "one", "one"), Step("exercise", "one-a", "one"),
        Step("exercise", "one-b", "one"), Step("quiz", "one", "one"),
        Step("lesson", "two", "two"), Step("exercise", "two-a", "two"),
        Step("quiz", "two", "two")]


def test_a_new_learner_starts_at_the_first_lesson() -> None:
    """With nothing done, Continue opens lesson 1."""
    assert next_step(COURSE, Progress()) == Step("lesson", "one", "one")


def test_a_read_lesson_moves_continue_on() -> None:
    """Lesson 1 read (and where the learner is): Continue opens its first exercise."""
    progress = Progress(read={"one"}, place={"screen": "lesson", "lesson": "one"})
    assert next_step(COURSE, progress) == Step("exercise", "one-a", "one")


def test_what_the_learner_is_in_is_reopened_until_done() -> None:
    """An exercise left unsolved is reopened, even with lesson 1 unread before it."""
    progress = Progress(place={"screen": "exercise", "exercise": "two-a"})
    assert next_step(COURSE, progress) == Step("exercise", "two-a", "two")


def test_continue_goes_on_from_where_the_learner_is_then_comes_round() -> None:
    """After a step done out of order comes the next one after it; skipped ones come last."""
    progress = Progress(read={"two"}, solved={"two-a"}, answered={"q3"},
                        place={"screen": "exercise", "exercise": "two-a"})
    assert next_step(COURSE, progress) == Step("lesson", "one", "one")
    progress = Progress(read={"one", "two"}, place={"screen": "lesson", "lesson": "two"})
    assert next_step(COURSE, progress) == Step("exercise", "two-a", "two")


def test_a_quiz_is_done_when_every_question_was_answered_and_no_round_is_open() -> None:
    """Quiz one needs q1 and q2 answered; a round left open keeps it not done."""
    base: dict[str, Any] = {"read": {"one"}, "solved": {"one-a", "one-b"},
            "place": {"screen": "exercise", "exercise": "one-b"}}
    assert next_step(COURSE, Progress(**base, answered={"q1"})) == Step("quiz", "one", "one")
    done = Progress(**base, answered={"q1", "q2"})
    assert next_step(COURSE, done) == Step("lesson", "two", "two")
    still_open = Progress(**base, answered={"q1", "q2"}, open_quizzes={"one"})
    assert next_step(COURSE, still_open) == Step("quiz", "one", "one")


def test_a_quiz_on_every_topic_left_part_way_is_resumed() -> None:
    """The place is the quiz on every topic with a round open: Continue resumes it."""
    place = {"screen": "practice", "topic": ""}
    assert next_step(COURSE, Progress(place=place, open_quizzes={""})) == Step("quiz", "", "")
    assert next_step(COURSE, Progress(place=place)) == Step("lesson", "one", "one")


def test_everything_done_leaves_nothing_to_continue() -> None:
    """All read, solved and answered: there is no next step, and the counts are full."""
    progress = Progress(read={"one", "two"}, solved={"one-a", "one-b", "two-a"},
                        answered={"q1", "q2", "q3"})
    assert next_step(COURSE, progress) is None
    assert overall(COURSE, progress).describe() == (
        "2 of 2 lessons read · 3 of 3 exercises solved\n2 of 2 topic quizzes done")


def test_overall_progress_counts_each_kind() -> None:
    """The map's line counts lessons read, exercises solved and quizzes done."""
    progress = Progress(read={"one"}, solved={"two-a", "gone"}, answered={"q3"})
    assert overall(COURSE, progress).describe() == (
        "1 of 2 lessons read · 1 of 3 exercises solved\n1 of 2 topic quizzes done")


# Reading ------------------------------------------------------------------------------------


def spend(reading: Reading, seconds: int) -> None:
    for _ in range(seconds):
        reading.spent(1.0)


def test_jumping_to_the_end_is_not_reading() -> None:
    """The top and the end on screen, however long, leave the middle unseen."""
    reading = Reading(minutes=20)
    reading.saw(0, 20, 200)
    reading.saw(180, 200, 200)
    spend(reading, 20 * 60)
    assert not reading.all_seen and not reading.complete
    assert reading.missing() == "80% of it not yet on screen"


def test_paging_through_without_the_time_is_not_reading() -> None:
    """Every part seen counts only once a quarter of the lesson's minutes were spent on it."""
    reading = Reading(minutes=20)
    for top in range(0, 200, 20):
        reading.saw(top, top + 20, 200)
    spend(reading, 10)
    assert reading.all_seen and not reading.complete
    assert reading.missing() == "about 5 more min with it open"
    spend(reading, int(20 * 60 * READ_FRACTION) - 10)
    assert reading.complete and reading.missing() == ""


def test_a_gap_between_screens_is_not_seen() -> None:
    """Two screens that leave a row between them have not shown that row."""
    reading = Reading(minutes=1)
    reading.saw(0, 20, 100)
    reading.saw(21, 100, 100)
    spend(reading, 60)
    assert not reading.complete
    reading.saw(19, 22, 100)
    assert reading.complete


def test_seen_parts_survive_a_resize() -> None:
    """Stretches are kept as fractions: the re-wrapped lesson keeps what was seen."""
    reading = Reading(minutes=1)
    reading.saw(0, 50, 100)  # the top half, at one width
    reading.saw(100, 200, 200)  # the bottom half, after the text re-wrapped
    assert reading.all_seen


@pytest.mark.parametrize("gap", [-5.0, 3600.0])
def test_time_away_is_not_reading_time(gap: float) -> None:
    """A clock that went back, or a long stall (a suspended laptop), adds at most a sample."""
    reading = Reading(minutes=20)
    reading.spent(gap)
    assert reading.seconds == (0.0 if gap < 0 else LONGEST_SAMPLE)
