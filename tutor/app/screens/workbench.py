"""The workbench: the learner's Dockerfile (and compose file) with live, explained findings.

The screen puts together the file tabs and editors (``EditorTabs``), the side pane
(``AnalysisPane``: profile, exercise goal, findings, explanation), the analysis loop
(``LiveAnalysis``) and the folder watcher (``DiskWatch``). It keeps what joins them: showing
each result, outside changes that conflict with unsaved edits, saving, the dialogs, and an
exercise's solved flow.

Workers (the analysis, the folder walk, loading the course) never change a widget or
shared state: each returns what it found in a message, and the message's handler, on the
UI thread, assigns it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Header, OptionList

from tutor import confine
from tutor.analysis.files import display_path
from tutor.analysis.fixes import Fix
from tutor.app.drafts import Drafts
from tutor.app.screens.base import TutorScreen
from tutor.app.screens.dialogs import ChoiceDialog, FixDialog
from tutor.app.widgets.analysis_pane import AnalysisPane
from tutor.app.widgets.disk_watch import DiskWatch
from tutor.app.widgets.editor import CodeEditor
from tutor.app.widgets.editor_tabs import EditorTabs
from tutor.app.widgets.exercise_panel import ExercisePanel
from tutor.app.widgets.keybar import KeyBar
from tutor.app.widgets.live_analysis import LiveAnalysis
from tutor.app.workspace import Located, SaveConflict, WorkResult, Workspace
from tutor.errors import TutorError
from tutor.safetext import visible

if TYPE_CHECKING:
    from tutor.content.model import Exercise

# Narrower than this, the editor and the side pane stack instead of sitting side by side.
NARROW = 100


class WorkbenchScreen(TutorScreen[None]):
    """Editor, image profile, findings and explanation side by side."""

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
        folder = confine.root()  # workshop mode keeps unsaved buffers as drafts
        self.editors = EditorTabs(workspace.files, id="editor-pane",
                                  drafts=Drafts(folder) if folder is not None else None)
        self.side = AnalysisPane(workspace.exercise, workspace.dockerfile, self.fix_for,
                                 id="side-pane")
        self.live = LiveAnalysis(workspace, self.editors.texts, self.tutor.today)
        self.disk_watch = DiskWatch(workspace)
        self.result: WorkResult | None = None
        self.solved = False
        # Milliseconds from the start of each analysis to the findings on screen.
        self.timings: list[float] = []
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
        yield self.live
        yield self.disk_watch

    def on_mount(self) -> None:
        self.editors.focus_current()
        self.editors.restore_drafts()
        ready = self.live.first()
        if ready is not None:
            self._show(ready)
        exercise = self.workspace.exercise
        if exercise is not None:
            self.remember_place({"screen": "exercise", "exercise": exercise.id})

    def editor(self, name: str) -> CodeEditor:
        """The editor holding one file's buffer."""
        return self.editors.editor(name)

    def unsaved_names(self) -> list[str]:
        """The files whose buffer differs from what is on disk."""
        return self.editors.unsaved_names()

    # Live analysis ------------------------------------------------------------------------

    @on(EditorTabs.Edited)
    def _edited(self) -> None:
        self.live.edited()

    @on(LiveAnalysis.Ready)
    def _show(self, ready: LiveAnalysis.Ready) -> None:
        result, texts = ready.result, ready.texts
        self.result = result
        # Solved means solved on disk: a goal met by typing is celebrated once it is saved,
        # so a dialog never pops up under the learner's keystrokes.
        saved = all(texts.get(name) == self.workspace.files[name].disk_text
                    for name in self.names)
        self.side.show(result, saved=saved)
        if result.goal is not None and result.goal.passed and saved:
            self._solved(texts)
        self.timings.append((time.perf_counter() - ready.started) * 1000)
        if len(self.timings) == 1:
            # Start watching and load the course once the first findings are on screen,
            # so the learner sees them sooner.
            self.call_after_refresh(self._after_first_findings)

    def _after_first_findings(self) -> None:
        self.editors.start_highlighting()
        self.disk_watch.start()
        self.side.load_titles()

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

    def fix_for(self, item: Located | None) -> Fix | None:
        """The mechanical fix for a finding, computed from the buffer it was found in."""
        if item is None or self.result is None or item.file not in self.names:
            return None
        return self.workspace.fix_for(self.result, item, self.editor(item.file).text,
                                      self.tutor.today)

    # Files on disk ------------------------------------------------------------------------

    @on(DiskWatch.Changed)
    def _disk_changed(self, message: DiskWatch.Changed) -> None:
        for name in message.names:
            self._outside_change(name)
        if not message.others:  # else the folder is walked again, and Rescanned follows
            self.live.start()

    @on(DiskWatch.Rescanned)
    def _rescanned(self, message: DiskWatch.Rescanned) -> None:
        self.workspace.disk = message.disk
        self.live.start()

    @on(DiskWatch.Failed)
    def _watch_failed(self, message: DiskWatch.Failed) -> None:
        self.tutor.show_error(f"Cannot watch {self.workspace.root} for changes "
                              f"({message.reason}); press ctrl+r to reload files saved "
                              f"elsewhere.")

    def _outside_change(self, name: str) -> None:
        work_file = self.workspace.files[name]
        if not self.workspace.changed_on_disk(name):
            return
        buffer = self.editor(name).text
        if buffer == work_file.disk_text:
            self._load_from_disk(name)
            self.notify(f"{name} changed on disk and was reloaded.", markup=False)
            return
        self.editors.conflict(name, True)

    def _load_from_disk(self, name: str) -> None:
        try:
            text = self.workspace.read(name)
        except TutorError as exc:
            self.tutor.show_error(str(exc))
            return
        self.editors.load(name, text)
        self.editors.conflict(name, False)

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
        self.editors.conflict(name, False)
        self.editors.saved(name)
        self.notify(f"Saved {name}.", markup=False)
        if self.workspace.exercise is not None:
            self.live.start()  # a goal met in the buffer is solved once it is saved
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
        self.live.start()

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
        if lesson := self.side.lesson():
            self.tutor.open_lesson(lesson)

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
        """Give the side pane the whole screen (narrow widths only), or share it again; the
        keyboard follows (to the findings, or back to the editor), never left on a hidden pane.
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
