"""The class view's summary of one learner's store: progress, place, and when they look stuck."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tutor.progress.store import ProgressStore
from tutor.progress.summary import STUCK_MINUTES, summarise

NOW = dt.datetime.now(dt.timezone.utc)


def test_a_learner_who_has_not_begun_has_an_empty_summary(tmp_path: Path) -> None:
    """No store yet: nothing read, nothing created, not stuck."""
    summary = summarise(tmp_path, NOW)
    assert summary.lessons_read == () and summary.stuck is None
    assert not (tmp_path / "progress.db").exists()


def test_progress_is_summarised(tmp_path: Path) -> None:
    """Lessons read, exercises solved, practice per topic and the place are all there."""
    store = ProgressStore.open(tmp_path, "A12")
    store.mark_lesson_read("root-risks")
    store.record_solution("add-user", {"Dockerfile": "FROM x\n"}, 1)
    store.record_practice_answer("q1", "secrets", 0, True)
    store.record_practice_answer("q2", "secrets", 1, False)
    store.set_place({"screen": "lesson", "lesson": "non-root-user"})
    store.close()
    summary = summarise(tmp_path, NOW)
    assert summary.lessons_read == ("root-risks",)
    assert summary.exercises_solved == ("add-user",)
    assert (summary.practice["secrets"].answered, summary.practice["secrets"].correct) == (2, 1)
    assert summary.place == {"screen": "lesson", "lesson": "non-root-user"}
    assert summary.stuck is None


def test_long_on_an_unsolved_exercise_is_stuck(tmp_path: Path) -> None:
    """On one exercise past the limit without solving it: stuck, saying which and how long."""
    store = ProgressStore.open(tmp_path, "A12")
    store.set_place({"screen": "exercise", "exercise": "drop-caps"})
    store.close()
    now = dt.datetime.now(dt.timezone.utc)  # after the place was set, however slow the run
    assert summarise(tmp_path, now).stuck is None
    later = now + dt.timedelta(minutes=STUCK_MINUTES + 1)
    assert summarise(tmp_path, later).stuck == (
        f"on exercise drop-caps for {STUCK_MINUTES + 1} min without solving it")


def test_wrong_answers_in_a_row_are_stuck(tmp_path: Path) -> None:
    """Three wrong practice answers in a row flag the learner; a right one clears it."""
    store = ProgressStore.open(tmp_path, "A12")
    for number in range(3):
        store.record_practice_answer(f"q{number}", "secrets", 0, False)
    assert summarise(tmp_path, NOW).stuck == "3 practice answers wrong in a row"
    store.record_practice_answer("q9", "secrets", 1, True)
    store.close()
    assert summarise(tmp_path, NOW).stuck is None


def test_a_damaged_store_is_a_problem_on_the_row_not_an_error(tmp_path: Path) -> None:
    """The class view shows one broken row instead of failing for the whole class."""
    (tmp_path / "progress.db").write_bytes(b"not a database at all" * 100)
    summary = summarise(tmp_path, NOW)
    assert summary.problem is not None and summary.lessons_read == ()


def test_the_class_view_shows_a_learner_sitting_an_exam(tmp_path: Path) -> None:
    """An open exam attempt is where an online learner is, whatever place was kept before."""
    from tutor.content.loader import load_course
    from tutor.exam.session import ExamSession
    from tutor.exam.spec import spec_for
    from tutor.serve.classview import rows
    from tutor.serve.workshop import Seat

    store = ProgressStore.open(tmp_path, "a12")
    store.set_place({"screen": "lesson", "lesson": "root-risks"})
    course = load_course(None)
    ExamSession.begin(store, course, spec_for(course), "Ada", None)
    store.close()
    seat = Seat(id="A12", name="Ada", folder="a12")
    [online] = rows([seat], {"a12": tmp_path}, {"a12"}, {}, NOW, 0.0)
    assert online.place() == "exam sign-off"
    [offline] = rows([seat], {"a12": tmp_path}, set(), {}, NOW, 0.0)
    assert offline.place() == "lesson root-risks"
