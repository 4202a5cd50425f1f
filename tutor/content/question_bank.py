"""Read one quiz file (a question bank) into questions, each checked for what its type needs."""

from __future__ import annotations

import sys
from typing import Any

from tutor.content.goals import parse_goal
from tutor.content.model import ContentError, Option, Question, Topic
from tutor.content.pack_reader import INVALID, PackReader
from tutor.content.schema import QUESTION, QUIZ, validate
from tutor.yamllines import YamlList, YamlMap

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable


def read_bank(reader: PackReader, node: Traversable, rel: str,
              topics: tuple[Topic, ...]) -> list[Question]:
    """The questions of the bank at ``node`` that load; problems go to ``reader.errors``."""
    data = reader.yaml(reader.read(node, rel), rel)
    if data is INVALID:
        return []
    # The bank's own keys first; then each question on its own, so one broken question
    # is reported and skipped while the rest of the bank still loads.
    bank = {**QUIZ, "properties": {**QUIZ["properties"], "questions": {
        "type": "array", "minItems": 1}}}
    reader.errors.extend(validate(data, bank, rel, name="the question bank"))
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return []
    topic = str(data.get("topic", ""))
    known = [t.id for t in topics]
    if "topic" in data and known and topic not in known:
        reader.errors.append(ContentError(
            rel, data.line_of("topic") if isinstance(data, YamlMap) else 1,
            f"topic '{topic}' is not one of the course's topics ({', '.join(known)}): "
            f"use one of them, or add it to topics: in lessons/course.yaml"))
    questions: list[Question] = []
    items: YamlList | list[Any] = data["questions"]
    for index, item in enumerate(items):
        line = items.line_of(index) if isinstance(items, YamlList) else 1
        problems = validate(item, QUESTION, rel, line, name=f"question {index + 1}")
        reader.errors.extend(problems)
        if problems or not isinstance(item, YamlMap):
            continue
        question = _question(item, topic, rel, reader.errors)
        if question is not None:
            questions.append(question)
    return questions


_TYPE_KEYS = {
    "single": ({"options", "answer"}, set()),
    "multiple": ({"options", "answer"}, set()),
    "true_false": ({"answer"}, set()),
    "spot_the_line": ({"dockerfile", "answer"}, {"rule"}),
    "fix_it": ({"dockerfile", "goal", "solution"}, set()),
}
_COMMON = {"id", "type", "difficulty", "lesson", "prompt", "explanation"}


def _question(item: YamlMap, topic: str, rel: str,
              errors: list[ContentError]) -> Question | None:
    """One question from its YAML, with the checks that depend on its type."""
    kind = item["type"]
    qid = item["id"]
    required, optional = _TYPE_KEYS[kind]
    found = len(errors)
    for key in sorted(required - item.keys()):
        errors.append(ContentError(rel, item.line, f"question '{qid}' ({kind}) has no '{key}': "
                                                   f"add {key}:"))
    for key in sorted(item.keys() - required - optional - _COMMON):
        errors.append(ContentError(rel, item.line_of(key),
                                   f"question '{qid}': {kind} questions take no '{key}': "
                                   f"remove it, or change the type"))
    if len(errors) > found:
        return None
    common: dict[str, Any] = dict(
        id=qid, type=kind, topic=topic, difficulty=item["difficulty"], lesson=item["lesson"],
        prompt=item["prompt"], explanation=item["explanation"], file=rel, line=item.line,
        key_lines={str(k): n for k, n in item.key_lines.items()})
    answer = item.get("answer")
    at = item.line_of("answer")
    if kind in ("single", "multiple"):
        listed = item["options"]
        options = tuple(Option(o["text"], o.get("why"), listed.line_of(index))
                        for index, o in enumerate(listed))
        indexes = _letters(answer, len(options), qid, kind, rel, at, errors)
        if indexes is None:
            return None
        for index, option in enumerate(options):
            if index not in indexes and option.why is None:
                errors.append(ContentError(
                    rel, item["options"].line_of(index),
                    f"question '{qid}': option {chr(97 + index)} is wrong but has no 'why': "
                    f"add why: saying what is wrong with it"))
        return Question(**common, options=options, answer=indexes)
    if kind == "true_false":
        if not isinstance(answer, bool):
            errors.append(ContentError(rel, at, f"question '{qid}': the answer is '{answer}': "
                                                f"write answer: true or answer: false"))
            return None
        return Question(**common, answer=answer)
    if kind == "spot_the_line":
        lines = [answer] if isinstance(answer, int) and not isinstance(answer, bool) else answer
        if not isinstance(lines, list) or not lines or not all(
                isinstance(n, int) and not isinstance(n, bool) for n in lines):
            errors.append(ContentError(rel, at, f"question '{qid}': give the answer as a line "
                                                f"number, or a list of them: answer: [3, 5]"))
            return None
        return Question(**common, dockerfile=item["dockerfile"], rule=item.get("rule"),
                        answer=tuple(sorted(set(lines))))
    goal, problems = parse_goal(item["goal"], rel, allow=item.get("allow"),
                                allow_line=item.line_of("allow")
                                if isinstance(item, YamlMap) else at)
    errors.extend(problems)
    return Question(**common, dockerfile=item["dockerfile"], goal=goal,
                    solution=item["solution"]) if not problems else None


def _letters(answer: Any, count: int, qid: str, kind: str, rel: str, line: int,
             errors: list[ContentError]) -> tuple[int, ...] | None:
    """Answer letters as option indexes, checking the count the type asks for."""
    letters = [answer] if isinstance(answer, str) else answer
    last = chr(96 + count)
    if kind == "single" and not isinstance(answer, str):
        errors.append(ContentError(rel, line, f"question '{qid}': a single-answer question "
                                              f"has one answer letter (a-{last})"))
        return None
    if not isinstance(letters, list) or not all(isinstance(x, str) for x in letters):
        errors.append(ContentError(rel, line, f"question '{qid}': answer with letters from a "
                                              f"to {last}: answer: [a, c]"))
        return None
    indexes: list[int] = []
    for letter in letters:
        index = ord(letter.strip().lower()) - 97 if len(letter.strip()) == 1 else -1
        if not 0 <= index < count:
            errors.append(ContentError(rel, line, f"question '{qid}': answer '{letter}' names "
                                                  f"no option: use a letter from a to {last}"))
            return None
        indexes.append(index)
    if len(set(indexes)) != len(indexes):
        errors.append(ContentError(rel, line, f"question '{qid}': an answer letter is "
                                              f"repeated: list each letter once"))
        return None
    if kind == "multiple" and not 2 <= len(indexes) < count:
        errors.append(ContentError(
            rel, line, f"question '{qid}': a select-all question needs at least two right "
                       f"options and at least one wrong one (it has {len(indexes)} of {count}): "
                       f"change the answer, or make it type: single"))
        return None
    return tuple(sorted(indexes))
