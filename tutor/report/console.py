"""The Rich console every headless command prints through: no markup, no raw controls."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from rich.console import Console
from rich.segment import Segment

from tutor.safetext import visible


class SafeConsole(Console):
    """A console that shows control characters in printed text as glyphs, never raw.

    Rich passes escape sequences inside a Text through to the output (reference/tutors.md
    §3.4), so a Dockerfile line or a file name holding ``ESC ] 52`` would set the reader's
    clipboard. Callers put untrusted text through :func:`tutor.safetext.visible` so widths
    are right; this is the guard for anything that slips past them. Rich's own control
    segments (cursor moves) are left alone.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(visible(segment.text), segment.style)
            for segment in buffer)


def make_console(out: TextIO, *, color: bool = True) -> Console:
    """A console that never interprets markup or emoji in our text.

    It colours only a terminal, and not even that with ``NO_COLOR`` set or ``color`` off
    (``--no-color``).
    """
    return SafeConsole(file=out, markup=False, emoji=False, highlight=False, soft_wrap=False,
                       no_color=None if color else True)
