"""Watching the workbench's folder for changes made outside the app.

The learner may save from their own editor, or add a key file beside the Dockerfile. This
widget (it draws nothing) watches the folder, not the files, since editors that save by
renaming replace the file's inode, and walks the folder again in a thread when files other
than the open ones change. It reports in messages and never touches a buffer: the screen
decides what a change means (reload, or a conflict with unsaved edits).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from tutor.app.workspace import DiskFolder, Workspace


class DiskWatch(Widget):
    """Posts ``Changed`` when files below the folder change, ``Rescanned`` after a walk."""

    DEFAULT_CSS = "DiskWatch { display: none; }"

    @dataclass
    class Changed(Message):
        """Open files changed on disk (``names``), or others did too (``others``: the folder
        is walked again, and ``Rescanned`` follows)."""

        names: set[str]
        others: bool

    @dataclass
    class Rescanned(Message):
        """A walk of the folder finished; the screen keeps it and analyses again."""

        disk: DiskFolder

    @dataclass
    class Failed(Message):
        """The folder cannot be watched (``reason``); saves elsewhere go unnoticed."""

        reason: str

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        # Set on unmount: the watcher's thread stops instead of holding up the exit.
        self._stop = asyncio.Event()

    def on_unmount(self) -> None:
        self._stop.set()

    def start(self) -> None:
        """Start watching; then compare the open files with what was read from them."""
        self._watch()
        # A save between reading the files and the watcher starting raised no event:
        # compare the files with what was read once the watcher is surely running.
        self.set_timer(1.0, self._check_stamps)

    @work(exclusive=True, group="watch")
    async def _watch(self) -> None:
        from watchfiles import awatch

        try:
            async for changes in awatch(self.workspace.root, step=50, debounce=400,
                                        stop_event=self._stop):
                self._changed({Path(path) for _, path in changes})
        except Exception as exc:
            self.post_message(self.Failed(str(exc)))

    def _check_stamps(self) -> None:
        files = self.workspace.files
        self._changed({files[name].path for name in files
                       if self.workspace.changed_on_disk(name)})

    def _changed(self, paths: set[Path]) -> None:
        by_path = {work.path: name for name, work in self.workspace.files.items()}
        names = {by_path[path] for path in paths if path in by_path}
        others = bool(paths - by_path.keys())
        if names or others:
            self.post_message(self.Changed(names, others))
        if others:
            self.rescan()

    @work(exclusive=True, thread=True, group="scan")
    def rescan(self) -> None:
        """Walk the folder again in a thread (a big folder must not block typing)."""
        disk = self.workspace.walk()
        # A newer rescan cancelled this one: a thread cannot be stopped, but its older view
        # of the folder must not land after the newer one.
        if not get_current_worker().is_cancelled:
            self.post_message(self.Rescanned(disk))
