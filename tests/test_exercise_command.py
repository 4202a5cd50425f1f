"""``hardening-tutor exercise check ID [DIR]``: exit 0 met, 1 not met, 2 bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tutor.cli import main

EXERCISES = Path(__file__).resolve().parents[1] / "lessons" / "exercises"


def _folder(tmp_path: Path, exercise: str, solved: bool) -> Path:
    folder = tmp_path / exercise
    shutil.copytree(EXERCISES / exercise / "starter", folder)
    if solved:
        shutil.copytree(EXERCISES / exercise / "solution", folder, dirs_exist_ok=True)
    return folder


def test_solution_meets_the_goal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path, "root-drop-sudo", solved=True)
    assert main(["exercise", "check", "root-drop-sudo", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "goal met" in out and "✖" not in out


def test_starter_does_not(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path, "root-drop-sudo", solved=False)
    assert main(["exercise", "check", "root-drop-sudo", str(folder)]) == 1
    assert "goal not met" in capsys.readouterr().out


def test_a_gamed_submission_is_rejected_with_the_reason(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path, "root-drop-sudo", solved=True)
    dockerfile = folder / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace(
        " \\\n && chown 10001:10001 /srv/status/data /var/log/status", ""))
    assert main(["exercise", "check", "root-drop-sudo", str(folder), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    failed = [c for c in report["checks"] if not c["passed"]]
    assert report["met"] is False and failed[0]["kind"] == "writable"
    assert "cannot write /srv/status/data" in failed[0]["detail"]


def test_current_folder_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(_folder(tmp_path, "user-scratch", solved=True))
    assert main(["exercise", "check", "user-scratch"]) == 0


@pytest.mark.parametrize(("args", "says"), [
    (["exercise", "check", "root-add-usr"], "did you mean root-add-user?"),
    (["exercise", "check", "root-add-user", "/no/such/folder"], "does not exist"),
    (["exercise", "check", "root-add-user", "{empty}"], "no Dockerfile and no compose file"),
    (["exercise"], "say 'exercise check ID [DIR]'"),
])
def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           args: list[str], says: str) -> None:
    args = [a.replace("{empty}", str(tmp_path)) for a in args]
    assert main(args) == 2
    assert says in capsys.readouterr().err
