"""The workbench's files without the UI: opening, analysing buffers, atomic saves, conflicts."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tutor.app.workspace import SaveConflict, Workspace
from tutor.atomic import write_atomic
from tutor.content.loader import load_course
from tutor.errors import InputError

ROOT_DOCKERFILE = "FROM debian:12\nRUN apt-get update\nCMD [\"sh\"]\n"


def rules(workspace: Workspace, texts: dict[str, str]) -> list[str]:
    return [item.finding.rule for item in workspace.analyze(texts, TODAY).findings]


def test_folder_opens_dockerfile_compose_and_ignore(tmp_path: Path) -> None:
    """A folder opens its Dockerfile, compose file and .dockerignore as the build context."""
    (tmp_path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    (tmp_path / ".dockerignore").write_text(".env\n")
    workspace = Workspace.from_path(tmp_path)
    assert list(workspace.files) == ["Dockerfile", "compose.yaml", ".dockerignore"]
    assert workspace.root == tmp_path


def test_compose_user_counts_for_the_dockerfile_it_builds(tmp_path: Path) -> None:
    """A service's user: that builds this Dockerfile decides who the image runs as."""
    (tmp_path / "Dockerfile").write_text(ROOT_DOCKERFILE)
    compose = "services:\n  web:\n    build: .\n    user: '10001'\n"
    (tmp_path / "compose.yaml").write_text(compose)
    workspace = Workspace.from_path(tmp_path)
    assert "HT101" not in rules(workspace, {"Dockerfile": ROOT_DOCKERFILE,
                                            "compose.yaml": compose})
    assert "HT101" in rules(workspace, {"Dockerfile": ROOT_DOCKERFILE,
                                        "compose.yaml": "services:\n  web:\n    build: .\n"})


def test_buffers_not_disk_are_analysed(tmp_path: Path) -> None:
    """Analysis reads the texts it is given, and the .dockerignore buffer governs the context."""
    (tmp_path / "Dockerfile").write_text("FROM debian:12\nCOPY . /app\nUSER 10001\n")
    (tmp_path / ".env").write_text("TOKEN=x\n")
    workspace = Workspace.from_path(tmp_path / "Dockerfile")
    assert "HT205" in rules(workspace, {"Dockerfile": "FROM debian:12\nCOPY . /app\n"
                                                      "USER 10001\n"})
    (tmp_path / ".dockerignore").write_text(".env\n")
    workspace = Workspace.from_path(tmp_path)
    texts = {"Dockerfile": "FROM debian:12\nCOPY . /app\nUSER 10001\n", ".dockerignore": ".env\n"}
    assert "HT205" not in rules(workspace, texts)
    assert "HT205" in rules(workspace, {**texts, ".dockerignore": "# nothing\n"})


def test_unusable_paths_say_why(tmp_path: Path) -> None:
    """Missing folders, empty folders and non-UTF-8 files are refused with a reason."""
    with pytest.raises(InputError, match="no such file"):
        Workspace.from_path(tmp_path / "nope" / "Dockerfile")
    with pytest.raises(InputError, match="no Dockerfile or compose file"):
        Workspace.from_path(tmp_path)
    (tmp_path / "Dockerfile").write_bytes(b"FROM debian\nRUN echo caf\xe9\n")
    with pytest.raises(InputError, match="UTF-8"):
        Workspace.from_path(tmp_path / "Dockerfile")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_in_the_folder_is_no_secret_file(tmp_path: Path) -> None:
    """A FIFO named id_rsa beside the Dockerfile is not reported as a key COPY . would send."""
    text = "FROM debian:13-slim\nCOPY . /app\nUSER 10001\n"
    (tmp_path / "Dockerfile").write_text(text)
    os.mkfifo(tmp_path / "id_rsa")
    (tmp_path / ".env").write_text("TOKEN=x\n")
    workspace = Workspace.from_path(tmp_path)
    messages = " ".join(item.finding.message for item in workspace.analyze(
        {"Dockerfile": text}, TODAY).findings)
    assert ".env" in messages and "id_rsa" not in messages


def test_new_file_name_opens_empty_and_is_created_on_save(tmp_path: Path) -> None:
    """Naming a Dockerfile that does not exist yet starts it empty; saving creates it."""
    workspace = Workspace.from_path(tmp_path / "Dockerfile")
    assert workspace.files["Dockerfile"].exists is False
    workspace.save("Dockerfile", "FROM scratch\n")
    assert (tmp_path / "Dockerfile").read_text() == "FROM scratch\n"


def test_save_refuses_to_clobber_an_outside_change(tmp_path: Path) -> None:
    """A file changed by another program is not overwritten unless the learner says so."""
    path = tmp_path / "Dockerfile"
    path.write_text(ROOT_DOCKERFILE)
    workspace = Workspace.from_path(path)
    path.write_text("FROM alpine:3.22\n# theirs, longer\n")
    with pytest.raises(SaveConflict):
        workspace.save("Dockerfile", "FROM mine\n")
    assert path.read_text().startswith("FROM alpine")
    workspace.save("Dockerfile", "FROM mine\n", overwrite=True)
    assert path.read_text() == "FROM mine\n"


def test_touch_without_change_is_not_a_conflict(tmp_path: Path) -> None:
    """A new timestamp with the same content does not block a save."""
    path = tmp_path / "Dockerfile"
    path.write_text(ROOT_DOCKERFILE)
    workspace = Workspace.from_path(path)
    os.utime(path, ns=(1, 1))
    workspace.save("Dockerfile", "FROM mine\n")
    assert path.read_text() == "FROM mine\n"


def test_atomic_write_keeps_mode_and_symlink(tmp_path: Path) -> None:
    """Saving keeps the file's permissions, writes through a symlink and leaves no temp file."""
    real = tmp_path / "real.Dockerfile"
    real.write_text("FROM a\n")
    real.chmod(0o640)
    link = tmp_path / "Dockerfile"
    link.symlink_to(real.name)
    write_atomic(link, "FROM b\n")
    assert link.is_symlink()
    assert real.read_text() == "FROM b\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "real.Dockerfile"]


def test_crlf_text_round_trips(tmp_path: Path) -> None:
    """Line endings are written back exactly as given."""
    path = tmp_path / "Dockerfile"
    write_atomic(path, "FROM a\r\nUSER 1\r\n")
    assert path.read_bytes() == b"FROM a\r\nUSER 1\r\n"


def test_exercise_copy_is_made_once_and_judged(tmp_path: Path) -> None:
    """An exercise's starter is copied once; later opens keep the learner's edits."""
    course = load_course()
    exercise = course.exercises["root-add-user"]
    workspace = Workspace.for_exercise(exercise, tmp_path)
    dockerfile = tmp_path / "root-add-user" / "Dockerfile"
    assert dockerfile.read_text() == exercise.starter["Dockerfile"]
    starter = workspace.analyze({"Dockerfile": exercise.starter["Dockerfile"]}, TODAY)
    assert starter.goal is not None and not starter.goal.passed
    solved = workspace.analyze(dict(exercise.solved_files()), TODAY)
    assert solved.goal is not None and solved.goal.passed
    dockerfile.write_text("FROM mine\n")
    Workspace.for_exercise(exercise, tmp_path)
    assert dockerfile.read_text() == "FROM mine\n"
    workspace.reset_exercise()
    assert dockerfile.read_text() == exercise.starter["Dockerfile"]


def test_every_exercise_is_solvable_in_its_workspace(tmp_path: Path) -> None:
    """Each shipped exercise: starter fails and solution passes when opened from disk."""
    course = load_course()
    for exercise in course.exercises.values():
        workspace = Workspace.for_exercise(exercise, tmp_path)
        texts = {name: exercise.starter.get(name, "") for name in workspace.files}
        result = workspace.analyze(texts, TODAY)
        assert result.goal is not None and not result.goal.passed, exercise.id
        solved = {name: exercise.solved_files().get(name, "") for name in workspace.files}
        result = workspace.analyze(solved, TODAY)
        assert result.goal is not None
        assert result.goal.passed, (exercise.id, [r for r in result.goal.results if not r.passed])
