"""The JSON Schemas authors see, and a validator that reports problems with line and fix.

The schemas are the one description of each file's shape: ``content schema`` publishes them,
and ``validate`` walks loaded YAML against the subset of JSON Schema they use (type,
properties, required, additionalProperties, enum, pattern, items, min/max). ``oneOf`` is
published for editors but enforced in code, where a precise message can be given.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from tutor.content.model import DIFFICULTIES, FEEDBACK, QUESTION_TYPES, ContentError
from tutor.yamllines import YamlList, YamlMap

_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$",
       "description": "lowercase letters, digits and hyphens"}
_TEXT = {"type": "string", "minLength": 1}
_RULE_ID = {"type": "string", "pattern": "^[A-Z]+[0-9]+$", "description": "a rule id such as HT101"}
_STRINGS = {"type": "array", "items": _TEXT, "minItems": 1}
_PATHS = {"type": "array", "items": _TEXT, "minItems": 1,
          "description": "paths relative to the exercise folder"}

GOAL_CHECKS: dict[str, dict[str, Any]] = {
    "no_finding": {"type": ["string", "array"], "items": _RULE_ID, "minItems": 1,
                   "description": "rule ids that must not fire"},
    "runs_as_root": {"type": "boolean"},
    "user_numeric": {"type": "boolean"},
    "command": {"type": "array", "items": _TEXT, "minItems": 1,
                "description": "the words of ENTRYPOINT plus CMD"},
    "base_image": {"type": ["string", "array"], "items": _TEXT, "minItems": 1,
                   "description": "image names; * is a wildcard"},
    "installs": {"type": "array", "items": _TEXT, "minItems": 1},
    "instruction": {
        "type": "object", "additionalProperties": False, "required": ["keyword"],
        "properties": {"keyword": {"type": "string", "pattern": "^[A-Z]+$"},
                       "contains": _TEXT, "matches": _TEXT,
                       "stage": {"enum": ["final", "any"]}},
        "oneOf": [{"required": ["contains"]}, {"required": ["matches"]}],
    },
    "stages": {"type": "integer", "minimum": 1},
    "secret_mount": {"type": ["string", "boolean"]},
    "ignored": _PATHS,
    "sent": _PATHS,
    "services": _STRINGS,
    "writable": {**_PATHS, "description": "paths the runtime user must be able to write"},
    "not_writable": {**_PATHS, "description": "paths (the code) the runtime user must not "
                                              "be able to change, nor anything in them"},
    "executable": {"enum": ["entrypoint"],
                   "description": "the runtime user must be able to run the entrypoint"},
    "scan_gate": {
        "type": "object", "additionalProperties": False,
        "required": ["workflow", "report", "image"],
        "properties": {"workflow": _TEXT, "report": _TEXT, "image": _TEXT},
        "description": "the workflow's Trivy scan of image fails the build on each fixable "
                       "HIGH or CRITICAL finding of the recorded report (in starter/), and "
                       "on nothing else",
    },
    "scan_ignores": {
        "type": "object", "additionalProperties": False,
        "required": ["workflow", "report", "image"],
        "properties": {"workflow": _TEXT, "report": _TEXT, "image": _TEXT,
                       "accept": {**_STRINGS, "description": "finding ids the learner "
                                                             "must accept with a justified "
                                                             "ignore entry"}},
        "description": "each ignore entry the scan reads says why and expires within a "
                       "year, and none hides a fixable CRITICAL",
    },
    "pinned_actions": {**_TEXT, "description": "a GitHub Actions workflow whose actions must "
                                               "be pinned to full commit SHAs and Trivy to a "
                                               "release"},
}
# Checks every goal holds without being asked: what a fix must never break.
DEFAULT_CHECKS = ("clean", "builds", "starts")
# Goal checks that judge a CI workflow against a recorded scanner report (tutor.content.scan).
SCAN_KINDS = ("scan_gate", "scan_ignores", "pinned_actions")
_ALLOW = {"type": "array", "items": _RULE_ID, "minItems": 1,
          "description": "rules whose warnings may stay in the learner's files (by default a "
                         "goal also requires no finding at warning or above)"}

GOAL: dict[str, Any] = {
    "type": "array", "minItems": 1,
    "description": "checks that must all pass",
    "items": {
        "type": "object", "additionalProperties": False,
        "properties": {**GOAL_CHECKS, "label": _TEXT},
        "oneOf": [{"required": [kind]} for kind in GOAL_CHECKS],
    },
}

EXAM_DEFINITION: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["id", "title"],
    "properties": {
        "id": _ID, "title": _TEXT,
        "topics": {"type": "array", "minItems": 1, "items": _ID,
                   "description": "topic ids to draw from (default: every topic)"},
        "types": {"type": "array", "minItems": 1, "items": {"enum": list(QUESTION_TYPES)},
                  "description": "question types to ask (default: every type)"},
        "per_topic": {"type": "integer", "minimum": 1,
                      "description": "questions from each topic (default 3)"},
        "questions": {"type": "integer", "minimum": 1,
                      "description": "questions in all, instead of per_topic"},
        "pass_mark": {"type": "integer", "minimum": 1, "maximum": 100,
                      "description": "percentage needed to pass (default 80)"},
        "time_limit_minutes": {"type": "integer", "minimum": 1},
        "attempts": {"type": "integer", "minimum": 1,
                     "description": "attempts allowed per learner (default: unlimited)"},
        "retake_after_days": {"type": "integer", "minimum": 1,
                              "description": "days to wait after an attempt before the next"},
        "feedback": {"enum": list(FEEDBACK),
                     "description": "after submitting: the score only, the score per "
                                    "topic, or the full review (default)"},
    },
}

COURSE: dict[str, Any] = {
    "title": "hardening-tutor course manifest (lessons/course.yaml)",
    "type": "object", "additionalProperties": False,
    "required": ["format_version", "title", "topics"],
    "properties": {
        "format_version": {"const": 1},
        "title": _TEXT,
        "scope": {"enum": ["complete", "partial"],
                  "description": "complete: every analyzer rule must be taught"},
        "topics": {"type": "array", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False, "required": ["id", "title"],
            "properties": {"id": _ID, "title": _TEXT}}},
        "roster": {"type": "string", "pattern": r"^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9_./-]*\.csv$",
                   "description": "a CSV file in the pack (columns id, name, and optionally "
                                  "email and group): exams then ask for a learner's id"},
        "exams": {"type": "array", "minItems": 1, "items": EXAM_DEFINITION,
                  "description": "the exams learners sit, each run exactly as defined"},
        "exam": {"type": "object", "additionalProperties": False,
                 "description": "older packs: the settings of one exam, 'sign-off'",
                 "properties": {
                     "per_topic": {"type": "integer", "minimum": 1},
                     "pass_mark": {"type": "integer", "minimum": 1, "maximum": 100},
                     "time_limit_minutes": {"type": "integer", "minimum": 1}}},
    },
}

LESSON: dict[str, Any] = {
    "title": "hardening-tutor lesson front matter",
    "type": "object", "additionalProperties": False,
    "required": ["id", "title", "order", "summary", "objectives", "minutes", "rules"],
    "properties": {
        "id": _ID, "title": _TEXT, "order": {"type": "integer", "minimum": 1},
        "summary": _TEXT, "objectives": _STRINGS,
        "minutes": {"type": "integer", "minimum": 1, "maximum": 240},
        "rules": {"type": "array", "items": _RULE_ID},
        "exercises": {"type": "array", "items": _ID},
    },
}

EXERCISE: dict[str, Any] = {
    "title": "hardening-tutor exercise (lessons/exercises/ID/exercise.yaml)",
    "type": "object", "additionalProperties": False,
    "required": ["title", "summary", "difficulty", "edit", "goal", "hints", "debrief"],
    "properties": {
        "title": _TEXT, "summary": _TEXT, "difficulty": {"enum": list(DIFFICULTIES)},
        "edit": {**_PATHS, "description": "the files the learner changes; the first opens first"},
        "dockerfile": {**_TEXT, "description": "the Dockerfile the goal judges"},
        "goal": GOAL,
        "allow": _ALLOW,
        "hints": {"type": "array", "items": _TEXT, "minItems": 3, "maxItems": 3,
                  "description": "three hints, from a nudge to nearly the answer"},
        "debrief": _TEXT,
    },
}

_OPTION = {"type": "object", "additionalProperties": False, "required": ["text"],
           "properties": {"text": _TEXT, "why": _TEXT}}

QUESTION: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "type", "difficulty", "lesson", "prompt", "explanation"],
    "properties": {
        "id": _ID, "type": {"enum": list(QUESTION_TYPES)},
        "difficulty": {"enum": list(DIFFICULTIES)}, "lesson": _ID,
        "prompt": _TEXT, "explanation": _TEXT,
        "options": {"type": "array", "items": _OPTION, "minItems": 2},
        "answer": {"type": ["string", "array", "boolean", "integer"],
                   "description": "a letter, letters, true/false, or line numbers"},
        "dockerfile": _TEXT, "rule": _RULE_ID, "goal": GOAL, "allow": _ALLOW, "solution": _TEXT,
    },
}

QUIZ: dict[str, Any] = {
    "title": "hardening-tutor question bank (quizzes/TOPIC.yaml)",
    "type": "object", "additionalProperties": False, "required": ["topic", "questions"],
    "properties": {"topic": _ID,
                   "questions": {"type": "array", "minItems": 1, "items": QUESTION}},
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "course": COURSE, "lesson": LESSON, "exercise": EXERCISE, "quiz": QUIZ,
}


def published(kind: str) -> dict[str, Any]:
    """The schema for one kind of file, as a standalone JSON Schema document."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://hardening-tutor.invalid/schema/{kind}.json", **SCHEMAS[kind]}


_TYPE_NAMES = {"string": "text", "array": "a list", "object": "a mapping of keys",
               "integer": "a whole number", "boolean": "true or false", "number": "a number"}


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__


def _described(value: Any) -> str:
    kind = _type_of(value)
    if kind == "null":
        return "empty"
    if kind in ("string", "integer", "boolean", "number"):
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        shown = shown if len(shown) <= 40 else shown[:37] + "..."
        return f"{_TYPE_NAMES[kind]} '{shown}'" if kind == "string" else f"'{shown}'"
    return _TYPE_NAMES.get(kind, kind)


def validate(value: Any, schema: dict[str, Any], file: str, line: int = 1,
             name: str = "the file", line_offset: int = 0) -> list[ContentError]:
    """Every way ``value`` breaks ``schema``; ``line_offset`` shifts lines (front matter)."""
    errors: list[ContentError] = []
    _walk(value, schema, name, line, errors, file, line_offset)
    return errors


def _walk(value: Any, schema: dict[str, Any], name: str, line: int,
          errors: list[ContentError], file: str, offset: int) -> None:
    def error(message: str, at: int = line) -> None:
        errors.append(ContentError(file, at + offset, message))

    if "const" in schema and value != schema["const"]:
        error(f"{name} is {_described(value)}: it must be {schema['const']}")
        return
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(str(c) for c in schema["enum"])
        error(f"{name} is {_described(value)}: use one of {choices}")
        return
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else list(types)
        actual = _type_of(value)
        if actual not in allowed and not (actual == "integer" and "number" in allowed):
            wanted = " or ".join(_TYPE_NAMES[t] for t in allowed)
            error(f"{name} is {_described(value)}: make it {wanted}")
            return
    if isinstance(value, dict):
        _walk_mapping(value, schema, name, line, errors, file, offset)
    elif isinstance(value, list):
        count = len(value)
        if "minItems" in schema and count < schema["minItems"]:
            error(f"{name} has {count} item{'s' * (count != 1)}: give at least "
                  f"{schema['minItems']}")
        if "maxItems" in schema and count > schema["maxItems"]:
            error(f"{name} has {count} items: give at most {schema['maxItems']}")
        items = schema.get("items")
        if items is not None:
            for index, item in enumerate(value):
                at = value.line_of(index) if isinstance(value, YamlList) else line
                _walk(item, items, f"item {index + 1} of {name}", at, errors, file, offset)
    elif isinstance(value, str):
        if "minLength" in schema and len(value.strip()) < schema["minLength"]:
            error(f"{name} is empty: write it, or remove the key")
        pattern = schema.get("pattern")
        if pattern is not None and not re.search(pattern, value):
            error(f"{name} is {_described(value)}: use {schema.get('description', pattern)}")
    elif isinstance(value, int) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            error(f"{name} is {value}: it must be at least {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            error(f"{name} is {value}: it must be at most {schema['maximum']}")


def _walk_mapping(value: dict[Any, Any], schema: dict[str, Any], name: str, line: int,
                  errors: list[ContentError], file: str, offset: int) -> None:
    properties: dict[str, Any] = schema.get("properties", {})
    line = value.line if isinstance(value, YamlMap) else line

    def at(key: Any) -> int:
        return value.line_of(key) if isinstance(value, YamlMap) else line

    if isinstance(value, YamlMap):
        for key, repeat in value.duplicates:
            errors.append(ContentError(
                file, repeat + offset,
                f"'{key}' is written twice in {name} (first on line {at(key) + offset}): "
                f"YAML keeps only the last one, so merge them"))
    for key in schema.get("required", ()):
        if key not in value:
            what = properties.get(key, {}).get("description")
            hint = f" ({what})" if what else ""
            errors.append(ContentError(file, line + offset,
                                       f"{name} has no '{key}': add {key}:{hint}"))
    for key, item in value.items():
        sub = properties.get(key) if isinstance(key, str) else None
        if sub is None:
            if schema.get("additionalProperties", True) is False:
                close = difflib.get_close_matches(str(key), list(properties), n=1)
                fix = (f"did you mean '{close[0]}'?" if close else
                       f"the keys allowed here are {', '.join(properties)}")
                errors.append(ContentError(file, at(key) + offset,
                                           f"unknown key '{key}' in {name}: {fix}"))
            continue
        _walk(item, sub, f"'{key}'", at(key), errors, file, offset)
