"""Which questions an attempt asks, in what order, with its choices in what order.

As Moodle's random questions do, the draw prefers questions this learner has not been
asked in earlier attempts, then those asked least often. Within a topic it varies the
question types, and it makes sure an exam that allows fix-it and spot-the-line questions
asks at least one of each when the banks have them. A seed makes the whole draw, and the
order of every question's options, reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from tutor.content.answers import choice_texts, option_order
from tutor.content.model import Course, Question
from tutor.exam.spec import ExamSpec

# Types an exam should include when it allows them and the banks have them: they test
# doing, not recognising.
REQUIRED_TYPES = ("fix_it", "spot_the_line")


@dataclass(frozen=True, slots=True)
class Served:
    """One question as an attempt shows it: its id and its choices' order (own indexes)."""

    question: str
    order: tuple[int, ...]


def draw(course: Course, spec: ExamSpec, asked_before: Mapping[str, int],
         rng: random.Random) -> list[Served]:
    """The questions for a new attempt; ``asked_before`` counts earlier servings by id."""
    pools = {topic: [q for q in course.questions if q.topic == topic and q.type in spec.types]
             for topic in spec.topics}
    pools = {topic: pool for topic, pool in pools.items() if pool}
    quotas = _quotas(spec, pools, rng)
    # A random tie-break fixed once per question, so the order is reproducible by seed.
    ranks = {q.id: (asked_before.get(q.id, 0), rng.random())
             for pool in pools.values() for q in pool}
    picked = {topic: _pick(sorted(pool, key=lambda q: ranks[q.id]), quotas[topic], ranks)
              for topic, pool in pools.items()}
    _cover_required_types(picked, pools, ranks, spec)
    questions = [q for topic in pools for q in picked[topic]]
    rng.shuffle(questions)
    return [Served(q.id, tuple(option_order(q, rng))) for q in questions]


def _quotas(spec: ExamSpec, pools: Mapping[str, list[Question]],
            rng: random.Random) -> dict[str, int]:
    """How many questions each topic gives: ``per_topic`` each, or ``questions`` shared out
    as evenly as the banks allow."""
    if spec.questions is None:
        return {topic: min(spec.per_topic or 1, len(pool)) for topic, pool in pools.items()}
    quotas = dict.fromkeys(pools, 0)
    left = min(spec.questions, sum(len(pool) for pool in pools.values()))
    topics = list(pools)
    rng.shuffle(topics)  # which topics get the remainder
    while left:
        for topic in topics:
            if left and quotas[topic] < len(pools[topic]):
                quotas[topic] += 1
                left -= 1
    return quotas


def _pick(ranked: list[Question], quota: int,
          ranks: Mapping[str, tuple[int, float]]) -> list[Question]:
    """The least-asked questions first; among equally asked ones, a type not yet picked."""
    picked: list[Question] = []
    left = list(ranked)
    while left and len(picked) < quota:
        fewest = ranks[left[0].id][0]
        tier = [q for q in left if ranks[q.id][0] == fewest]
        types = {q.type for q in picked}
        choice = next((q for q in tier if q.type not in types), tier[0])
        picked.append(choice)
        left.remove(choice)
    return picked


def _cover_required_types(picked: dict[str, list[Question]],
                          pools: Mapping[str, list[Question]],
                          ranks: Mapping[str, tuple[int, float]], spec: ExamSpec) -> None:
    """Swap in a fix-it or spot-the-line question if the draw has none but could."""
    for kind in REQUIRED_TYPES:
        if kind not in spec.types or any(q.type == kind for qs in picked.values() for q in qs):
            continue
        options = sorted(((ranks[q.id], topic, q) for topic, pool in pools.items()
                          for q in pool if q.type == kind and picked[topic]),
                         key=lambda item: item[0])
        for _, topic, question in options:
            # Replace the topic's question whose type is most repeated across the exam.
            counts = _type_counts(picked)
            replaceable = [q for q in picked[topic] if q.type not in REQUIRED_TYPES]
            if not replaceable:
                continue
            out = max(reversed(replaceable), key=lambda q: counts[q.type])
            picked[topic][picked[topic].index(out)] = question
            break


def _type_counts(picked: Mapping[str, list[Question]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for questions in picked.values():
        for question in questions:
            counts[question.type] = counts.get(question.type, 0) + 1
    return counts


def shown_choices(question: Question, served: Served) -> list[str]:
    """The choices' texts in the order the attempt shows them."""
    texts = choice_texts(question)
    return [texts[index] for index in served.order]
