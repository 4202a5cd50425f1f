"""Answer cues: what a guesser who never read the lessons can exploit in a pack's quizzes.

``measure_cues`` reports the figures and, as warnings (never errors), what an author should
change. Two kinds of threshold, each chosen so a warning means something:

- A pack-wide pattern (the right option is the longest, right answers crowd one letter,
  select-all questions share one answer set) is flagged when a pack written without the
  habit would show it less than 1 time in 100 (``CHANCE``). The chance is exact: each
  question is its own coin with its own odds (1 in its number of options, and so on), so a
  small pack is not flagged for a pattern two questions happen to share.
- One question is flagged when its right option is at least ``LONGEST_MARGIN`` (1.5) times
  as long as its longest distractor: options of like detail differ by a few words, while an
  answer half again as long as every alternative is the cue item-writing guides warn of
  ("keep the length of choices about equal", Haladyna, Downing and Rodriguez 2002).
- Two questions are near-duplicates when their prompts score at least ``STEM_SIMILARITY``
  (0.6): difflib's ratio over each prompt's words, lowercased, function words dropped and
  sorted, so a reworded or reordered sentence still matches. Questions that both show a
  Dockerfile must also share that much of it, so one generic "which line..." prompt over
  different Dockerfiles is no duplicate; one that shows a Dockerfile is never compared with
  one that does not. Over the shipped course the threshold separates
  the pair the course audit found (root-userns-remap and caps-userns-remap, 0.68) from the
  closest distinct pair (two questions on one ``docker run`` flag, 0.59).
"""

from __future__ import annotations

import difflib
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tutor.content.model import ContentError, Course, Question

CHANCE = 0.01
LONGEST_MARGIN = 1.5
STEM_SIMILARITY = 0.6
# Beyond this many questions the exact tail gives way to the normal approximation.
_EXACT_UP_TO = 1000
# Comparing every pair of prompts grows with the square of the pack; beyond this many
# questions (a few seconds' work) the pass is skipped, and the warning says so.
MOST_COMPARED = 2000
_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no content, so two prompts are not alike for sharing them.
_FUNCTION_WORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how",
    "in", "inside", "into", "is", "it", "its", "no", "not", "of", "on", "or", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "what",
    "when", "which", "who", "why", "with", "you", "your"))


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """Two questions whose stems are nearly the same text."""

    first: Question
    second: Question
    similarity: float


@dataclass(slots=True)
class Cues:
    """The cue figures for one pack, and the warnings they give rise to."""

    single: int = 0
    correct_longest: int = 0
    median_length_ratio: float | None = None
    longest_score: float = 0.0
    chance_score: float = 0.0
    flagged_longest: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    expected_positions: dict[str, float] = field(default_factory=dict)
    multiple: int = 0
    common_set: tuple[str, ...] = ()
    common_set_count: int = 0
    true_false: int = 0
    true_answers: int = 0
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The figures as ``content check --format json`` reports them."""
        placed = sum(self.positions.values())
        return {
            "single_choice": {
                "questions": self.single,
                "correct_is_longest": self.correct_longest,
                "correct_is_longest_share": _share(self.correct_longest, self.single),
                "median_length_ratio": _round(self.median_length_ratio),
                "always_longest_score": _round(self.longest_score),
                "chance_score": _round(self.chance_score),
                "longest_by_margin": self.flagged_longest,
                "margin": LONGEST_MARGIN},
            "answer_positions": {letter: _share(count, placed)
                                 for letter, count in self.positions.items()},
            "expected_positions": {letter: _share(expected, placed)
                                   for letter, expected in self.expected_positions.items()},
            "multiple_answer": {"questions": self.multiple,
                                "most_common_set": list(self.common_set),
                                "most_common_count": self.common_set_count},
            "true_false": {"questions": self.true_false, "true": self.true_answers},
            "near_duplicates": [{"first": pair.first.id, "second": pair.second.id,
                                 "similarity": round(pair.similarity, 2)}
                                for pair in self.near_duplicates],
            "similarity_threshold": STEM_SIMILARITY,
        }


def measure_cues(course: Course) -> Cues:
    """Measure the answer cues in every question bank of the pack."""
    cues = Cues()
    _longest(course.questions, cues)
    _positions(course.questions, cues)
    _answer_sets(course.questions, cues)
    _true_false(course.questions, cues)
    _duplicates(course.questions, cues)
    cues.warnings.sort(key=lambda w: (w.file, w.line, w.message))
    return cues


def _warn(file: str, line: int, message: str) -> ContentError:
    return ContentError(file, line, message, severity="warning")


def _length(text: str) -> int:
    return len(" ".join(text.split()))


def _longest(questions: Sequence[Question], cues: Cues) -> None:
    """How often, and by how much, the right option of a single-choice question is longest."""
    ratios: list[float] = []
    odds: list[float] = []
    score = chance = 0.0
    for question in questions:
        if question.type != "single" or not isinstance(question.answer, tuple):
            continue
        right = question.answer[0]
        lengths = [_length(option.text) for option in question.options]
        rival = max(length for index, length in enumerate(lengths) if index != right)
        cues.single += 1
        odds.append(1 / len(lengths))
        chance += 1 / len(lengths)
        top = max(lengths)
        if lengths[right] == top:
            score += 1 / lengths.count(top)
        if lengths[right] > rival:
            cues.correct_longest += 1
        ratio = lengths[right] / max(rival, 1)
        ratios.append(ratio)
        if ratio >= LONGEST_MARGIN:
            cues.flagged_longest.append(question.id)
            option = question.options[right]
            cues.warnings.append(_warn(
                question.file, option.line or question.line,
                f"question '{question.id}': the right option is {ratio:.1f}x as long as the "
                f"longest wrong one (the cue starts at {LONGEST_MARGIN}x), so a guesser picks "
                f"it: trim it, or make a wrong option as long and as specific"))
    if not cues.single:
        return
    cues.median_length_ratio = statistics.median(ratios)
    cues.longest_score = score / cues.single
    cues.chance_score = chance / cues.single
    if _tail_above(odds, cues.correct_longest) < CHANCE:
        cues.warnings.append(_warn(
            "quizzes", 1,
            f"the right option is the strictly longest in {cues.correct_longest} of "
            f"{cues.single} single-choice questions (chance: about {sum(odds):.0f}); always "
            f"picking the longest scores {cues.longest_score:.0%} where guessing scores "
            f"{cues.chance_score:.0%}: shorten right options or lengthen wrong ones"))


def _positions(questions: Sequence[Question], cues: Cues) -> None:
    """Where single-choice right answers sit, against where chance would put them."""
    odds: dict[int, list[float]] = {}
    counts: Counter[int] = Counter()
    for question in _choice(questions):
        if question.type != "single" or not isinstance(question.answer, tuple):
            continue
        for index in range(len(question.options)):
            odds.setdefault(index, []).append(1 / len(question.options))
        counts.update(question.answer)
    if not odds:
        return
    cues.positions = {chr(97 + index): counts[index] for index in sorted(odds)}
    cues.expected_positions = {chr(97 + index): sum(odds[index]) for index in sorted(odds)}
    over = [chr(97 + i) for i in sorted(odds) if _tail_above(odds[i], counts[i]) < CHANCE]
    under = [chr(97 + i) for i in sorted(odds) if _tail_below(odds[i], counts[i]) < CHANCE]
    if over or under:
        placed = sum(counts.values())
        shares = ", ".join(f"{letter} {_share(count, placed):.0%}"
                           for letter, count in cues.positions.items())
        skew = "; ".join(part for part in (
            f"too many at {', '.join(over)}" if over else "",
            f"too few at {', '.join(under)}" if under else "") if part)
        cues.warnings.append(_warn(
            "quizzes", 1,
            f"single-choice right answers sit at {shares} ({skew}): exports and printouts "
            f"keep this order, so spread the right answers over the letters"))


def _answer_sets(questions: Sequence[Question], cues: Cues) -> None:
    """Whether select-all questions keep reusing one set of right letters."""
    multiple = [q for q in _choice(questions) if q.type == "multiple"]
    cues.multiple = len(multiple)
    sets = Counter(q.answer for q in multiple if isinstance(q.answer, tuple))
    if not sets:
        return
    common, count = sets.most_common(1)[0]
    cues.common_set = tuple(chr(97 + index) for index in common)
    cues.common_set_count = count
    odds = [1 / math.comb(len(q.options), len(common))
            if isinstance(q.answer, tuple) and len(q.answer) == len(common)
            and max(common) < len(q.options) else 0.0 for q in multiple]
    if count < 2 or _tail_above(odds, count) >= CHANCE:
        return
    letters = ", ".join(cues.common_set)
    for question in multiple:
        if question.answer == common:
            cues.warnings.append(_warn(
                question.file, question.key_lines.get("answer", question.line),
                f"question '{question.id}': the right answers are {letters}, as in {count} of "
                f"the pack's {len(multiple)} select-all questions: vary which options are "
                f"right"))


def _true_false(questions: Sequence[Question], cues: Cues) -> None:
    """Whether true-false answers lean one way, so 'always true' beats a coin."""
    answers = [q.answer for q in questions if q.type == "true_false"]
    cues.true_false = len(answers)
    cues.true_answers = sum(1 for answer in answers if answer is True)
    odds = [0.5] * len(answers)
    leaning = max(cues.true_answers, len(answers) - cues.true_answers)
    if answers and _tail_above(odds, leaning) < CHANCE / 2:  # two-sided
        side = "true" if cues.true_answers * 2 > len(answers) else "false"
        cues.warnings.append(_warn(
            "quizzes", 1,
            f"{leaning} of {len(answers)} true-false answers are {side}, so always answering "
            f"{side} scores {leaning / len(answers):.0%}: balance them"))


def _duplicates(questions: Sequence[Question], cues: Cues) -> None:
    """Pairs of questions that ask nearly the same thing, in one bank or across banks."""
    if len(questions) > MOST_COMPARED:
        cues.warnings.append(_warn(
            "quizzes", 1,
            f"near-duplicate prompts were not looked for: the pack has {len(questions)} "
            f"questions, more than the {MOST_COMPARED} compared pairwise: check a part of it "
            f"at a time"))
        return
    stems = [(question, _words(question.prompt, drop=_FUNCTION_WORDS)) for question in questions]
    for index, (first, words) in enumerate(stems):
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(words)
        for second, other in stems[index + 1:]:
            if (first.dockerfile is None) != (second.dockerfile is None):
                continue  # reading a Dockerfile and recalling a fact are different tasks
            matcher.set_seq1(other)
            if (matcher.real_quick_ratio() < STEM_SIMILARITY
                    or matcher.quick_ratio() < STEM_SIMILARITY):
                continue
            similarity = matcher.ratio()
            if first.dockerfile is not None and second.dockerfile is not None:
                similarity = min(similarity, difflib.SequenceMatcher(
                    None, _words(first.dockerfile), _words(second.dockerfile),
                    autojunk=False).ratio())
            if similarity >= STEM_SIMILARITY:
                cues.near_duplicates.append(NearDuplicate(first, second, similarity))
                cues.warnings.append(_warn(
                    second.file, second.key_lines.get("prompt", second.line),
                    f"question '{second.id}' asks nearly what '{first.id}' ({first.file} "
                    f"line {first.key_lines.get('prompt', first.line)}) asks "
                    f"({similarity:.0%} alike): a learner meets it twice; merge them, or make "
                    f"each test something of its own"))


def _words(text: str, drop: frozenset[str] = frozenset()) -> list[str]:
    """A text's words, lowercased and sorted, without those in ``drop``."""
    return sorted(word for word in _WORD.findall(text.lower()) if word not in drop)


def _choice(questions: Iterable[Question]) -> Iterable[Question]:
    return (q for q in questions if q.type in ("single", "multiple")
            and isinstance(q.answer, tuple) and q.options)


def _tail_above(odds: Sequence[float], observed: int) -> float:
    """The chance that independent events with these odds happen ``observed`` times or more."""
    if observed <= 0:
        return 1.0
    if len(odds) > _EXACT_UP_TO:
        mean = sum(odds)
        spread = math.sqrt(sum(p * (1 - p) for p in odds)) or 1.0
        return 0.5 * math.erfc((observed - 0.5 - mean) / (spread * math.sqrt(2)))
    return sum(_distribution(odds)[observed:])


def _tail_below(odds: Sequence[float], observed: int) -> float:
    """The chance that independent events with these odds happen ``observed`` times or fewer."""
    return 1.0 - _tail_above(odds, observed + 1)


def _distribution(odds: Sequence[float]) -> list[float]:
    """The exact distribution of how many of the events happen (a Poisson binomial)."""
    dist = [1.0]
    for p in odds:
        nxt = [0.0] * (len(dist) + 1)
        for count, chance in enumerate(dist):
            nxt[count] += chance * (1 - p)
            nxt[count + 1] += chance * p
        dist = nxt
    return dist


def _share(part: float, whole: float) -> float:
    return round(part / whole, 3) if whole else 0.0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
