"""The progress store keeps what the learner did across restarts, crashes and damage."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tutor.progress.store import FILE_NAME, SCHEMA_VERSION, ProgressStore, StoreError


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


def store_from_a_newer_version(folder: Path) -> bytes:
    """Make ``folder``'s progress file one a newer version wrote (schema 99); its bytes."""
    ProgressStore.open(folder, learner="ada").close()
    db = sqlite3.connect(folder / FILE_NAME)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    db.commit()
    db.close()
    return (folder / FILE_NAME).read_bytes()


def test_a_newer_format_is_refused_and_left_alone(tmp_path: Path) -> None:
    """A store from a newer version is an error that leaves the file as it was."""
    before = store_from_a_newer_version(tmp_path)
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


# A locked, full or read-only store is not a damaged one --------------------------------------

def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize("lock", ["EXCLUSIVE", "IMMEDIATE"])
def test_a_locked_store_is_reported_and_left_in_place(tmp_path: Path, lock: str) -> None:
    """Another program's lock outlasting the wait is an error naming it; nothing is moved."""
    store = ProgressStore.open(tmp_path, learner="ada")
    store.mark_lesson_read("secrets")
    store.close()
    before = _files(tmp_path)
    other = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    other.execute(f"BEGIN {lock}")
    try:
        with pytest.raises(StoreError, match="locked by another program") as caught:
            ProgressStore.open(tmp_path, learner="grace", busy_timeout=0.05)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "left as it is" in str(caught.value) and "try again" in str(caught.value)
    assert _files(tmp_path) == before
    assert ProgressStore.open(tmp_path, learner="ada").lessons_read() == {"secrets"}


def test_a_lock_taken_while_in_use_refuses_the_write_only(tmp_path: Path) -> None:
    """A save during another program's lock is refused with a message; earlier saves stay."""
    store = ProgressStore.open(tmp_path, learner="ada", busy_timeout=0.05)
    store.mark_lesson_read("secrets")
    other = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked by another program"):
            store.mark_lesson_read("root-risks")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.lessons_read() == {"secrets"}
    assert not [p for p in tmp_path.iterdir() if ".broken-" in p.name]


def _disk_full_after(pages: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new connection may grow its file to ``pages`` pages (None: as it is now)."""
    real_connect: Callable[..., sqlite3.Connection] = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(*args, **kwargs)
        if str(args[0]) == ":memory:":  # memory is not on the disk
            return connection
        now = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {max(pages or now, 1)}")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)


def test_a_full_disk_on_a_new_folder_is_a_message(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh data folder on a full disk: an error saying the disk is full, no traceback."""
    _disk_full_after(1, monkeypatch)  # SQLite's own SQLITE_FULL, as on a full disk
    with pytest.raises(StoreError, match=r"disk holding .* is full") as caught:
        ProgressStore.open(tmp_path, learner="ada")
    assert "free some space" in str(caught.value)
    assert not [p for p in tmp_path.iterdir() if ".broken-" in p.name]


def test_a_full_disk_loses_nothing_already_saved(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """When the disk fills up, the save that does not fit is refused and earlier ones stay."""
    store = ProgressStore.open(tmp_path, learner="ada")
    store.mark_lesson_read("secrets")
    store.close()
    _disk_full_after(None, monkeypatch)
    store = ProgressStore.open(tmp_path, learner="ada")
    with pytest.raises(StoreError, match="is full, so nothing more can be saved"):
        store.record_solution("root-add-user", {"Dockerfile": "x" * 200_000}, hints_used=0)
    store.close()
    monkeypatch.undo()
    again = ProgressStore.open(tmp_path, learner="ada")
    assert again.notice is None and again.lessons_read() == {"secrets"}
    assert again.solutions() == {}
    assert not [p for p in tmp_path.iterdir() if ".broken-" in p.name]


def test_when_every_disk_is_full_the_session_runs_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback store lands in memory when the temporary folder's disk is full too."""
    _disk_full_after(1, monkeypatch)
    with pytest.raises(StoreError) as caught:
        ProgressStore.open(tmp_path, learner="ada")
    store = ProgressStore.for_this_session(str(caught.value), learner="ada")
    assert store.kept_in_memory and store.notice is not None
    assert store.notice.startswith("Progress is kept in memory only")
    assert "is full" in store.notice
    store.mark_lesson_read("secrets")
    assert store.lessons_read() == {"secrets"}


@pytest.mark.parametrize(("message", "name"), [
    ("database is locked", "BUSY"), ("database table is locked", "LOCKED"),
    ("database or disk is full", "FULL"), ("file is not a database", "NOTADB"),
    ("database disk image is malformed", "CORRUPT"),
    ("malformed database schema (t) - near x", "CORRUPT"),
    ("attempt to write a readonly database", "READONLY"),
    ("unable to open database file", "CANTOPEN"), ("disk I/O error", "IOERR"),
    ("no such table: t", "OTHER"),
])
def test_failures_are_told_apart_without_error_codes(message: str, name: str) -> None:
    """On Python 3.10 (no sqlite_errorcode) SQLite's message names the failure."""
    from tutor.progress.failures import code_name, is_damage

    error = sqlite3.OperationalError(message)
    assert code_name(error) == name
    assert is_damage(error) == (name in ("CORRUPT", "NOTADB"))


def test_failures_are_told_apart_by_extended_error_code() -> None:
    """An extended code (SQLITE_IOERR_SHORT_READ) counts as its primary code, not damage."""
    from tutor.progress.failures import code_name, is_damage

    error = sqlite3.OperationalError("short read")
    error.sqlite_errorcode = 522  # type: ignore[attr-defined]
    assert code_name(error) == "IOERR" and not is_damage(error)


# Reading needs no write access ----------------------------------------------------------------

def test_read_only_open_of_a_missing_store_creates_nothing(tmp_path: Path) -> None:
    """No store yet: None, and neither the folder nor a file is created."""
    assert ProgressStore.open_read_only(tmp_path / "nowhere") is None
    assert not (tmp_path / "nowhere").exists()


def test_read_only_open_writes_nothing_and_cannot_write(tmp_path: Path) -> None:
    """A store from before a table was added is read as it is; the file is not changed."""
    store = ProgressStore.open(tmp_path, learner="ada")
    store.mark_lesson_read("secrets")
    store._db.execute("DROP TABLE exam_answers")  # as a store from before exams
    store._db.commit()
    store.close()
    before = _files(tmp_path)
    reader = ProgressStore.open_read_only(tmp_path)
    assert reader is not None and reader.read_only
    assert list(reader.exams.all_attempts()) == []
    assert reader.exams.answers("no-such-attempt") == {}
    with pytest.raises(StoreError, match="read-only"):
        reader.mark_lesson_read("root-risks")
    reader.close()
    assert _files(tmp_path) == before


def test_an_existing_store_gains_the_lease_table_on_open(tmp_path: Path) -> None:
    """A store from before exam leases gets the table, keeps its data and its format."""
    store = ProgressStore.open(tmp_path, learner="ada")
    store.mark_lesson_read("secrets")
    store._db.execute("DROP TABLE exam_leases")
    store._db.commit()
    store.close()
    again = ProgressStore.open(tmp_path, learner="ada")
    tables = {row[0] for row in again._db.execute("SELECT name FROM sqlite_master")}
    assert "exam_leases" in tables and again.lessons_read() == {"secrets"}
    assert again._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == (
        str(SCHEMA_VERSION),)


def test_read_only_open_finds_a_store_whose_path_needs_quoting(tmp_path: Path) -> None:
    """A folder named with ? # and % is read, not mistaken for URI syntax (no new file)."""
    folder = tmp_path / "we?ird #%20 name"
    store = ProgressStore.open(folder, learner="ada")
    store.mark_lesson_read("secrets")
    store.close()
    reader = ProgressStore.open_read_only(folder)
    assert reader is not None
    assert reader._db.execute("SELECT lesson FROM lessons_read").fetchall() == [("secrets",)]
    reader.close()
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]
    assert [p.name for p in folder.iterdir()] == [FILE_NAME]
