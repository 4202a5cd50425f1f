"""The workbench as a learner uses it: findings, live edits, fixes, outside saves, exercises."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.pilots import until
from tutor.app.screens.dialogs import ChoiceDialog, FixDialog
from tutor.app.screens.solved import SolvedDialog
from tutor.app.screens.workbench import WorkbenchScreen
from tutor.app.widgets.findings import FindingsList
from tutor.app.widgets.live_analysis import DEBOUNCE_SECONDS
from tutor.progress.store import ProgressStore

ROOT = "FROM debian:12\nRUN apt-get update\nCMD [\"sh\"]\n"


def root_dockerfile(folder: Path) -> Path:
    """A Dockerfile that runs as root, ready to open."""
    path = folder / "Dockerfile"
    path.write_text(ROOT)
    return path


async def settle(pilot: Pilot[Any]) -> WorkbenchScreen:
    """Wait out the debounce and the analysis worker, then let the result be shown."""
    await pilot.pause(DEBOUNCE_SECONDS + 0.05)
    for worker in list(pilot.app.workers):
        if worker.group == "analysis":
            await worker.wait()
    await pilot.pause()
    benches = [s for s in pilot.app.screen_stack if isinstance(s, WorkbenchScreen)]
    assert benches, "no workbench is open"
    return benches[-1]



def shown_rules(screen: WorkbenchScreen) -> list[str]:
    findings = screen.query_one("#findings", FindingsList)
    return [item.finding.rule for item in findings.located]


def text_of(screen: WorkbenchScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_open_a_file_and_see_its_findings(tmp_path: Path, make_app: Any) -> None:
    """The profile says root and the list shows HT101 with its icon, word and line."""
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        assert "Runs as root" in text_of(screen, "#profile")
        findings = screen.query_one("#findings", FindingsList)
        first = str(findings.get_option_at_index(0).prompt)
        assert first.startswith("✖ error   HT101 L1")
        assert "Why it matters" in text_of(screen, "#explanation") or "How to fix it" in \
            text_of(screen, "#explanation")


async def test_editing_updates_the_findings(tmp_path: Path, make_app: Any) -> None:
    """Typing a USER line makes HT101 disappear without saving."""
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        assert "HT101" in shown_rules(screen)
        editor = screen.editor("Dockerfile")
        editor.move_cursor((2, 0))
        await pilot.press(*"USER 10001", "enter")
        screen = await settle(pilot)
        assert "HT101" not in shown_rules(screen)
        assert "Runs as 10001" in text_of(screen, "#profile")
        assert path.read_text() == ROOT  # nothing saved behind the learner's back
        assert "(unsaved)" in (screen.sub_title or "")


async def test_apply_a_fix_and_undo_it(tmp_path: Path, make_app: Any) -> None:
    """F3 previews the USER fix, Enter applies it, the finding goes; ctrl+z brings it back."""
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, FixDialog)
        assert "+USER 10001:10001" in str(app.screen.query_one("#fix-diff", Static).render())
        await pilot.press("enter")
        screen = await settle(pilot)
        assert "HT101" not in shown_rules(screen)
        assert "USER 10001:10001\nCMD" in screen.editor("Dockerfile").text
        await pilot.press("ctrl+z")
        screen = await settle(pilot)
        assert screen.editor("Dockerfile").text == ROOT
        assert "HT101" in shown_rules(screen)


async def test_outside_save_is_picked_up(tmp_path: Path, make_app: Any) -> None:
    """A save by another editor (write a temp file, rename it over) reloads the buffer."""
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        await pilot.pause(0.3)  # let the watcher start
        temp = tmp_path / ".Dockerfile.swp"
        temp.write_text("FROM debian:12\nUSER 10001\nCMD [\"sh\"]\n")
        temp.replace(path)
        await until(pilot, lambda: "USER 10001" in screen.editor("Dockerfile").text)
        screen = await settle(pilot)
        assert "HT101" not in shown_rules(screen)


async def test_outside_change_with_unsaved_edits_asks_before_saving(
        tmp_path: Path, make_app: Any) -> None:
    """Unsaved edits plus an outside change: a banner, and ctrl+s asks before overwriting."""
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        await pilot.pause(0.3)
        await pilot.press("#")
        path.write_text("FROM alpine:3.22\nUSER 1\n")
        await until(pilot, lambda: bool(screen.editors.conflicts))
        assert "changed on disk" in text_of(screen, "#disk-banner")
        assert screen.editor("Dockerfile").text.startswith("#")  # the learner's edit stays
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # the focused default is Cancel
        await pilot.pause()
        assert path.read_text() == "FROM alpine:3.22\nUSER 1\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#choice-overwrite")
        await pilot.pause()
        assert path.read_text() == "#" + ROOT


async def test_quit_with_unsaved_edits_asks(tmp_path: Path, make_app: Any) -> None:
    """ctrl+q with unsaved edits offers to save them; Save writes the file and quits."""
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("#")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert "unsaved changes in Dockerfile" in str(
            app.screen.query_one(".dialog-message", Static).render())
        await pilot.press("enter")  # Save
        await pilot.pause()
    assert path.read_text() == "#" + ROOT
    assert app.return_value == 0


async def test_untrusted_text_is_shown_literally(tmp_path: Path, make_app: Any) -> None:
    """Markup in the file name, USER and ENV lines is shown as typed and runs nothing."""
    folder = tmp_path / "[bold]x[@click=app.quit]y"
    folder.mkdir()
    path = folder / "[bold]dev[@click=app.quit].Dockerfile"
    text = ("FROM debian:12\nENV [@click=app.quit]TOKEN[/]=[bold]s3cr3t-value-1234[/bold]\n"
            "USER [/etc]\nRUN echo [@click=app.quit]boom[/]\n")
    path.write_text(text)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await settle(pilot)
        assert screen.editor(path.name).text == text
        assert "[bold]x[@click=app.quit]y/[bold]dev[@click=app.quit]" in (screen.sub_title or "")
        assert "USER [/etc]" in text_of(screen, "#profile") or "[/etc]" in text_of(
            screen, "#profile")
        findings = screen.query_one("#findings", FindingsList)
        prompts = [str(findings.get_option_at_index(i).prompt)
                   for i in range(findings.option_count)]
        assert any("[/etc]" in p for p in prompts)
        for index in range(findings.option_count):
            findings.highlighted = index
            await pilot.pause()
            await pilot.click("#explanation")
        await pilot.click("#profile")
        await pilot.pause()
        assert app.is_running
        assert "s3cr3t-value-1234" not in " ".join(prompts)


async def test_solving_an_exercise_is_celebrated_and_kept(make_app: Any, data_dir: Path) -> None:
    """Typing the solution turns the checklist green, records it and survives a restart."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_exercise("root-add-user")
        screen = await settle(pilot)
        assert "Goal: 0 of" in text_of(screen, "#goal") or "to do" in text_of(screen, "#goal")
        await pilot.press("f2")
        assert "Hint 1" in text_of(screen, "#hints")
        exercise = app.course.exercises["root-add-user"]
        editor = screen.editor("Dockerfile")
        editor.replace(exercise.solution["Dockerfile"], (0, 0), editor.document.end)
        screen = await settle(pilot)
        assert "Goal reached!" in text_of(screen, "#goal")
        assert "✗ to do" not in text_of(screen, "#goal")
        # Met by typing: no dialog under the learner's keys until the work is saved.
        assert "Save with ctrl+s to finish" in text_of(screen, "#goal")
        assert app.screen is screen
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SolvedDialog))
    store = ProgressStore.open(data_dir, "tester")
    try:
        solution = store.solutions()["root-add-user"]
        assert solution.files["Dockerfile"] == exercise.solution["Dockerfile"]
        assert solution.hints_used == 1
        assert store.place() == {"screen": "exercise", "exercise": "root-add-user"}
    finally:
        store.close()
    again = make_app()
    async with again.run_test(size=(100, 30)) as pilot:
        again.open_exercise("root-add-user")
        screen = await settle(pilot)
        # The learner's saved files come back, so the goal shows as reached at once.
        assert "Goal reached!" in text_of(screen, "#goal")


async def test_an_exercise_saved_in_another_editor_is_solved(make_app: Any,
                                                              data_dir: Path) -> None:
    """Saving the solution from outside the app meets the goal and is celebrated at once."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_exercise("root-add-user")
        screen = await settle(pilot)
        exercise = app.course.exercises["root-add-user"]
        path = screen.workspace.files["Dockerfile"].path
        await pilot.pause(1.2)  # the watcher is running
        path.write_text(exercise.solution["Dockerfile"])
        await until(pilot, lambda: isinstance(app.screen, SolvedDialog))
        assert screen.editor("Dockerfile").text == exercise.solution["Dockerfile"]
    store = ProgressStore.open(data_dir, "tester")
    try:
        assert store.solutions()["root-add-user"].files["Dockerfile"] == \
            exercise.solution["Dockerfile"]
    finally:
        store.close()


async def test_exercises_offer_no_automatic_fix(make_app: Any) -> None:
    """In exercise mode F3 explains instead of editing, so the learner makes the change."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.open_exercise("root-add-user")
        screen = await settle(pilot)
        before = screen.editor("Dockerfile").text
        await pilot.press("tab", "f3")
        await pilot.pause()
        assert not isinstance(app.screen, FixDialog)
        assert screen.editor("Dockerfile").text == before


async def test_latest_edit_wins(tmp_path: Path, make_app: Any) -> None:
    """Results of an older generation are never shown over a newer edit's."""
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        editor = screen.editor("Dockerfile")
        for _ in range(5):
            editor.insert("# x\n", (0, 0))
            await asyncio.sleep(0)
        editor.replace("FROM debian:12\nUSER 1\n", (0, 0), editor.document.end)
        screen = await settle(pilot)
        assert "HT101" not in shown_rules(screen)


class SlowFirstAnalysis:
    """Workspace.analyze, but the first call after ``install`` is slow (a big file's) and
    checks for a stop, as the real one does; each call's outcome is in ``calls``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from tutor.app.workspace import Workspace

        self.calls: list[str] = []  # "started", then "stopped" or "finished"
        self.running = self.most = 0
        self._real = Workspace.analyze
        self._monkeypatch = monkeypatch

    def install(self) -> None:
        from tutor.app.workspace import Workspace

        def analyze(workspace: Workspace, texts: Any, today: Any = None) -> Any:
            return self._analyze(workspace, texts, today)

        self._monkeypatch.setattr(Workspace, "analyze", analyze)

    def _analyze(self, workspace: Any, texts: Any, today: Any = None) -> Any:
        from tutor.analysis.interrupt import Interrupted, checkpoint

        self.calls.append("started")
        index = len(self.calls) - 1
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            if index == 0:
                for _ in range(500):  # five seconds, unless stopped
                    time.sleep(0.01)
                    checkpoint()
            result = self._real(workspace, texts, today)
        except Interrupted:
            self.calls[index] = "stopped"
            raise
        finally:
            self.running -= 1
        self.calls[index] = "finished"
        return result


async def test_an_edit_stops_the_analysis_under_way(tmp_path: Path, make_app: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """An analysis still running when the learner types is stopped rather than left to hold
    up the keystrokes; one runs at a time, and the findings follow the last edit."""
    slow = SlowFirstAnalysis(monkeypatch)
    app = make_app(root_dockerfile(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        slow.install()
        editor = screen.editor("Dockerfile")
        editor.insert("# x\n", (0, 0))
        await until(pilot, lambda: slow.calls == ["started"])
        editor.replace("FROM debian:12\nUSER 1\n", (0, 0), editor.document.end)
        await until(pilot, lambda: slow.calls[0] == "stopped")
        await until(pilot, lambda: "HT101" not in shown_rules(screen) and not screen.live.running)
        assert slow.most == 1


async def test_a_key_stops_the_analysis_and_it_starts_again_after_a_pause(
        tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Any key the app receives stops a running analysis, even one that edits nothing (a
    cursor move); the analysis runs again once the keys pause, and its findings show."""
    slow = SlowFirstAnalysis(monkeypatch)
    app = make_app(root_dockerfile(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        slow.install()
        screen.editor("Dockerfile").insert("# a comment\n", (0, 0))
        await until(pilot, lambda: slow.calls == ["started"])
        await pilot.press("down")  # moves the cursor, changes no buffer
        await until(pilot, lambda: slow.calls == ["stopped", "finished"])
        assert screen.result is not None and "HT101" in shown_rules(screen)
        assert screen.result.analysis is not None
        assert screen.result.analysis.dockerfile.instructions[0].line == 2  # after the edit


async def test_the_explanation_names_the_lesson_without_loading_the_course(
        tmp_path: Path, make_app: Any) -> None:
    """A finding's explanation gives its lesson's title, read from the lesson files alone:
    the whole course (exercises, question banks) is loaded only when something needs it."""
    from tutor.analysis.rules import RULES
    from tutor.content.loader import load_lessons

    titles = {lesson.id: lesson.title for lesson in load_lessons()}
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        item = screen.side.findings.highlighted_located
        assert item is not None
        title = titles[RULES[item.finding.rule].lesson]
        await until(pilot, lambda: title in text_of(screen, "#explanation"))
        assert app.loaded_course is None


async def test_new_secret_file_in_the_folder_is_noticed(tmp_path: Path, make_app: Any) -> None:
    """A key file appearing beside the Dockerfile makes COPY . a finding without a restart."""
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nCOPY . /app\nUSER 10001\n")
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        assert "HT205" not in shown_rules(screen)
        await pilot.pause(0.3)
        (tmp_path / "id_rsa").write_text("not really a key\n")
        await until(pilot, lambda: "HT205" in shown_rules(screen))


async def test_key_bar_lists_the_keys_and_a_click_presses_one(tmp_path: Path,
                                                               make_app: Any) -> None:
    """The key bar shows the workbench's keys; clicking "f1 Help" opens the help screen."""
    from tutor.app.screens.help import HelpScreen
    from tutor.app.widgets.keybar import KeyBar

    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        bar = screen.query_one(KeyBar)
        descriptions = [description for _, _, description, _ in bar.shown_keys()]
        assert {"Save", "Fix", "Quit", "Help"} <= set(descriptions)
        assert "Hint" not in descriptions  # only exercises have hints
        line = str(bar.render())
        assert "^s Save" in line
        column = line.index(" f1 Help") + 2
        await pilot.click(KeyBar, offset=(column, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_colours_come_after_the_first_findings(tmp_path: Path, make_app: Any) -> None:
    """The first frame shows plain text; the Dockerfile is highlighted once the lexer loads."""
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        editor = screen.editor("Dockerfile")
        await until(pilot, lambda: editor.highlighting)
        styles = {style for row in range(editor.document.line_count)
                  for _, _, style in editor.highlights(row)}
        assert "keyword" in styles  # FROM, RUN and CMD


async def test_collector_is_back_on_after_the_first_frame(tmp_path: Path,
                                                          make_app: Any) -> None:
    """The command line turns garbage collection off for start-up; the app turns it back on."""
    import gc

    path = root_dockerfile(tmp_path)
    app = make_app(path)
    gc.disable()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
    finally:
        gc.enable()


async def test_dialog_buttons_stay_on_screen_at_80x24(tmp_path: Path, make_app: Any) -> None:
    """A fix whose diff is taller than the terminal scrolls; Apply and Cancel stay visible."""
    from textual.widgets import Button

    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\n" + "RUN true\n" * 40 + "CMD [\"sh\"]\n")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, FixDialog)
        for button in app.screen.query(Button):
            # The middle row holds the label: the button must be what is drawn there.
            region = button.region
            shown, _ = app.screen.get_widget_at(region.x + region.width // 2, region.y + 1)
            assert shown is button, button.id


def test_code_spans_in_explanations_lose_their_backticks() -> None:
    """Paired backticks become bold text; an unpaired one is shown as written."""
    from rich.text import Text

    from tutor.app.widgets.findings import _append_prose

    text = Text()
    _append_prose(text, "see `docker history` now")
    assert text.plain == "see docker history now"
    assert any(span.style == "bold" and text.plain[span.start:span.end] == "docker history"
               for span in text.spans)
    odd = Text()
    _append_prose(odd, "RUN echo `id [/etc]")
    assert odd.plain == "RUN echo `id [/etc]" and not odd.spans


def test_profile_lists_the_final_base_first_with_short_digests() -> None:
    """The shipped base comes first, and a digest is cut so the pane's few lines suffice."""
    from tutor.analysis.engine import analyze_dockerfile
    from tutor.app.widgets.findings import profile_text

    digest = "sha256:" + "0178a641" * 8
    text = ("FROM golang:1.26-alpine@" + digest + " AS builder\nRUN go build\n"
            "FROM gcr.io/distroless/static\nCOPY --from=builder /app /app\n")
    shown = profile_text(analyze_dockerfile(text), "Dockerfile").plain
    bases = shown.split("Base images: ", 1)[1]
    assert bases.startswith("gcr.io/distroless/static ← final, golang:1.26-alpine@sha256:")
    assert "@sha256:0178a6410178… (stage builder)" in bases and digest not in bases


async def test_f4_steps_through_the_findings_and_wraps(tmp_path: Path, make_app: Any) -> None:
    """F4 highlights the next finding and puts the cursor on its line; after the last, the first."""
    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        findings = screen.query_one("#findings", FindingsList)
        located = findings.located
        assert len(located) >= 2
        start = findings.highlighted or 0
        for step in range(1, len(located) + 1):
            await pilot.press("f4")
            await pilot.pause()
            index = (start + step) % len(located)
            assert findings.highlighted == index
            row = screen.editor("Dockerfile").cursor_location[0]
            assert row == located[index].finding.line - 1
        assert findings.highlighted == start  # round the list and back


async def test_an_older_folder_walk_does_not_land_after_a_newer_one(
        tmp_path: Path, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rescans overlap: the first walk, slow, finishes last; the folder the workbench
    keeps is the second walk's."""
    import threading

    from tutor.app.workspace import DiskFolder, Workspace

    path = root_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        started, release = threading.Event(), threading.Event()
        slow, fast = DiskFolder(texts={"walk": "first"}), DiskFolder(texts={"walk": "second"})
        walks = iter([slow, fast])

        def walk(_self: Workspace) -> DiskFolder:
            found = next(walks)
            if found is slow:
                started.set()
                release.wait(5)
            return found

        monkeypatch.setattr(Workspace, "walk", walk)
        screen.disk_watch.rescan()
        await until(pilot, started.is_set)
        screen.disk_watch.rescan()  # exclusive: cancels the first, which is still walking
        await until(pilot, lambda: screen.workspace.disk is fast)
        release.set()
        for worker in list(app.workers):
            if worker.group == "scan":
                await worker.wait()
        await pilot.pause()  # a message the older walk posted would be handled by now
        assert screen.workspace.disk is fast
