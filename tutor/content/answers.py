"""What a question offers, how its choices are ordered, and whether an answer is right.

Pure functions over `Question`, shared by practice quizzes and exams, so both judge alike.
Answers are kept in the question's own terms, whatever order the choices were shown in:
option indexes (0-based) for ``single`` and ``multiple``, a bool for ``true_false``,
1-based line numbers for ``spot_the_line`` and the Dockerfile text for ``fix_it``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection

from tutor.content.model import Question

TRUE_FALSE = ("True", "False")
CHOICE_TYPES = ("single", "multiple", "true_false", "spot_the_line")


def choice_texts(question: Question) -> list[str]:
    """What the learner chooses among: the options, True/False, or the Dockerfile's lines."""
    if question.type == "true_false":
        return list(TRUE_FALSE)
    if question.type == "spot_the_line":
        return (question.dockerfile or "").splitlines()
    return [option.text for option in question.options]


def option_order(question: Question, rng: random.Random) -> list[int]:
    """The order choices are shown in: options shuffled, True/False and lines as written.

    Shuffled so that a question met again is answered by reading it, not by remembering
    where the right option was.
    """
    order = list(range(len(choice_texts(question))))
    if question.type in ("single", "multiple"):
        rng.shuffle(order)
    return order


def right_rows(question: Question) -> frozenset[int]:
    """The 0-based choices (in the question's own order) that make up the right answer."""
    if isinstance(question.answer, bool):
        return frozenset({TRUE_FALSE.index(str(question.answer))})
    answer = question.answer or ()
    if question.type == "spot_the_line":
        return frozenset(line - 1 for line in answer)
    return frozenset(answer)


def is_correct(question: Question, chosen: Collection[int]) -> bool:
    """True when the chosen choices (own order) are exactly the right ones."""
    return frozenset(chosen) == right_rows(question)


def recorded_answer(question: Question, chosen: Collection[int]) -> list[int] | bool:
    """The chosen choices as a record keeps them: a bool, line numbers, or option indexes."""
    if question.type == "true_false":
        return set(chosen) == {0}
    if question.type == "spot_the_line":
        return sorted(row + 1 for row in chosen)
    return sorted(chosen)


def chosen_rows(question: Question, answer: object) -> frozenset[int]:
    """The inverse of `recorded_answer`: the choices (own order) a recorded answer names."""
    if question.type == "true_false" and isinstance(answer, bool):
        return frozenset({0 if answer else 1})
    if not isinstance(answer, list):
        return frozenset()
    if question.type == "spot_the_line":
        return frozenset(line - 1 for line in answer if isinstance(line, int))
    return frozenset(index for index in answer if isinstance(index, int))


def judge(question: Question, answer: object, today: dt.date | None = None) -> bool:
    """Whether a recorded answer (None: not answered) is right."""
    if answer is None:
        return False
    if question.type == "fix_it":
        from tutor.content.judge import evaluate

        if question.goal is None or not isinstance(answer, str):
            return False
        return evaluate(question.goal, {question.goal.dockerfile: answer}, today=today).passed
    if question.type == "true_false" and not isinstance(answer, bool):
        return False
    return is_correct(question, chosen_rows(question, answer))
