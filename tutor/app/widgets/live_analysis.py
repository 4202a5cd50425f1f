"""Keeping the workbench's analysis up to date with its buffers, one analysis at a time.

The buffers are analysed after a short pause in typing, in a thread worker; a worker never
changes a widget, it posts ``LiveAnalysis.Ready`` and the screen shows it. Two rules keep
typing smooth in a big file (a 5,000-line Dockerfile takes a few hundred milliseconds):

- One analysis runs at a time. A thread cannot be stopped from outside, so starting one at
  each pause would leave several running together, each slowing the others.
- A key stops the analysis under way (``tutor.analysis.interrupt``), as soon as the app
  receives it (``TutorApp.on_event``): a Python thread computing holds the interpreter's
  lock against the UI thread, so the key's echo would wait. An edit makes the buffers it
  read out of date anyway; after any other key (a cursor move) it starts again once typing
  pauses. The pause after an edit starts the next analysis.

Only the latest generation's result is posted: one that finishes after the buffers moved on
starts a fresh analysis instead. The pause waited for grows with the file: a 40-line
Dockerfile is analysed 0.1 s after typing stops, a 5,000-line one (about 0.45 s to analyse)
after about a third of a second, so that it rarely starts between two keystrokes only to be
stopped.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget

from tutor.analysis.interrupt import Interrupted, interruptible
from tutor.app.screens.base import tutor_of
from tutor.app.workspace import WorkResult, Workspace

# How long typing must pause before the buffers are analysed again; for a file whose
# analysis is slow, half as long again as the last analysis took (at most LONGEST_WAIT in
# all), so that an analysis that a next keystroke would stop is not started between keys.
DEBOUNCE_SECONDS = 0.1
LONGEST_WAIT = 0.5
# Up to this much text (about 2,000 lines) the first analysis runs before the first frame.
SYNC_ANALYSIS_CHARS = 64_000


class LiveAnalysis(Widget):
    """The workbench's analysis loop: debounce, one worker at a time, stale runs stopped."""

    DEFAULT_CSS = "LiveAnalysis { display: none; }"

    @dataclass
    class Ready(Message):
        """The buffers as they are now (``texts``) were analysed; ``started`` by perf_counter."""

        result: WorkResult
        texts: dict[str, str]
        started: float

    @dataclass
    class _Done(Message):
        """A worker finished one generation (``ready`` None: an edit stopped it)."""

        generation: int
        ready: LiveAnalysis.Ready | None

    def __init__(self, workspace: Workspace, buffers: Callable[[], dict[str, str]],
                 today: dt.date) -> None:
        super().__init__()
        self.workspace = workspace
        self._buffers = buffers
        self._today = today
        self.generation = 0
        self.running = False  # a worker is analysing
        self._stop = threading.Event()  # set: the running analysis stops
        self._debounce: Timer | None = None
        self._waiting = False  # the debounce will start an analysis
        self._took = 0.0  # seconds the last finished analysis took

    def first(self) -> LiveAnalysis.Ready | None:
        """Analyse at once, for the first frame to show the findings; None for a big file.

        The screen takes no input yet, and drawing it twice (first "Analysing…", then the
        findings) costs more than a typical file's analysis. A big file goes to the worker,
        and its result comes as a ``Ready`` message.
        """
        texts = self._buffers()
        if sum(len(text) for text in texts.values()) > SYNC_ANALYSIS_CHARS:
            self.start()
            return None
        self.generation += 1
        started = time.perf_counter()
        ready = self.Ready(self.workspace.analyze(texts, self._today), texts, started)
        self._took = time.perf_counter() - started
        return ready

    def edited(self) -> None:
        """The buffers changed: stop the analysis under way and analyse after a pause."""
        self._stop.set()
        self._after_pause()

    def _after_pause(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._waiting = True
        wait = min(DEBOUNCE_SECONDS + self._took / 2, LONGEST_WAIT)
        self._debounce = self.set_timer(wait, self.start)

    def start(self) -> None:
        """Analyse the buffers as they are now, or as soon as the running analysis ends."""
        self._waiting = False
        self.generation += 1
        if self.running:
            self._stop.set()  # what it analyses is out of date
            return
        self.running = True
        self._stop = tutor_of(self).stop_on_key = threading.Event()
        self._analyse(self.generation, self._buffers(), self._stop)

    @work(thread=True, group="analysis")
    def _analyse(self, generation: int, texts: dict[str, str], stop: threading.Event) -> None:
        started = time.perf_counter()
        try:
            with interruptible(stop):
                result = self.workspace.analyze(texts, self._today)
        except Interrupted:
            self.post_message(self._Done(generation, None))
            return
        self.post_message(self._Done(generation, self.Ready(result, texts, started)))

    @on(_Done)
    def _done(self, message: _Done) -> None:
        self.running = False
        tutor_of(self).stop_on_key = None
        if message.generation != self.generation:
            self.start()  # the buffers changed meanwhile: analyse them as they are
        elif message.ready is not None:
            self._took = time.perf_counter() - message.ready.started
            self.post_message(message.ready)
        elif not self._waiting:
            self._after_pause()  # a key that edited nothing stopped it: again after a pause
