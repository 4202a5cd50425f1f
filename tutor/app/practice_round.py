"""A practice round as the quiz screen shows it: drawn afresh, or rebuilt from the store.

No widgets here: the screen keeps the round on screen and in the store; this says which
questions it holds, in which order each one's choices appear, and what was answered.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from tutor.content.answers import choice_texts, option_order
from tutor.content.model import Question
from tutor.progress.rounds import PracticeRound, ServedQuestion


@dataclass
class RoundPlan:
    """A round's questions in order, each one's choice order, and the answers so far."""

    questions: list[Question]
    orders: dict[str, list[int] | None]
    results: dict[str, bool] = field(default_factory=dict)
    dropped: int = 0  # questions of a stored round the course no longer has

    def served(self) -> list[ServedQuestion]:
        """The round as the store keeps it."""
        return [ServedQuestion(q.id, tuple(order) if (order := self.orders[q.id]) is not None
                               else None) for q in self.questions]

    def unanswered(self) -> list[int]:
        """Positions (0-based) not answered yet."""
        return [i for i, q in enumerate(self.questions) if q.id not in self.results]


def fresh(questions: list[Question], rng: random.Random, shuffle: bool) -> RoundPlan:
    """A new round of these questions, each one's choices in a new order (if shuffled)."""
    return RoundPlan(questions, {q.id: option_order(q, rng) if shuffle else None
                                 for q in questions})


def rebuilt(left: PracticeRound, course: Iterable[Question], rng: random.Random,
            shuffle: bool) -> RoundPlan:
    """A stored round with the course as it is now: removed questions dropped, and a choice
    order that no longer fits its question (the question changed) drawn again."""
    by_id = {q.id: q for q in course}
    kept = [item for item in left.served if item.question in by_id]
    questions = [by_id[item.question] for item in kept]
    orders = {item.question: _fitting(by_id[item.question], item.order, rng, shuffle)
              for item in kept}
    results = {q.id: left.results[q.id] for q in questions if q.id in left.results}
    return RoundPlan(questions, orders, results, len(left.served) - len(kept))


def _fitting(question: Question, order: tuple[int, ...] | None, rng: random.Random,
             shuffle: bool) -> list[int] | None:
    if not shuffle:
        return None
    if order is not None and sorted(order) == list(range(len(choice_texts(question)))):
        return list(order)
    return option_order(question, rng)


def dropped_message(count: int) -> str:
    """What the learner is told about questions removed since they left the quiz."""
    if count == 1:
        return ("1 question of the quiz you left was removed from the course since, so it "
                "was dropped.")
    return (f"{count} questions of the quiz you left were removed from the course since, so "
            f"they were dropped.")


def resumed_message(position: int, total: int, given: int) -> str:
    """What the learner is told on coming back to a quiz: where, and what was kept."""
    answers = "your 1 answer was kept" if given == 1 else f"your {given} answers were kept"
    return f"Resumed where you left off: question {position} of {total}; {answers}."
