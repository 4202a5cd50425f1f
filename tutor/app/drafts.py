"""Unsaved edits kept on disk in workshop mode, so a dropped connection loses nothing.

A served learner's app ends when the browser tab or the network goes away; their unsaved
buffers would go with it. In confined mode the workbench writes each unsaved buffer to
``.drafts/`` in the learner's folder a moment after typing stops, offers it back when the
file is opened again, and drops it once the file is saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from tutor.atomic import write_atomic

AUTOSAVE_SECONDS = 2.0


class Drafts:
    """The drafts folder under one learner's folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / ".drafts"

    def _path(self, file: Path) -> Path:
        # One flat folder, named by the file's full path so two exercises' Dockerfiles differ.
        digest = hashlib.sha256(os.path.realpath(file).encode()).hexdigest()[:16]
        return self.folder / f"{digest}-{file.name}"

    def save(self, file: Path, text: str) -> None:
        """Keep ``text`` as the unsaved state of ``file``."""
        self.folder.mkdir(mode=0o700, exist_ok=True)
        write_atomic(self._path(file), text, mode=0o600)

    def load(self, file: Path) -> str | None:
        """The draft of ``file``, if one was kept."""
        try:
            return self._path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def drop(self, file: Path) -> None:
        """Forget the draft of ``file`` (it was saved, or reloaded from disk)."""
        with contextlib.suppress(OSError):
            self._path(file).unlink()
