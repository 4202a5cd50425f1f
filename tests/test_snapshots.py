"""Layout snapshots at the smallest supported terminal, 80×24 (SVGs in __snapshots__/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TODAY
from tutor.app import Launch
from tutor.app.app import TutorApp

ROOT = ("FROM debian:12\nARG API_TOKEN\nRUN apt-get update && apt-get install -y curl\n"
        "CMD [\"sh\"]\n")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder as the working directory, so paths on screen are short and stable."""
    (tmp_path / "Dockerfile").write_text(ROOT)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _app(data_dir: Path, path: Path | None = None) -> TutorApp:
    return TutorApp(Launch(path=path, data_dir=data_dir, learner="snap", today=TODAY))


def test_workbench_at_80x24(snap_compare: Any, project: Path, data_dir: Path) -> None:
    """Editor, profile, findings and explanation all fit the smallest terminal."""
    assert snap_compare(_app(data_dir, Path("Dockerfile")), terminal_size=(80, 24),
                        run_before=_settled)


def test_course_map_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """The course map lists every lesson and the quiz topics at 80×24."""
    assert snap_compare(_app(data_dir), terminal_size=(80, 24))


def test_lesson_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """A lesson's first screen at 80×24."""
    async def open_lesson(pilot: Any) -> None:
        pilot.app.open_lesson("root-risks")
        await pilot.pause()

    assert snap_compare(_app(data_dir), terminal_size=(80, 24), run_before=open_lesson)


def test_fix_preview_at_80x24(snap_compare: Any, project: Path, data_dir: Path) -> None:
    """The fix preview dialog shows the whole diff at 80×24."""
    async def preview(pilot: Any) -> None:
        await _settled(pilot)
        await pilot.press("f3")
        await pilot.pause()

    assert snap_compare(_app(data_dir, Path("Dockerfile")), terminal_size=(80, 24),
                        run_before=preview)


async def _settled(pilot: Any) -> None:
    from tests.test_app_workbench import settle

    await settle(pilot)


def test_course_map_with_progress_at_80x24(snap_compare: Any, data_dir: Path) -> None:
    """Part-way through: the progress lines, Continue on the next exercise, and exercises
    solved, started and not started under their lesson."""
    app = _app(data_dir)
    app.store.mark_lesson_read("root-risks")
    app.store.record_solution("root-add-user", {"Dockerfile": "FROM x"}, 0)
    app.store.set_place({"screen": "exercise", "exercise": "root-add-user"})
    (data_dir / "exercises" / "root-drop-sudo").mkdir(parents=True)
    app.store.record_practice_answer("root-default-user-risk", "root-risks", [0], True)
    assert snap_compare(app, terminal_size=(80, 24))
