"""Stopping an analysis whose result nobody will read.

The workbench analyses its buffers in a thread, and a Python thread computing holds the
interpreter's lock: a keystroke that comes meanwhile waits for it to let go, again and
again, and its echo is late (a 5,000-line Dockerfile takes a few hundred milliseconds to
analyse). The buffer that analysis read has already changed, so its result would be thrown
away anyway. Instead, the workbench sets the analysis's stop event at the keystroke, and the
analysis raises ``Interrupted`` at its next ``checkpoint``: between rules, between
instructions and between the image model's steps, each well under a millisecond apart.

Outside ``interruptible`` (``check``, the exam, the tests) a checkpoint costs one lookup and
never stops anything.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# The stop event of the analysis running in this thread, if it may be stopped.
_stop: ContextVar[threading.Event | None] = ContextVar("analysis_stop", default=None)


class Interrupted(Exception):
    """The analysis stopped because its stop event was set."""


@contextmanager
def interruptible(stop: threading.Event) -> Iterator[None]:
    """Let ``checkpoint`` calls in this thread, inside the block, stop when ``stop`` is set."""
    token = _stop.set(stop)
    try:
        yield
    finally:
        _stop.reset(token)


def checkpoint() -> None:
    """Raise ``Interrupted`` if this analysis was asked to stop."""
    stop = _stop.get()
    if stop is not None and stop.is_set():
        raise Interrupted
