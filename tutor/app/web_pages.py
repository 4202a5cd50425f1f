"""A web page from course content, opened from the terminal: in the learner's own browser.

Confined (a workshop over SSH), a browser on the host would be the wrong machine, so the
learner gets the address to copy instead. Imported when the first web link is followed.
"""

from __future__ import annotations

import webbrowser


def open_from_terminal(url: str, *, new_tab: bool, confined: bool) -> tuple[str, float | None]:
    """Open ``url`` in the learner's browser if it is theirs; returns the title of the
    notification that says where it went, and how long it stays (None: the default)."""
    if confined:
        return "Copy the address into your browser", 15
    try:
        opened = webbrowser.open(url, new=2 if new_tab else 0)
    except webbrowser.Error:
        opened = False
    if opened:
        return "Opened in your browser", None
    return "No browser found; copy the address", 10
