"""Progress is kept per course, practice rounds are kept to resume, and format 1 stores from
before that are upgraded without losing a row."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from tutor.content.identity import SHIPPED, course_identity, packaged_root
from tutor.exam.record import SigningKey, Verdict, verify
from tutor.progress.database import SCHEMA_VERSION, UNASSIGNED
from tutor.progress.rounds import ServedQuestion
from tutor.progress.store import FILE_NAME, CourseIds, ProgressStore, StoreError
from tutor.progress.summary import summarise

FORMAT_1 = Path(__file__).parent / "fixtures" / "progress-format-1.sql"
PACK = "pack:/srv/packs/k8s"
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)


def format_1_store(folder: Path) -> Path:
    """The store main's code made (tests/fixtures/progress-format-1.sql), as a file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    with sqlite3.connect(path) as db:
        db.executescript(FORMAT_1.read_text(encoding="utf-8"))
    return path


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """What a query finds in a store file, read without the store's code."""
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


SHIPPED_IDS = CourseIds(lessons=frozenset({"root-risks", "secrets"}),
                        exercises=frozenset({"root-add-user"}),
                        questions=frozenset({"root-default-user-risk",
                                             "secrets-build-arg-history"}),
                        topics=frozenset({"root-risks", "secrets"}))


# Upgrading format 1 -------------------------------------------------------------------------


def test_a_format_1_store_from_main_is_upgraded_keeping_every_row(tmp_path: Path) -> None:
    """Opening main's store upgrades it to format 2: every row is there, with no course yet."""
    path = format_1_store(tmp_path)
    before = {table: rows(path, f"SELECT * FROM {table}") for table in (
        "lessons_read", "solutions", "practice_answers", "places", "exam_attempts",
        "exam_answers", "learners")}
    ProgressStore.open(tmp_path, learner="ada").close()
    assert rows(path, "SELECT value FROM meta WHERE key = 'schema'") == [(str(SCHEMA_VERSION),)]
    assert rows(path, "SELECT learner, lesson, read_at, course FROM lessons_read ORDER BY 1, 2"
                ) == sorted((*row, UNASSIGNED) for row in before["lessons_read"])
    assert rows(path, "SELECT learner, exercise, solved_at, files, hints_used, course FROM "
                      "solutions") == [(*row, UNASSIGNED) for row in before["solutions"]]
    assert rows(path, "SELECT id, learner, question, topic, correct, answer, answered_at, "
                      "course, round FROM practice_answers ORDER BY id"
                ) == [(*row, UNASSIGNED, None) for row in before["practice_answers"]]
    assert rows(path, "SELECT learner, place, updated_at, course FROM places ORDER BY 1"
                ) == [(*row, UNASSIGNED) for row in before["places"]]
    # Exam attempts and their signed records are not rewritten: not a byte of them.
    for table in ("exam_attempts", "exam_answers", "learners"):
        assert rows(path, f"SELECT * FROM {table}") == before[table]
    assert rows(path, "PRAGMA foreign_key_check") == []
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]


def test_an_exam_record_main_signed_still_verifies_after_the_upgrade(tmp_path: Path) -> None:
    """The record main's code sealed (key b"k" * 32) is intact and signed after the upgrade."""
    format_1_store(tmp_path)
    store = ProgressStore.open(tmp_path, learner="ada")
    (attempt,) = store.exams.all_attempts()
    assert attempt.record is not None
    assert verify(attempt.record, SigningKey(b"k" * 32, "test")) == Verdict(
        True, "intact, signed with this key")


def test_the_upgrade_keeps_a_copy_an_older_version_can_open(tmp_path: Path) -> None:
    """progress.db.format-1 beside the store is the store as it was, still format 1."""
    path = format_1_store(tmp_path)
    before = rows(path, "SELECT * FROM lessons_read ORDER BY 1, 2")
    ProgressStore.open(tmp_path, learner="ada").close()
    copy = tmp_path / f"{FILE_NAME}.format-1"
    assert rows(copy, "SELECT value FROM meta WHERE key = 'schema'") == [("1",)]
    assert rows(copy, "SELECT * FROM lessons_read ORDER BY 1, 2") == before
    assert not list(tmp_path.glob("*.partial"))


def test_an_upgrade_that_cannot_take_the_lock_leaves_format_1(tmp_path: Path) -> None:
    """A store another program holds locked is left in format 1, every row in place."""
    path = format_1_store(tmp_path)
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="locked"):
            ProgressStore.open(tmp_path, learner="ada", busy_timeout=0.05)
    finally:
        blocker.rollback()
        blocker.close()
    assert rows(path, "SELECT value FROM meta WHERE key = 'schema'") == [("1",)]
    assert [column[1] for column in rows(path, "PRAGMA table_info(lessons_read)")] == [
        "learner", "lesson", "read_at"]
    again = ProgressStore.open(tmp_path, learner="ada")  # and the next open upgrades it
    again.adopt_unassigned(SHIPPED_IDS)
    assert again.lessons_read() == {"root-risks"}


def test_rows_from_format_1_go_to_the_first_course_that_has_them(tmp_path: Path) -> None:
    """The shipped course takes its lessons, answers and place; a pack's lesson waits for it."""
    format_1_store(tmp_path)
    shipped = ProgressStore.open(tmp_path, learner="ada")
    assert shipped.lessons_read() == set() and shipped.has_unassigned()
    assert shipped.adopt_unassigned(SHIPPED_IDS) == 6  # a lesson, a solution, 3 answers, a place
    assert shipped.lessons_read() == {"root-risks"}
    assert set(shipped.solutions()) == {"root-add-user"}
    assert shipped.practice_scores()["secrets"].correct == 1
    assert shipped.place() == {"screen": "exercise", "exercise": "root-add-user"}
    assert shipped.has_unassigned()  # the pack's lesson is nobody's yet
    pack = ProgressStore.open(tmp_path, learner="ada", course=PACK)
    pack.adopt_unassigned(CourseIds(frozenset({"pack-only-lesson", "root-risks"}),
                                    frozenset(), frozenset(), frozenset()))
    assert pack.lessons_read() == {"pack-only-lesson"}  # root-risks was taken already
    assert not pack.has_unassigned() and not shipped.has_unassigned()
    assert shipped.lessons_read() == {"root-risks"}


def test_other_learners_rows_wait_for_them(tmp_path: Path) -> None:
    """Adopting takes only the opening learner's rows."""
    format_1_store(tmp_path)
    ProgressStore.open(tmp_path, learner="ada").adopt_unassigned(SHIPPED_IDS)
    grace = ProgressStore.open(tmp_path, learner="grace")
    assert grace.lessons_read() == set() and grace.has_unassigned()
    grace.adopt_unassigned(SHIPPED_IDS)
    assert grace.lessons_read() == {"secrets"}
    assert grace.place() == {"screen": "practice", "topic": ""}


def test_a_read_only_reader_sees_format_1_in_the_new_shape(tmp_path: Path) -> None:
    """The class view reads a format 1 store as it is, without changing a byte of it."""
    path = format_1_store(tmp_path)
    before = digest(path)
    summary = summarise(tmp_path, NOW, SHIPPED)
    assert summary.problem is None
    assert set(summary.lessons_read) == {"root-risks", "pack-only-lesson", "secrets"}
    assert summary.practice["secrets"].answered == 1
    assert ProgressStore.open_read_only(tmp_path) is not None
    assert digest(path) == before


# Kept per course ----------------------------------------------------------------------------


def test_progress_is_kept_per_course(tmp_path: Path) -> None:
    """What a learner does in one course shows in that course only, in one data folder."""
    shipped = ProgressStore.open(tmp_path, learner="ada")
    shipped.mark_lesson_read("root-risks")
    shipped.record_solution("root-add-user", {"Dockerfile": "FROM x"}, 0)
    shipped.record_practice_answer("q1", "root-risks", [0], True)
    shipped.set_place({"screen": "lesson", "lesson": "root-risks"})
    pack = ProgressStore.open(tmp_path, learner="ada", course=PACK)
    assert pack.lessons_read() == set() and pack.solutions() == {}
    assert pack.practice_scores() == {} and pack.seen_questions() == set()
    assert pack.place() is None and not pack.has_unassigned()
    pack.mark_lesson_read("root-risks")
    pack.record_practice_answer("q1", "root-risks", [1], False)
    assert shipped.practice_scores()["root-risks"].correct == 1
    assert pack.practice_scores()["root-risks"].correct == 0
    assert ProgressStore.open(tmp_path, learner="ada").lessons_read() == {"root-risks"}


def test_the_class_view_counts_the_served_course_only(tmp_path: Path) -> None:
    """/class reads the served pack's progress, not the shipped course's in the same store."""
    shipped = ProgressStore.open(tmp_path, learner="a12")
    shipped.mark_lesson_read("root-risks")
    for _ in range(3):
        shipped.record_practice_answer("q1", "root-risks", [0], False)
    pack = ProgressStore.open(tmp_path, learner="a12", course=PACK)
    pack.mark_lesson_read("k8s-intro")
    pack.set_place({"screen": "lesson", "lesson": "k8s-intro"})
    summary = summarise(tmp_path, NOW, PACK)
    assert summary.lessons_read == ("k8s-intro",)
    assert summary.practice == {} and summary.stuck is None
    assert summary.place == {"screen": "lesson", "lesson": "k8s-intro"}
    assert summarise(tmp_path, NOW, SHIPPED).lessons_read == ("root-risks",)


def test_a_pack_is_known_by_its_folder(tmp_path: Path) -> None:
    """The shipped course is one course wherever it is named from; a copy is another."""
    shipped = packaged_root()
    assert isinstance(shipped, Path)
    assert course_identity(None).key == SHIPPED
    assert course_identity(shipped).key == SHIPPED
    copy = tmp_path / "my pack"
    shutil.copytree(shipped / "lessons", copy / "lessons")
    pack = course_identity(copy)
    assert pack.key == f"pack:{copy.resolve()}" and not pack.shipped
    assert pack.exercises.startswith("courses/my-pack-") and pack.exercises.endswith(
        "/exercises")
    other = course_identity(tmp_path / "other" / "my pack")
    assert other.key != pack.key and other.exercises != pack.exercises
    assert course_identity(None).exercises == "exercises"


# Practice rounds ------------------------------------------------------------------------


def test_a_round_resumes_until_its_last_answer(tmp_path: Path) -> None:
    """A round keeps its questions, orders and answers; the last answer ends it."""
    store = ProgressStore.open(tmp_path, learner="ada")
    served = [ServedQuestion("q1", (2, 0, 1)), ServedQuestion("q2"), ServedQuestion("q3")]
    started = store.rounds.start("secrets", served)
    assert store.rounds.open_topics() == set()  # opened, not begun: the quiz is not held up
    assert not store.rounds.answer(started.id, "q1", "secrets", [0], True, ["q2", "q3"])
    assert not store.rounds.answer(started.id, "q2", "secrets", True, False, ["q3"])
    again = ProgressStore.open(tmp_path, learner="ada").rounds.open_round("secrets")
    assert again is not None and again.id == started.id
    assert again.served == tuple(served)
    assert again.results == {"q1": True, "q2": False}
    assert store.rounds.open_topics() == {"secrets"}
    assert store.rounds.open_round("") is None  # the quiz on every topic is another
    assert store.rounds.answer(started.id, "q3", "secrets", [1], True, [])
    assert store.rounds.open_round("secrets") is None and store.rounds.open_topics() == set()
    assert store.practice_scores()["secrets"].answered == 3


def test_a_new_round_ends_the_one_left_open(tmp_path: Path) -> None:
    """Starting another round on a topic ends the open one; rounds are per course."""
    store = ProgressStore.open(tmp_path, learner="ada")
    first = store.rounds.start("secrets", [ServedQuestion("q1")])
    second = store.rounds.start("secrets", [ServedQuestion("q2")])
    left = store.rounds.open_round("secrets")
    assert left is not None and left.id == second.id != first.id
    pack = ProgressStore.open(tmp_path, learner="ada", course=PACK)
    assert pack.rounds.open_round("secrets") is None
    assert pack.rounds.round(second.id) is None
