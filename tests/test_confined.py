"""Workshop (confined) mode: a learner's app reaches their own folder and nothing else."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TODAY
from tutor import confine
from tutor.app import Launch
from tutor.app.app import TutorApp
from tutor.confine import OutsideError, inside


@pytest.fixture
def learner_folder(tmp_path: Path) -> Iterator[Path]:
    """Confine the test process to a learner's folder, and undo it afterwards."""
    before = confine._root
    folder = confine.confine(tmp_path / "learners" / "ada")
    yield folder
    confine._root = before


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the learner's folder that must stay out of reach."""
    path = tmp_path / "host-secret.key"
    path.write_text("FROM alpine:3.22\n# the host's secret\n")
    return path


def confined_app(folder: Path) -> TutorApp:
    return TutorApp(Launch(data_dir=folder, learner="ada", today=TODAY, confined=True))


def test_paths_resolve_inside_or_are_refused(learner_folder: Path, secret: Path) -> None:
    """Inside is fine (even not yet existing); '..' and a symlink out are refused."""
    assert inside(learner_folder / "new" / "Dockerfile").parent.name == "new"
    with pytest.raises(OutsideError, match="outside your folder"):
        inside(learner_folder / ".." / ".." / "host-secret.key")
    link = learner_folder / "Dockerfile"
    link.symlink_to(secret)
    with pytest.raises(OutsideError):
        inside(link)
    with pytest.raises(OutsideError):
        inside(Path("/etc/passwd"))


def test_the_workbench_cannot_open_or_save_outside(learner_folder: Path, secret: Path) -> None:
    """A path outside, or a symlink inside pointing out, is refused for reading and saving."""
    from tutor.app.workspace import Workspace

    with pytest.raises(OutsideError):
        Workspace.from_path(secret)
    with pytest.raises(OutsideError):
        Workspace.from_path(learner_folder / ".." / "host-secret.key")
    mine = learner_folder / "Dockerfile"
    mine.write_text("FROM alpine:3.22\n")
    workspace = Workspace.from_path(mine)
    mine.unlink()
    mine.symlink_to(secret)  # swapped for a link after opening: the save must not follow it
    with pytest.raises(OutsideError):
        workspace.save("Dockerfile", "FROM scratch\n", overwrite=True)
    assert "the host's secret" in secret.read_text()


async def test_open_a_file_outside_shows_an_error(learner_folder: Path, secret: Path) -> None:
    """In the app, 'Open a file' with a path outside says so and opens nothing."""
    app = confined_app(learner_folder)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.open_file(secret)
        await pilot.pause()
        assert [n.message for n in app._notifications][-1].startswith(str(secret))
        assert "outside your folder" in [n.message for n in app._notifications][-1]
        assert type(app.screen).__name__ != "WorkbenchScreen"


async def test_links_never_open_a_browser_on_the_host(
        learner_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Confined in a terminal, a web link is shown to copy; the host's browser is not used."""
    import webbrowser

    def refuse(*args: Any, **kwargs: Any) -> bool:
        raise AssertionError("webbrowser.open called on the host")

    monkeypatch.setattr(webbrowser, "open", refuse)
    app = confined_app(learner_folder)
    async with app.run_test(size=(100, 30)) as pilot:
        app.follow_link("https://docs.docker.com/")
        await pilot.pause()
        assert any(n.title == "Copy the address into your browser"
                   for n in app._notifications)


def test_confined_takes_no_path_or_data_dir(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """--confined with a PATH or --data-dir is a usage error before the screen is taken."""
    from tutor.cli import main

    before = confine._root
    try:
        code = main(["--confined", str(tmp_path / "ada"), str(tmp_path)])
    finally:
        confine._root = before
    assert code == 2 and "--confined takes no PATH" in capsys.readouterr().err


async def test_unsaved_edits_survive_a_dropped_session(learner_folder: Path) -> None:
    """Typing then losing the session keeps the edits; the next session offers them back."""
    from tests.test_app_workbench import settle
    from tutor.app.drafts import AUTOSAVE_SECONDS, Drafts
    from tutor.app.widgets.editor import CodeEditor

    path = learner_folder / "Dockerfile"
    path.write_text("FROM alpine:3.22\n")
    app = TutorApp(Launch(path=path, data_dir=learner_folder, learner="ada", today=TODAY,
                          confined=True))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        screen.query_one(CodeEditor).insert("USER 10001\n", (1, 0))
        await pilot.pause(AUTOSAVE_SECONDS + 0.3)
    assert path.read_text() == "FROM alpine:3.22\n"  # nothing saved behind the learner's back
    assert Drafts(learner_folder).load(path) == "FROM alpine:3.22\nUSER 10001\n"
    again = TutorApp(Launch(path=path, data_dir=learner_folder, learner="ada", today=TODAY,
                            confined=True))
    async with again.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        assert screen.query_one(CodeEditor).text == "FROM alpine:3.22\nUSER 10001\n"
        assert any("Restored your unsaved edits" in n.message for n in again._notifications)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert Drafts(learner_folder).load(path) is None  # saved: the draft is gone


async def test_no_signing_key_is_loaded_when_confined(
        learner_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key in the environment is not used by a confined app: the server signs, not it."""
    from tutor.content.loader import load_course
    from tutor.exam.record import KEY_ENV
    from tutor.exam.spec import spec_for

    monkeypatch.setenv(KEY_ENV, "a-key-the-learner-must-not-use-1234")
    course = load_course(None)
    spec = spec_for(course, questions=1, types=["single"], seed=1)
    app = TutorApp(Launch(data_dir=learner_folder, exam=spec, exam_learner="Ada",
                          course=course, today=TODAY, confined=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(40):
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "ExamScreen":
                break
        session = app.screen.session  # type: ignore[attr-defined]
        record = session.submit()
    assert record["signature"]["method"] == "none"
    assert os.environ[KEY_ENV]  # it was there, and still not used


async def test_a_served_learner_sits_the_exam_as_their_link_says(
        learner_folder: Path) -> None:
    """With the identity from the link, the start screen asks nothing and records it."""
    from textual.widgets import Button

    from tutor.content.loader import load_course
    from tutor.exam.learners import Learner
    from tutor.exam.spec import spec_for

    course = load_course(None)
    spec = spec_for(course, questions=1, types=["single"], seed=1)
    ada = Learner(id="A12", name="Ada Lovelace", source="roster")
    app = TutorApp(Launch(data_dir=learner_folder, exam=spec, exam_learner="Mallory",
                          course=course, today=TODAY, confined=True, identity=ada))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert "You sit this exam as Ada Lovelace (A12)" in text
        app.screen.query_one("#exam-begin", Button).press()
        for _ in range(40):
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "ExamScreen":
                break
        record = app.screen.session.submit()  # type: ignore[attr-defined]
    assert record["learner"] == {"id": "A12", "name": "Ada Lovelace", "source": "roster"}


def test_a_learner_name_needs_confined_and_an_id(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """--learner-name alone is a usage error: identity comes only from the server."""
    from tutor.cli import main

    assert main(["--learner-name", "Ada", "--data-dir", str(tmp_path)]) == 2
    assert "--learner-name goes with --confined" in capsys.readouterr().err
