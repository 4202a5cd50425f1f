"""One exam attempt from start to sealed record, without any user interface.

The app's exam screen and the tests drive the same `ExamSession`: it draws the questions,
commits every answer and flag as it is given, keeps the deadline, grades on submission
(nothing is judged before) and stores the signed record. A session holds its attempt's
lease (`tutor.progress.exams`) from start to submission, so one attempt is never written
from two places.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from tutor import __version__
from tutor.content.model import Course, Question
from tutor.errors import TutorError
from tutor.exam.draw import Served, draw, shown_choices
from tutor.exam.grading import Given, sealer
from tutor.exam.learners import Learner, from_name
from tutor.exam.record import SigningKey
from tutor.exam.shape import (
    ExamRecord,
    RecordLearner,
)
from tutor.exam.spec import ExamSpec
from tutor.progress.exams import AttemptRow, Holder, parse_stamp, stamp
from tutor.progress.store import ProgressStore

__all__ = ["ExamError", "ExamSession", "parse_stamp", "stamp",
           "topic_breakdown", "utc_now"]

Clock = Callable[[], dt.datetime]


class ExamError(TutorError):
    """An exam that cannot start or go on (no attempts left, a question gone)."""


def utc_now() -> dt.datetime:
    """The current time, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class ExamSession:
    """An open attempt: its questions in order, the answers so far, and its deadline."""

    store: ProgressStore
    course: Course
    attempt: AttemptRow
    served: list[Served]
    questions: list[Question]
    key: SigningKey | None
    holder: Holder
    clock: Clock = utc_now
    answers: dict[int, Any] = field(default_factory=dict)
    flags: set[int] = field(default_factory=set)
    resumed: bool = False
    # What the learner should be told on opening (an attempt taken over from elsewhere).
    notice: str | None = None

    # Starting and resuming -----------------------------------------------------------------

    @classmethod
    def begin(cls, store: ProgressStore, course: Course, spec: ExamSpec,
              learner: Learner | str, key: SigningKey | None, clock: Clock = utc_now, *,
              holder: Holder | None = None, take_over: bool = False) -> ExamSession:
        """Resume the learner's open attempt at this exam, or start a new one.

        ``holder`` is the session that will hold the attempt open (a new one if not given);
        an attempt open in another live session raises `AttemptOpenElsewhere` unless
        ``take_over``.
        """
        # Attempts are counted by the learner's identity: every spelling of a name is one.
        who = from_name(learner) if isinstance(learner, str) else learner
        learner = who.key
        holder = holder or Holder.new()
        log = store.exams
        open_attempt = log.open_attempt(learner, spec.store_key)
        if open_attempt is not None:
            return cls.resume(store, course, open_attempt, key, clock, holder=holder,
                              take_over=take_over)
        used = log.attempts_made(learner, spec.store_key)
        if spec.attempts is not None and used >= spec.attempts:
            raise ExamError(f"{who.name} has used {used} of {spec.attempts} attempt"
                            f"{'s' if spec.attempts != 1 else ''} at {spec.shown_title}")
        now = clock()
        _check_retake(spec, log.last_ended(learner, spec.store_key), now)
        seed = spec.seed if spec.seed is not None else random.SystemRandom().randrange(2**31)
        served = draw(course, spec, log.asked_before(learner), random.Random(seed))
        deadline = (now + dt.timedelta(minutes=spec.time_limit_minutes)
                    if spec.time_limit_minutes else None)
        # Recorded even when chosen at random, so a draw can be redone.
        settings = {**spec.settings(), "kind": spec.kind,
                    "definition_hash": spec.definition_hash, "seed": seed,
                    "learner": {"id": who.id, "name": who.name, "source": who.source}}
        attempt = AttemptRow(
            id=str(uuid.uuid4()), learner=learner, exam=spec.store_key, number=used + 1,
            started_at=stamp(now), deadline=stamp(deadline) if deadline else None,
            ended_at=None, spec=settings,
            served=[{"question": s.question, "order": list(s.order)} for s in served],
            course_hash=course.content_hash, tool_version=__version__)
        questions = _questions(course, served)
        log.start(attempt, holder)
        return cls(store, course, attempt, served, questions, key, holder, clock)

    @classmethod
    def resume(cls, store: ProgressStore, course: Course, attempt: AttemptRow,
               key: SigningKey | None, clock: Clock = utc_now, *, holder: Holder | None = None,
               take_over: bool = False) -> ExamSession:
        """Reopen an attempt with the answers and flags it had; the deadline is unchanged."""
        served = [Served(item["question"], tuple(item["order"])) for item in attempt.served]
        session = cls(store, course, attempt, served, _questions(course, served), key,
                      holder or Holder.new(), clock, resumed=True)
        replaced = store.exams.claim(attempt.id, session.holder, clock(), take_over=take_over)
        if replaced is not None:
            why = replaced.abandoned(clock())
            session.notice = (f"This attempt was open in another window ({why}); it is open "
                              f"here now." if why else
                              f"You took this attempt over from {replaced.holder.describe()}:"
                              f" answers given there are no longer saved.")
        for position, stored in store.exams.answers(attempt.id).items():
            if stored.answer is not None:
                session.answers[position] = stored.answer
            if stored.flagged:
                session.flags.add(position)
        return session

    # During the attempt --------------------------------------------------------------------

    @property
    def learner(self) -> RecordLearner:
        """Who the attempt belongs to: id, name and whether the roster or a name said so."""
        stored = self.attempt.spec.get("learner")
        if isinstance(stored, dict):
            return {"id": str(stored["id"]), "name": str(stored["name"]),
                    "source": str(stored["source"])}
        return {"id": self.attempt.learner, "name": self.attempt.learner, "source": "name"}

    @property
    def deadline(self) -> dt.datetime | None:
        """When time runs out (None: untimed)."""
        return parse_stamp(self.attempt.deadline) if self.attempt.deadline else None

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or None when the exam is untimed."""
        deadline = self.deadline
        if deadline is None:
            return None
        return max(0.0, (deadline - self.clock()).total_seconds())

    @property
    def expired(self) -> bool:
        """True once the time limit has passed."""
        remaining = self.remaining()
        return remaining is not None and remaining <= 0

    def answer(self, position: int, value: Any) -> None:
        """Keep the answer to one question (None clears it); committed before returning."""
        self._check_open(position)
        self.store.exams.save_answer(self.attempt.id, self.holder, position, value,
                                     stamp(self.clock()))
        if value is None:
            self.answers.pop(position, None)
        else:
            self.answers[position] = value

    def flag(self, position: int, flagged: bool) -> None:
        """Mark a question to come back to, or unmark it."""
        self._check_open(position)
        self.store.exams.set_flag(self.attempt.id, self.holder, position, flagged,
                                  stamp(self.clock()))
        (self.flags.add if flagged else self.flags.discard)(position)

    def unanswered(self) -> list[int]:
        """Positions (0-based) with no answer yet."""
        return [i for i in range(len(self.questions)) if i not in self.answers]

    def shown(self, position: int) -> list[str]:
        """The choices of one question in the order this attempt shows them."""
        return shown_choices(self.questions[position], self.served[position])

    def heartbeat(self) -> None:
        """Say this session still has the attempt open; `AttemptTakenOver` if it has not."""
        self.store.exams.heartbeat(self.attempt.id, self.holder, stamp(self.clock()))

    def release(self) -> None:
        """Let the attempt go without submitting it: another window may open it at once."""
        self.store.exams.release(self.attempt.id, self.holder)

    def _check_open(self, position: int) -> None:
        if not 0 <= position < len(self.questions):
            raise ExamError(f"there is no question {position + 1} in this attempt")
        if self.expired:
            raise ExamError("time is up: the attempt takes no more answers")

    # Submitting -----------------------------------------------------------------------------

    def submit(self, *, timed_out: bool = False) -> ExamRecord:
        """Grade every answer, seal and sign the record, store it, and return it."""
        now = self.clock()
        deadline = self.deadline
        if deadline is not None and now > deadline:
            now = max(deadline, parse_stamp(self.attempt.started_at))
            timed_out = True
        stored = self.store.exams.answers(self.attempt.id)
        given = {position: Given(answer, stored[position].answered_at if position in stored
                                 else None, position in self.flags)
                 for position, answer in self.answers.items()}
        given.update({position: Given(None, None, True) for position in self.flags
                      if position not in given})
        ended_at = stamp(now)
        seal = sealer(self.course, self.attempt, self.questions, self.served, given,
                      self.learner, ended_at, timed_out, self.key)
        return cast(ExamRecord, self.store.exams.finish(self.attempt.id, self.holder, ended_at,
                                                        seal))


def _check_retake(spec: ExamSpec, last_ended: str | None, now: dt.datetime) -> None:
    """Refuse a new attempt before the definition's waiting time after the last one."""
    if spec.retake_after_days is None or last_ended is None:
        return
    ready = parse_stamp(last_ended) + dt.timedelta(days=spec.retake_after_days)
    if now < ready:
        raise ExamError(f"the next attempt at {spec.shown_title} can start from "
                        f"{ready:%Y-%m-%d %H:%M} UTC ({spec.retake_after_days} days after the "
                        f"last one)")


def _questions(course: Course, served: list[Served]) -> list[Question]:
    by_id = {question.id: question for question in course.questions}
    missing = [s.question for s in served if s.question not in by_id]
    if missing:
        raise ExamError(f"this attempt asks {', '.join(missing)}, which the course no longer "
                        f"has; resume it with the course it started with (--content)")
    return [by_id[s.question] for s in served]


def topic_breakdown(record: ExamRecord, course: Course) -> list[tuple[str, int, int]]:
    """(topic title, right, asked) for each topic in a record, in the course's order."""
    titles = {topic.id: topic.title for topic in course.topics}
    counts: dict[str, list[int]] = {}
    for entry in record["questions"]:
        right_total = counts.setdefault(entry["topic"], [0, 0])
        right_total[0] += bool(entry["correct"])
        right_total[1] += 1
    order = [topic.id for topic in course.topics]
    ranked = sorted(counts, key=lambda t: order.index(t) if t in order else len(order))
    return [(titles.get(topic, topic), counts[topic][0], counts[topic][1]) for topic in ranked]
