"""The workbench: the learner's Dockerfile (and compose file) with live, explained findings.

Edits are analysed after a short pause in a thread worker, one analysis at a time. An edit
stops the analysis running (its buffers are out of date, and a computing thread would delay
the keystroke's echo); the next pause starts one afresh, and only the latest generation's
result is shown. A watcher on the folder picks up saves from the learner's own editor. In
exercise mode the goal is a live checklist.

Workers (the analysis, the folder walk, loading the course) never change a widget or
shared state: each returns what it found in a message nested in this screen, and the
message's handler, on the UI thread, assigns it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Header, OptionList
from textual.worker import get_current_worker

from tutor import confine
from tutor.analysis.files import display_path
from tutor.analysis.fixes import Fix
from tutor.analysis.interrupt import Interrupted, interruptible
from tutor.app.drafts import AUTOSAVE_SECONDS, Drafts
from tutor.app.screens.base import TutorScreen
from tutor.app.screens.dialogs import ChoiceDialog, FixDialog
from tutor.app.widgets.analysis_pane import AnalysisPane
from tutor.app.widgets.editor import CodeEditor
from tutor.app.widgets.editor_tabs import EditorTabs
from tutor.app.widgets.exercise_panel import ExercisePanel
from tutor.app.widgets.keybar import KeyBar
from tutor.app.workspace import DiskFolder, Located, SaveConflict, WorkResult, Workspace
from tutor.errors import TutorError
from tutor.safetext import visible

if TYPE_CHECKING:
    from tutor.content.model import Course, Exercise

# How long typing must pause before the buffers are analysed again.
DEBOUNCE_SECONDS = 0.1
# Up to this much text (about 2,000 lines) the first analysis runs before the first frame.
SYNC_ANALYSIS_CHARS = 64_000
# Narrower than this, the editor and the side pane stack instead of sitting side by side.
NARROW = 100


class WorkbenchScreen(TutorScreen[None]):
    """Editor, image profile, findings and explanation side by side."""

    @dataclass
    class AnalysisReady(Message):
        """A worker analysed one generation of the buffers (``texts``, as analysed)."""

        generation: int
        result: WorkResult | None  # None: an edit stopped it (it was out of date)
        started: float
        texts: dict[str, str]

    @dataclass
    class DiskChanged(Message):
        """Files below the workbench's folder changed on disk."""

        paths: set[Path]

    @dataclass
    class Rescanned(Message):
        """A walk of the folder finished; the handler keeps it and analyses again."""

        disk: DiskFolder

    @dataclass
    class CourseLoaded(Message):
        """The course was read in a worker; the handler keeps it and explains again."""

        course: Course

    # Most important first: at 80 columns the key bar keeps the first ones that fit.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("f2", "hint", "Hint"),
        Binding("f5", "toggle_panel", "Panel"),
        Binding("f4", "next_finding", "Next finding"),
        Binding("escape", "back", "Back"),
        Binding("f3", "preview_fix", "Fix"),
        Binding("ctrl+l", "open_lesson", "Lesson"),
        Binding("ctrl+r", "reload", "Reload"),
        Binding("f8", "next_file", "Next file"),
        # Textual's own focus keys, declared here so F1 help lists them.
        Binding("tab", "app.focus_next", "Next pane: editor, findings, explanation",
                show=False),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
    ]
    # Below NARROW columns the panes stack: the editor full width, the goal, findings and
    # explanation below it, and F5 gives them the whole screen (tutor.tcss, "-narrow").
    # Textual declares it a plain attribute, so it cannot be annotated ClassVar here.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]  # noqa: RUF012

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.editors = EditorTabs(workspace.files, id="editor-pane")
        self.side = AnalysisPane(workspace.exercise, workspace.dockerfile, id="side-pane")
        self.result: WorkResult | None = None
        self.generation = 0
        self._analysing = False  # a worker is analysing (one at a time)
        self._stop_analysis = threading.Event()  # set: the running analysis stops
        self._debounce: Timer | None = None
        # Files changed on disk while their buffer had unsaved edits.
        self.conflicts: set[str] = set()
        self.solved = False
        # Milliseconds from the start of each analysis to the findings on screen.
        self.timings: list[float] = []
        # Set on unmount: the watcher's thread stops instead of holding up the exit.
        self._stop_watching = asyncio.Event()
        self._autosave: Timer | None = None
        name = workspace.exercise.title if workspace.exercise else (
            workspace.dockerfile or workspace.compose or "")
        self.title = "Exercise" if workspace.exercise else "Workbench"
        self.set_class(workspace.exercise is not None, "-exercise")
        # The breakpoint class from the start: added at the first resize, it would restyle
        # every widget once more before the first frame.
        narrow = self.app.size.width < NARROW
        self.set_class(narrow, "-narrow")
        self.set_class(not narrow, "-wide")
        self.sub_title = visible(name if workspace.exercise
                                 else display_path(workspace.root / name))

    @classmethod
    def for_path(cls, path: Path) -> WorkbenchScreen:
        """The workbench on a file or folder; raises TutorError when it cannot be opened."""
        return cls(Workspace.from_path(path))

    @classmethod
    def for_exercise(cls, exercise: Exercise, folder: Path) -> WorkbenchScreen:
        """The workbench on the learner's copy of an exercise."""
        return cls(Workspace.for_exercise(exercise, folder))

    @property
    def names(self) -> list[str]:
        """The files open, in tab order."""
        return self.editors.names

    # Layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="workbench"):
            yield self.editors
            yield self.side
        yield KeyBar()

    def on_mount(self) -> None:
        if self.names:
            self.editor(self.names[0]).focus()
        self._restore_drafts()
        self._first_analysis()
        exercise = self.workspace.exercise
        if exercise is not None:
            self._save_place({"screen": "exercise", "exercise": exercise.id})

    def on_unmount(self) -> None:
        self._stop_watching.set()

    def _save_place(self, place: dict[str, str]) -> None:
        try:
            self.tutor.store.set_place(place)
        except TutorError as exc:
            self.tutor.show_error(str(exc))

    def editor(self, name: str) -> CodeEditor:
        """The editor holding one file's buffer."""
        return self.editors.editor(name)

    def unsaved_names(self) -> list[str]:
        """The files whose buffer differs from what is on disk."""
        return self.editors.unsaved_names()

    # Live analysis ------------------------------------------------------------------------

    @on(EditorTabs.Edited)
    def _edited(self) -> None:
        # The analysis running read the buffers before this edit: stop it now, so it does
        # not hold up the keystroke's echo (tutor.analysis.interrupt).
        self._stop_analysis.set()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self.start_analysis)
        if self.drafts is not None:
            if self._autosave is not None:
                self._autosave.stop()
            self._autosave = self.set_timer(AUTOSAVE_SECONDS, self.write_drafts)

    @property
    def drafts(self) -> Drafts | None:
        """Where unsaved buffers are kept: only in workshop (confined) mode."""
        folder = confine.root()
        return Drafts(folder) if folder is not None else None

    def write_drafts(self) -> None:
        """Keep every unsaved buffer on disk; forget drafts of buffers that match the file."""
        if (drafts := self.drafts) is not None:
            for problem in self.editors.keep_drafts(drafts):
                self.tutor.show_error(problem)

    def _restore_drafts(self) -> None:
        if (drafts := self.drafts) is not None:
            for name in self.editors.restore_drafts(drafts):
                self.notify(f"Restored your unsaved edits to {name} from last time; ctrl+s "
                            f"saves them, ctrl+r goes back to the file.", markup=False)

    def _first_analysis(self) -> None:
        """Analyse before the first frame, so it is drawn once, with its findings.

        The screen takes no input yet, and drawing it twice (first "Analysing…", then the
        findings) costs more than a typical file's analysis. Big files go to the worker.
        """
        texts = self.editors.texts()
        if sum(len(text) for text in texts.values()) > SYNC_ANALYSIS_CHARS:
            self.start_analysis()
            return
        self.generation += 1
        started = time.perf_counter()
        self._show(self.workspace.analyze(texts, self.tutor.today), started, texts)

    def start_analysis(self) -> None:
        """Analyse the buffers as they are now, or as soon as the running analysis ends.

        One analysis runs at a time. A thread cannot be stopped, so starting one at each
        pause in typing would leave several running together on a big file, each slowing
        the others and the keystrokes' echo; an edit made meanwhile is analysed when the
        running one ends, with the buffers as they are then.
        """
        self.generation += 1
        if self._analysing:
            self._stop_analysis.set()  # what it analyses is out of date
        else:
            self._analysing = True
            self._stop_analysis = threading.Event()
            self._analyse(self.generation, self.editors.texts(), self._stop_analysis)

    @work(thread=True, group="analysis")
    def _analyse(self, generation: int, texts: dict[str, str], stop: threading.Event) -> None:
        started = time.perf_counter()
        try:
            with interruptible(stop):
                result: WorkResult | None = self.workspace.analyze(texts, self.tutor.today)
        except Interrupted:
            result = None
        self.post_message(self.AnalysisReady(generation, result, started, texts))

    @on(AnalysisReady)
    def _show_result(self, message: AnalysisReady) -> None:
        self._analysing = False
        if message.generation != self.generation:
            self.start_analysis()  # the buffers changed meanwhile: analyse them as they are
        elif message.result is not None:
            self._show(message.result, message.started, message.texts)
        # else an edit stopped it, and the edit's pause in typing starts the next one

    def _show(self, result: WorkResult, started: float, texts: dict[str, str]) -> None:
        self.result = result
        self.side.show(result)
        self._explain()
        if result.goal is not None:
            # Solved means solved on disk: a goal met by typing is celebrated once it is
            # saved, so a dialog never pops up under the learner's keystrokes.
            saved = all(texts.get(name) == self.workspace.files[name].disk_text
                        for name in self.names)
            self.query_one(ExercisePanel).show_goal(result.goal, unsaved=not saved)
            if result.goal.passed and saved:
                self._solved(texts)
        self.timings.append((time.perf_counter() - started) * 1000)
        if len(self.timings) == 1:
            # Start watching and load the course once the first findings are on screen,
            # so the learner sees them sooner.
            self.call_after_refresh(self._after_first_findings)

    def _after_first_findings(self) -> None:
        for name in self.names:
            self.editor(name).start_highlighting()
        self.watch_folder()
        # A save between reading the files and the watcher starting raised no event:
        # compare the files with what was read once the watcher is surely running.
        self.set_timer(1.0, self._check_stamps)
        if self.tutor.loaded_course is None:
            self._load_course()

    def _check_stamps(self) -> None:
        changed = [name for name in self.names if self.workspace.changed_on_disk(name)]
        if changed:
            self.post_message(self.DiskChanged({self.workspace.files[n].path for n in changed}))

    @work(thread=True, group="course")
    def _load_course(self) -> None:
        self.post_message(self.CourseLoaded(self.tutor.read_course()))

    @on(CourseLoaded)
    def _course_loaded(self, message: CourseLoaded) -> None:
        self.tutor.keep_course(message.course)
        self._explain()  # the lesson's title, now that it is known

    @on(OptionList.OptionHighlighted, "#findings")
    def _highlighted(self) -> None:
        self._explain()

    @on(OptionList.OptionSelected, "#findings")
    def _selected(self) -> None:
        self.go_to(self.side.findings.highlighted_located)

    def go_to(self, item: Located | None) -> None:
        """Move the editor to a finding's line and focus it."""
        if item is None or item.file not in self.names:
            return
        self.editors.switch_to(item.file)
        self.show_panel(False)
        self.editors.go_to(item.file, item.finding.line)

    def _explain(self) -> None:
        item = self.side.findings.highlighted_located
        self.side.explain(item, self.fix_for(item), self.tutor.loaded_course)

    def fix_for(self, item: Located | None) -> Fix | None:
        """The mechanical fix for a finding, computed from the buffer it was found in."""
        if item is None or self.result is None or item.file not in self.names:
            return None
        return self.workspace.fix_for(self.result, item, self.editor(item.file).text,
                                      self.tutor.today)

    # Files on disk ------------------------------------------------------------------------

    @work(exclusive=True, group="watch")
    async def watch_folder(self) -> None:
        """Watch the folder, not the files: editors that save by rename replace the inode."""
        from watchfiles import awatch

        try:
            async for changes in awatch(self.workspace.root, step=50, debounce=400,
                                        stop_event=self._stop_watching):
                self.post_message(self.DiskChanged({Path(path) for _, path in changes}))
        except Exception as exc:
            self.tutor.show_error(f"Cannot watch {self.workspace.root} for changes ({exc}); "
                                  f"press ctrl+r to reload files saved elsewhere.")

    @on(DiskChanged)
    def _disk_changed(self, message: DiskChanged) -> None:
        by_path = {self.workspace.files[name].path: name for name in self.names}
        changed = {by_path[p] for p in message.paths if p in by_path}
        others = message.paths - by_path.keys()
        for name in changed:
            self._outside_change(name)
        if others:
            self._rescan()  # then analyses; walking a big folder must not block typing
        else:
            self.start_analysis()

    @work(exclusive=True, thread=True, group="scan")
    def _rescan(self) -> None:
        disk = self.workspace.walk()
        # A newer rescan cancelled this one: a thread cannot be stopped, but its older view
        # of the folder must not land after the newer one.
        if not get_current_worker().is_cancelled:
            self.post_message(self.Rescanned(disk))

    @on(Rescanned)
    def _rescanned(self, message: Rescanned) -> None:
        self.workspace.disk = message.disk
        self.start_analysis()

    def _outside_change(self, name: str) -> None:
        work_file = self.workspace.files[name]
        if not self.workspace.changed_on_disk(name):
            return
        buffer = self.editor(name).text
        if buffer == work_file.disk_text:
            self._load_from_disk(name)
            self.notify(f"{name} changed on disk and was reloaded.", markup=False)
            return
        self.conflicts.add(name)
        self._show_banner()

    def _load_from_disk(self, name: str) -> None:
        try:
            text = self.workspace.read(name)
        except TutorError as exc:
            self.tutor.show_error(str(exc))
            return
        self.editors.load(name, text)
        self.conflicts.discard(name)
        self._show_banner()

    def _show_banner(self) -> None:
        names = ", ".join(sorted(self.conflicts))
        self.editors.show_notice(Text(
            f"⚠ {names} changed on disk while you have unsaved edits. ctrl+r loads the disk "
            f"version; ctrl+s asks before saving yours over it.") if self.conflicts else None)

    @on(EditorTabs.UnsavedChanged)
    def _unsaved_changed(self, message: EditorTabs.UnsavedChanged) -> None:
        marker = " (unsaved)" if message.unsaved else ""
        base = (self.sub_title or "").removesuffix(" (unsaved)")
        self.sub_title = base + marker

    # Actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that do nothing here (the hint outside exercises, back with no screen)."""
        if action == "hint":
            return self.workspace.exercise is not None
        if action == "next_file":
            return len(self.names) > 1
        if action == "toggle_panel":
            return self.has_class("-narrow")
        if action == "back":
            return len(self.app.screen_stack) > 1
        return True

    @work(group="dialog")
    async def action_save(self) -> None:
        await self.save(self.editors.current_name)

    async def save(self, name: str) -> bool:
        """Save one buffer; ask first if the file changed on disk since it was read."""
        text = self.editor(name).text
        try:
            self.workspace.save(name, text)
        except SaveConflict:
            answer = await self.app.push_screen_wait(ChoiceDialog(
                f"{name} changed on disk",
                f"{name} was changed by another program since you opened it. Saving now "
                f"replaces those changes with yours.",
                [("overwrite", "Save mine over it"), ("cancel", "Cancel")], default="cancel"))
            if answer != "overwrite":
                return False
            try:
                self.workspace.save(name, text, overwrite=True)
            except TutorError as exc:
                self.tutor.show_error(str(exc))
                return False
        except TutorError as exc:
            self.tutor.show_error(str(exc))
            return False
        self.conflicts.discard(name)
        self._show_banner()
        self.editors.mark_unsaved()
        if self.drafts is not None:
            self.drafts.drop(self.workspace.files[name].path)
        self.notify(f"Saved {name}.", markup=False)
        if self.workspace.exercise is not None:
            self.start_analysis()  # a goal met in the buffer is solved once it is saved
        return True

    @work(group="dialog")
    async def action_reload(self) -> None:
        name = self.editors.current_name
        if self.editor(name).text != self.workspace.files[name].disk_text:
            answer = await self.app.push_screen_wait(ChoiceDialog(
                f"Reload {name}?", "Your unsaved edits to it will be discarded.",
                [("reload", "Discard and reload"), ("cancel", "Cancel")], default="cancel"))
            if answer != "reload":
                return
        self._load_from_disk(name)
        self.start_analysis()

    def action_next_file(self) -> None:
        self.editors.next_file()

    def action_next_finding(self) -> None:
        item = self.side.findings.highlight_next()
        if item is not None:
            self.go_to(item)

    @work(group="dialog")
    async def action_preview_fix(self) -> None:
        item = self.side.findings.highlighted_located
        fix = self.fix_for(item)
        if item is None or fix is None:
            self.notify("This finding has no mechanical fix; the explanation says what to "
                        "change.", markup=False)
            return
        if self.workspace.exercise is not None:
            self.notify("In an exercise, make the change yourself; F2 gives a hint.",
                        markup=False)
            return
        if await self.app.push_screen_wait(FixDialog(fix, item.file)):
            self.apply_fix(item.file, fix)

    def apply_fix(self, name: str, fix: Fix) -> None:
        """Apply a fix as one edit, so one ctrl+z undoes it."""
        if not self.editors.apply_fix(name, fix):
            self.tutor.show_error("The file changed since the fix was computed; try again.")
            return
        self.notify(f"Applied: {fix.title}. ctrl+z undoes it, ctrl+s saves.", markup=False)

    def action_open_lesson(self) -> None:
        from tutor.analysis.rules import RULES

        item = self.side.findings.highlighted_located
        exercise = self.workspace.exercise
        if item is not None and item.finding.rule in RULES:
            self.tutor.open_lesson(RULES[item.finding.rule].lesson)
        elif exercise is not None and exercise.lesson:
            self.tutor.open_lesson(exercise.lesson)

    def on_resize(self) -> None:
        # Textual sets the breakpoint class after this handler.
        self.call_after_refresh(self._fit_width)

    def _fit_width(self) -> None:
        """The breakpoint class may have changed: show or hide the Panel key."""
        if not self.has_class("-narrow"):
            self.remove_class("-panel")
        self.refresh_bindings()

    def action_toggle_panel(self) -> None:
        """At narrow widths: the goal, findings and explanation on the whole screen, or not."""
        self.show_panel(not self.has_class("-panel"))

    def show_panel(self, whole: bool) -> None:
        """Give the side pane the whole screen (narrow widths only), or share it again.

        The keyboard follows: to the findings when the panel opens, back to the editor
        when it closes, so it never stays on a pane that is hidden.
        """
        if whole == self.has_class("-panel") or (whole and not self.has_class("-narrow")):
            return
        self.set_class(whole, "-panel")
        if whole:
            self.query_one("#findings").focus()
        else:
            self.editors.focus_current()

    def action_hint(self) -> None:
        if self.workspace.exercise is not None:
            self.query_one(ExercisePanel).reveal_hint()

    def _solved(self, texts: dict[str, str]) -> None:
        """Record the files that met the goal (they are on disk) and celebrate."""
        exercise = self.workspace.exercise
        if exercise is None or self.solved:
            return
        self.solved = True
        try:
            self.tutor.store.record_solution(exercise.id, texts,
                                             self.query_one(ExercisePanel).hints_used)
        except TutorError as exc:
            self.tutor.show_error(str(exc))
        from tutor.app.screens.solved import SolvedDialog

        self.app.push_screen(SolvedDialog(exercise, self.workspace.root))

    @work(group="dialog")
    async def action_back(self) -> None:
        if await self.confirm_leave():
            self.dismiss(None)

    async def confirm_leave(self) -> bool:
        """Offer to save unsaved edits; False when the learner cancels."""
        unsaved = self.unsaved_names()
        if not unsaved:
            return True
        answer = await self.app.push_screen_wait(ChoiceDialog(
            "Unsaved changes", f"You have unsaved changes in {', '.join(unsaved)}.",
            [("save", "Save"), ("discard", "Discard"), ("cancel", "Cancel")]))
        if answer == "save":
            for name in unsaved:
                if not await self.save(name):
                    return False
            return True
        return answer == "discard"

    @work(group="dialog")
    async def confirm_quit(self) -> None:
        """Quit the app after the unsaved-changes question."""
        if await self.confirm_leave():
            self.app.exit(0)
