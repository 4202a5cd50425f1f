"""The last line of defence: no control character in shown text reaches the terminal raw.

Textual writes every cell of the screen through ``Strip.render``, and it passes escape
sequences inside a segment's text straight through (reference/tutors.md §3.4). Widgets show
untrusted text through :func:`tutor.safetext.visible` so layout is right; this guard makes
sure that text someone forgot to pass through it (a file name in a new widget, an error
message) is still shown as glyphs instead of setting the clipboard or clearing the screen.
It relies on ``Strip._segments`` and ``Strip._render_cache`` of the pinned Textual series;
``tests/test_hostile_text.py`` fails if either changes.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip

from tutor.safetext import has_controls, visible

_installed = False


def install() -> None:
    """Make ``Strip.render`` show control characters in segment text as glyphs (idempotent)."""
    global _installed
    if _installed:
        return
    original = Strip.render

    def render(self: Strip, console: Console) -> str:
        if self._render_cache is None:
            segments: Any = self._segments
            if has_controls("".join(segment.text for segment in segments)):
                clean = Strip([Segment(visible(text), style, control)
                               for text, style, control in segments], self.cell_length)
                self._render_cache = original(clean, console)
        return original(self, console)

    Strip.render = render  # type: ignore[method-assign]
    _installed = True
