"""The workbench's files: a tab and a code editor for each, and which buffers are unsaved.

The widget owns the buffers: switching between them, going to a line, applying a fix,
knowing which differ from the disk, and (in workshop mode) keeping them as drafts. It
reports upward with ``Edited`` (a buffer changed) and ``UnsavedChanged``; what is on disk
stays with the workspace's files, which it only reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Static, Tab, Tabs, TextArea

from tutor.analysis.fixes import Fix
from tutor.app.drafts import AUTOSAVE_SECONDS, Drafts
from tutor.app.screens.base import tutor_of
from tutor.app.widgets.editor import CodeEditor
from tutor.app.workspace import WorkFile
from tutor.safetext import visible

if TYPE_CHECKING:
    pass

# The editor's highlighting by the workbench's kind of file.
SYNTAX = {"dockerfile": "dockerfile", "compose": "yaml", "yaml": "yaml"}


class EditorTabs(Vertical):
    """A tab and an editor per file (one file needs no tabs), and a notice line above them."""

    @dataclass
    class Edited(Message):
        """A buffer changed: typed, pasted, a fix applied or the file reloaded."""

        name: str

    @dataclass
    class UnsavedChanged(Message):
        """The files whose buffers differ from the disk are now these (maybe none)."""

        unsaved: tuple[str, ...]

    def __init__(self, files: Mapping[str, WorkFile], *, drafts: Drafts | None = None,
                 id: str | None = None) -> None:
        """``drafts``: where unsaved buffers are kept a moment after typing stops (workshop
        mode only; see tutor.app.drafts), or None."""
        super().__init__(id=id)
        # The workspace's files: what each buffer is compared with to know it is unsaved.
        self.files = files
        self.names = list(files)
        self.drafts = drafts
        self._unsaved: tuple[str, ...] = ()
        self._autosave: Timer | None = None
        # Files changed on disk while their buffer had unsaved edits.
        self.conflicts: set[str] = set()

    def compose(self) -> ComposeResult:
        if len(self.names) > 1:
            yield Tabs(*(Tab(Content(name), id=f"tab-{i}") for i, name in enumerate(self.names)),
                       id="file-tabs")
        yield Static("", id="disk-banner", classes="banner")
        with ContentSwitcher(initial="editor-0" if self.names else None, id="editors"):
            for i, name in enumerate(self.names):
                work_file = self.files[name]
                yield CodeEditor(work_file.disk_text, syntax=SYNTAX.get(work_file.kind),
                                 highlight_on_mount=False, id=f"editor-{i}")

    def on_mount(self) -> None:
        self.query_one("#disk-banner").display = False

    # The buffers --------------------------------------------------------------------------

    def editor(self, name: str) -> CodeEditor:
        """The editor holding one file's buffer."""
        return self.query_one(f"#editor-{self.names.index(name)}", CodeEditor)

    @property
    def current_name(self) -> str:
        """The file whose editor is showing."""
        switcher = self.query_one("#editors", ContentSwitcher)
        return self.names[int((switcher.current or "editor-0").split("-")[1])]

    def texts(self) -> dict[str, str]:
        """Every buffer's text by file name."""
        return {name: self.editor(name).text for name in self.names}

    def unsaved_names(self) -> list[str]:
        """The files whose buffer differs from what is on disk."""
        return [name for name in self.names
                if self.editor(name).text != self.files[name].disk_text
                or (not self.files[name].exists and self.editor(name).text)]

    def load(self, name: str, text: str) -> None:
        """Replace a buffer with the file's text from disk, keeping the cursor's place."""
        editor = self.editor(name)
        cursor = editor.cursor_location
        editor.load_text(text)
        row = min(cursor[0], editor.document.line_count - 1)
        editor.move_cursor((row, cursor[1]))
        self.mark_unsaved()

    def apply_fix(self, name: str, fix: Fix) -> bool:
        """Apply a fix as one edit, so one ctrl+z undoes it; False if the buffer moved on."""
        editor = self.editor(name)
        if editor.text != fix.before:
            return False
        start, end, new = fix.span()
        line_count = editor.document.line_count
        end_location = (end, 0) if end < line_count else editor.document.end
        editor.replace(new, (start, 0), end_location)
        editor.move_cursor((start, 0), center=True)
        editor.focus()
        return True

    def mark_unsaved(self) -> None:
        """Put ● on the tabs of unsaved files, and say so when the set of them changes."""
        unsaved = tuple(self.unsaved_names())
        for i, name in enumerate(self.names if len(self.names) > 1 else ()):
            tab = self.query_one(f"#tab-{i}", Tab)
            label = visible(f"● {name}" if name in unsaved else name)
            if tab.label_text != label:
                tab.label = Content(label)
        if unsaved != self._unsaved:
            self._unsaved = unsaved
            self.post_message(self.UnsavedChanged(unsaved))

    def saved(self, name: str) -> None:
        """A buffer was saved: it is no longer unsaved, and its draft goes."""
        self.mark_unsaved()
        if self.drafts is not None:
            self.drafts.drop(self.files[name].path)

    # Drafts (workshop mode) ---------------------------------------------------------------

    def keep_drafts(self) -> None:
        """Keep every unsaved buffer as a draft and forget the others' drafts."""
        if self.drafts is None:
            return
        unsaved = set(self.unsaved_names())
        for name in self.names:
            path = self.files[name].path
            try:
                if name in unsaved:
                    self.drafts.save(path, self.editor(name).text)
                else:
                    self.drafts.drop(path)
            except OSError as exc:
                tutor_of(self).show_error(
                    f"Could not keep unsaved edits to {name}: {exc.strerror or exc}")

    def restore_drafts(self) -> None:
        """Put back the drafts kept last time that differ from the files, and say so."""
        if self.drafts is None:
            return
        for name in self.names:
            draft = self.drafts.load(self.files[name].path)
            if draft is not None and draft != self.editor(name).text:
                self.editor(name).load_text(draft)
                self.notify(f"Restored your unsaved edits to {visible(name)} from last time; "
                            f"ctrl+s saves them, ctrl+r goes back to the file.", markup=False)
        self.mark_unsaved()

    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        self.mark_unsaved()
        if self.drafts is not None:
            if self._autosave is not None:
                self._autosave.stop()
            self._autosave = self.set_timer(AUTOSAVE_SECONDS, self.keep_drafts)
        index = int((event.text_area.id or "editor-0").split("-")[1])
        self.post_message(self.Edited(self.names[index]))

    # Moving around ------------------------------------------------------------------------

    def switch_to(self, name: str) -> None:
        """Show one file's editor (and its tab)."""
        index = self.names.index(name)
        self.query_one("#editors", ContentSwitcher).current = f"editor-{index}"
        if len(self.names) > 1:
            self.query_one("#file-tabs", Tabs).active = f"tab-{index}"

    def next_file(self) -> None:
        """Show the next file's editor, after the last the first."""
        current = self.names.index(self.current_name)
        self.switch_to(self.names[(current + 1) % len(self.names)])

    def go_to(self, name: str, line: int) -> None:
        """Show a file at a line (1-based, kept within the file) and focus its editor."""
        self.switch_to(name)
        editor = self.editor(name)
        row = max(0, min(line - 1, editor.document.line_count - 1))
        editor.move_cursor((row, 0), center=True)
        editor.focus()

    def start_highlighting(self) -> None:
        """Colour every buffer (the lexer loads in a thread the first time)."""
        for name in self.names:
            self.editor(name).start_highlighting()

    def focus_current(self) -> None:
        """Give the keyboard to the editor showing."""
        if self.names:
            self.editor(self.current_name).focus()

    def conflict(self, name: str, changed: bool) -> None:
        """Say (above the editors) that a file changed on disk under unsaved edits, or not."""
        if changed:
            self.conflicts.add(name)
        else:
            self.conflicts.discard(name)
        banner = self.query_one("#disk-banner", Static)
        banner.display = bool(self.conflicts)
        if self.conflicts:
            names = visible(", ".join(sorted(self.conflicts)))
            banner.update(Text(
                f"⚠ {names} changed on disk while you have unsaved edits. ctrl+r loads the "
                f"disk version; ctrl+s asks before saving yours over it."))

    @on(Tabs.TabActivated, "#file-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        if event.tab.id:
            self.query_one("#editors", ContentSwitcher).current = event.tab.id.replace(
                "tab-", "editor-")
