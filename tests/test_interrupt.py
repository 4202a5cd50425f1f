"""Stopping an analysis whose buffers are out of date (tutor.analysis.interrupt)."""

from __future__ import annotations

import threading

import pytest

from tutor.analysis.engine import analyze_dockerfile
from tutor.analysis.interrupt import Interrupted, checkpoint, interruptible

DOCKERFILE = "FROM debian:13\n" + "RUN echo step && mkdir -p /opt/x\n" * 200 + "USER 10001\n"


def test_a_checkpoint_outside_an_interruptible_block_never_stops() -> None:
    checkpoint()  # no stop event in this thread: nothing happens


def test_a_checkpoint_stops_once_the_event_is_set() -> None:
    stop = threading.Event()
    with interruptible(stop):
        checkpoint()
        stop.set()
        with pytest.raises(Interrupted):
            checkpoint()
    checkpoint()  # the block is over: this thread may not be stopped any more


def test_an_analysis_asked_to_stop_raises_instead_of_finishing() -> None:
    stop = threading.Event()
    stop.set()
    with interruptible(stop), pytest.raises(Interrupted):
        analyze_dockerfile(DOCKERFILE)


def test_an_analysis_not_asked_to_stop_finishes_with_its_findings() -> None:
    with interruptible(threading.Event()):
        analysis = analyze_dockerfile(DOCKERFILE)
    assert analysis.profile.runs_as_root is False


def test_a_stop_from_another_thread_ends_an_analysis_under_way() -> None:
    """The event is set while the analysis runs, as the workbench's UI thread does."""
    stop = threading.Event()
    stopped: list[bool] = []
    steps = 0

    def count() -> None:
        nonlocal steps
        steps += 1
        if steps == 50:  # part way through: the UI thread sets the event
            threading.Thread(target=stop.set).start()

    def analyse() -> None:
        with interruptible(stop):
            try:
                for _ in range(100_000):
                    count()
                    checkpoint()
            except Interrupted:
                stopped.append(True)

    worker = threading.Thread(target=analyse)
    worker.start()
    worker.join(5)
    assert stopped == [True]
    assert steps < 100_000
