"""The progress store keeps what the learner did across restarts, crashes and damage."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.progress.store import FILE_NAME, ProgressStore, StoreError


def test_progress_survives_a_restart(tmp_path: Path) -> None:
    """Lessons read, solutions, practice answers and the last place are there on reopening."""
    store = ProgressStore.open(tmp_path, learner="ada")
    store.mark_lesson_read("root-risks")
    store.mark_lesson_read("root-risks")
    store.record_solution("root-add-user", {"Dockerfile": "FROM a\nUSER 1\n"}, hints_used=2)
    store.record_practice_answer("q1", "secrets", ["b"], correct=False)
    store.record_practice_answer("q1", "secrets", ["c"], correct=True)
    store.record_practice_answer("q2", "secrets", True, correct=False)
    store.set_place({"screen": "lesson", "id": "secrets"})
    store.close()

    again = ProgressStore.open(tmp_path, learner="ada")
    assert again.notice is None
    assert again.lessons_read() == {"root-risks"}
    solution = again.solutions()["root-add-user"]
    assert solution.files == {"Dockerfile": "FROM a\nUSER 1\n"} and solution.hints_used == 2
    score = again.practice_scores()["secrets"]
    assert (score.answered, score.correct) == (2, 1)
    assert again.seen_questions() == {"q1", "q2"}
    assert again.place() == {"screen": "lesson", "id": "secrets"}


def test_learners_are_kept_apart(tmp_path: Path) -> None:
    """Two learners sharing a data folder see only their own progress."""
    ProgressStore.open(tmp_path, learner="ada").mark_lesson_read("secrets")
    other = ProgressStore.open(tmp_path, learner="grace")
    assert other.lessons_read() == set() and other.place() is None


@pytest.mark.parametrize("content", [
    b"this is not a database at all" * 100,
    b"SQLite format 3\x00" + b"\xff" * 4000,
])
def test_a_corrupt_store_is_moved_aside_with_a_notice(tmp_path: Path, content: bytes) -> None:
    """An unreadable file is renamed, not overwritten, and the learner is told where it went."""
    (tmp_path / FILE_NAME).write_bytes(content)
    store = ProgressStore.open(tmp_path, learner="ada")
    assert store.notice is not None and "could not be read" in store.notice
    moved = [p for p in tmp_path.iterdir() if p.name.startswith(f"{FILE_NAME}.broken-")]
    assert len(moved) == 1 and moved[0].read_bytes() == content
    assert str(moved[0]) in store.notice
    store.mark_lesson_read("secrets")
    assert ProgressStore.open(tmp_path, learner="ada").lessons_read() == {"secrets"}


def test_someone_elses_database_is_not_reused(tmp_path: Path) -> None:
    """A SQLite file that is not ours is moved aside too, never written into."""
    foreign = sqlite3.connect(tmp_path / FILE_NAME)
    foreign.execute("CREATE TABLE invoices (id INTEGER)")
    foreign.commit()
    foreign.close()
    store = ProgressStore.open(tmp_path, learner="ada")
    assert store.notice is not None and "not a hardening-tutor progress file" in store.notice


def test_a_newer_format_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A store from a newer version is an error that leaves the file as it was."""
    ProgressStore.open(tmp_path, learner="ada").close()
    db = sqlite3.connect(tmp_path / FILE_NAME)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    db.commit()
    db.close()
    before = (tmp_path / FILE_NAME).read_bytes()
    with pytest.raises(StoreError, match="newer hardening-tutor"):
        ProgressStore.open(tmp_path, learner="ada")
    assert (tmp_path / FILE_NAME).read_bytes() == before


def test_an_unwritable_folder_is_a_clear_error(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A data folder that cannot be created says so and suggests --data-dir."""
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(StoreError, match=r"Permission denied; pass --data-dir DIR"):
        ProgressStore.open(tmp_path / "inner", learner="ada")


def test_a_killed_process_loses_nothing_it_recorded(tmp_path: Path) -> None:
    """Each change is committed on its own, so kill -9 right after keeps every one."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from tutor.progress.store import ProgressStore\n"
        "store = ProgressStore.open(Path(sys.argv[1]), learner='ada')\n"
        "for n in range(5):\n"
        "    store.record_practice_answer(f'q{n}', 'secrets', n, correct=n % 2 == 0)\n"
        "store.record_solution('root-add-user', {'Dockerfile': 'FROM a'}, 0)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True)
    assert result.returncode == -9
    store = ProgressStore.open(tmp_path, learner="ada")
    assert store.notice is None
    assert store.seen_questions() == {f"q{n}" for n in range(5)}
    assert store.practice_scores()["secrets"].correct == 3
    assert "root-add-user" in store.solutions()
