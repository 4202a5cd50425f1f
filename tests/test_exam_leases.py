"""An exam attempt is open in one session at a time: a second one is refused, may take it
over when asked (or when the first is gone), and the first then saves nothing more."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.test_exam import Clock
from tutor.content.answers import recorded_answer, right_rows
from tutor.content.model import Course, Question
from tutor.exam.session import ExamSession
from tutor.exam.spec import spec_for
from tutor.progress.exams import (
    LEASE_STALE_AFTER,
    AttemptOpenElsewhere,
    AttemptTakenOver,
    Holder,
    stamp,
)
from tutor.progress.store import ProgressStore


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = ProgressStore.open(tmp_path / "data", "tester")
    yield opened
    opened.close()


def right(question: Question) -> Any:
    return recorded_answer(question, right_rows(question))


SPEC_ARGS: dict[str, Any] = {"questions": 4, "types": ["single"], "seed": 3, "time_limit": 30}


def begin(store: Any, course: Course, clock: Clock, holder: Holder | None = None,
          **kwargs: Any) -> ExamSession:
    return ExamSession.begin(store, course, spec_for(course, **SPEC_ARGS), "Ada", None, clock,
                             holder=holder or Holder.new(), **kwargs)


def test_a_second_window_is_refused_while_the_first_is_open(course: Course, store: Any) -> None:
    """The refusal names the other window's process, host and start, and how to take over."""
    clock = Clock()
    first = begin(store, course, clock)
    clock.now += dt.timedelta(seconds=30)
    with pytest.raises(AttemptOpenElsewhere) as refused:
        begin(store, course, clock)
    message = str(refused.value)
    assert f"open in another window (pid {first.holder.pid} on {socket.gethostname()} " \
           f"since {first.attempt.started_at})" in message
    assert "close it there, or take it over with --take-over" in message
    first.answer(0, right(first.questions[0]))  # the first window carries on
    assert store.exams.answers(first.attempt.id)[0].answer == right(first.questions[0])


def test_taking_over_stops_the_first_window_saving(course: Course, store: Any) -> None:
    """After a take-over the first window's answers, flags and submission are refused."""
    clock = Clock()
    first = begin(store, course, clock)
    first.answer(0, right(first.questions[0]))
    second = begin(store, course, clock, take_over=True)
    assert second.attempt.id == first.attempt.id and second.answers == first.answers
    assert second.notice is not None and "You took this attempt over from pid" in second.notice
    with pytest.raises(AttemptTakenOver, match=r"taken over by pid \d+ on .*no longer saved"):
        first.answer(1, right(first.questions[1]))
    with pytest.raises(AttemptTakenOver):
        first.flag(2, True)
    with pytest.raises(AttemptTakenOver):
        first.heartbeat()
    with pytest.raises(AttemptTakenOver):
        first.submit()
    stored = store.exams.answers(first.attempt.id)
    assert sorted(stored) == [0] and not stored[0].flagged
    second.answer(1, right(second.questions[1]))
    record = second.submit()
    assert record["score"]["correct"] == 2 and store.exams.lease(first.attempt.id) is None


def test_a_lease_not_refreshed_for_two_minutes_is_taken_over(course: Course,
                                                           store: Any) -> None:
    """A silent holder (another host, a frozen process) is replaced, with a notice."""
    clock = Clock()
    first = begin(store, course, clock)
    clock.now += LEASE_STALE_AFTER - dt.timedelta(seconds=1)
    first.heartbeat()  # still there: the clock of staleness starts again
    heard = clock.now
    clock.now += LEASE_STALE_AFTER - dt.timedelta(seconds=1)
    with pytest.raises(AttemptOpenElsewhere):
        begin(store, course, clock)
    clock.now += dt.timedelta(seconds=2)
    second = begin(store, course, clock)
    assert second.notice is not None
    assert f"was last heard from at {stamp(heard)}" in second.notice


def test_a_holder_whose_process_is_gone_is_taken_over_at_once(course: Course,
                                                              store: Any) -> None:
    """On the same host, a lease whose process has exited is replaced without waiting."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    gone = Holder("gone-token", int(done.stdout), socket.gethostname())
    clock = Clock()
    begin(store, course, clock, holder=gone)
    second = begin(store, course, clock)
    assert second.notice is not None
    assert f"pid {gone.pid} on {gone.host} is no longer running" in second.notice


def test_a_live_lease_on_another_host_is_not_judged_by_its_pid(course: Course,
                                                               store: Any) -> None:
    """A pid that does not exist here may exist on the other host: only age counts there."""
    elsewhere = Holder("other-token", 2**22 + 7, "another-host.example")
    clock = Clock()
    begin(store, course, clock, holder=elsewhere)
    with pytest.raises(AttemptOpenElsewhere, match=r"on another-host\.example"):
        begin(store, course, clock)


def test_leaving_lets_another_window_open_it_at_once(course: Course, store: Any) -> None:
    """A released attempt is resumed elsewhere with no notice; its holder may come back."""
    clock = Clock()
    first = begin(store, course, clock)
    first.release()
    second = begin(store, course, clock)
    assert second.resumed and second.notice is None
    second.release()
    again = begin(store, course, clock, holder=first.holder)
    assert again.resumed and again.notice is None


def test_the_same_session_may_reopen_its_own_attempt(course: Course, store: Any) -> None:
    """A window that left without letting go (the release failed) is not refused by itself."""
    clock = Clock()
    first = begin(store, course, clock)
    again = begin(store, course, clock, holder=first.holder)
    assert again.attempt.id == first.attempt.id and again.notice is None


def test_a_forged_host_name_is_shown_harmlessly(course: Course, store: Any) -> None:
    """A host name holding an escape sequence is shown with the control made visible."""
    forged = Holder("forged", 2**22 + 9, "evil\x1b]52;c;aGk=\x07host")
    clock = Clock()
    begin(store, course, clock, holder=forged)
    with pytest.raises(AttemptOpenElsewhere) as refused:
        begin(store, course, clock)
    assert "\x1b" not in str(refused.value) and "evil␛]52;c;aGk=␇host" in str(refused.value)
