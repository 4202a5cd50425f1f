"""Exercise goals read from course data: each check's shape, value and checklist label.

Judging files against a goal is ``tutor.content.judge``; this module imports only the rule
registry (for ids and names) and the scan checks' readers (which bind an exercise's recorded
report), so loading a course for its first screen does not import the analysis engine.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tutor.analysis.compose import COMPOSE_NAMES
from tutor.analysis.rules import RULES
from tutor.content.model import Check, ContentError, Goal
from tutor.content.schema import DEFAULT_CHECKS, GOAL_CHECKS, SCAN_KINDS
from tutor.yamllines import YamlMap


def parse_goal(items: list[Any], file: str, dockerfile: str = "Dockerfile",
               line_offset: int = 0, allow: list[Any] | None = None,
               allow_line: int = 1, files: Mapping[str, str] | None = None,
               ) -> tuple[Goal, list[ContentError]]:
    """A goal from its (schema-checked) YAML list, with the problems the schema cannot see.

    Every goal also holds the default checks (``DEFAULT_CHECKS``): nothing at warning or
    above is left in the learner's files but the rules in ``allow``, the image still
    builds, and its entrypoint can still start. ``files`` are an exercise's starter files:
    the scan checks read their recorded report from there, never from the learner's folder.
    An exercise with neither a Dockerfile nor a compose file among them (a CI workflow to
    fix, say) gets no default checks: they would judge nothing and pass.
    """
    checks: list[Check] = []
    errors: list[ContentError] = []
    allowed = tuple(r for r in (allow or ()) if isinstance(r, str))
    unknown = [r for r in allowed if r not in RULES]
    if unknown:
        errors.append(ContentError(file, allow_line + line_offset,
                                   f"allow: no rule {', '.join(unknown)}: use ids from "
                                   f"'hardening-tutor rules' (HT101, not DL3002)"))
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        line = (item.line if isinstance(item, YamlMap) else 1) + line_offset
        kinds = [key for key in item if key in GOAL_CHECKS]
        if len(kinds) != 1:
            found = ", ".join(kinds) if kinds else "none"
            errors.append(ContentError(file, line,
                                       f"goal check {index + 1} must have exactly one kind of "
                                       f"check (it has {found}): split it into one check a "
                                       f"line, each one of {', '.join(GOAL_CHECKS)}"))
            continue
        kind = kinds[0]
        value = item[kind]
        label = item.get("label")
        problem = _problem(kind, value)
        if problem:
            errors.append(ContentError(file, line, f"goal check {index + 1} ({kind}): {problem}"))
            continue
        if kind in ("scan_gate", "scan_ignores"):
            from tutor.content.scan.spec import bind, spec_of  # only for a scan exercise

            spec, problem = bind(spec_of(value), files)
            if problem:
                errors.append(ContentError(file, line, f"goal check {index + 1} ({kind}): "
                                                       f"{problem}"))
                continue
            checks.append(Check(kind, spec, label or _label(kind, spec), line))
        elif kind == "no_finding":
            # One checklist line a rule, so the learner sees which are left.
            for rule_id in [value] if isinstance(value, str) else value:
                checks.append(Check(kind, rule_id, label or _label(kind, rule_id), line))
        else:
            checks.append(Check(kind, value, label or _label(kind, value), line))
    first = checks[0].line if checks else 1 + line_offset
    has_image = files is None or any(name in files for name in (dockerfile, *COMPOSE_NAMES))
    for kind in DEFAULT_CHECKS if has_image else ():
        value = allowed if kind == "clean" else True
        checks.append(Check(kind, value, _label(kind, value), first))
    return Goal(tuple(checks), dockerfile, allowed), errors


def _problem(kind: str, value: Any) -> str | None:
    """What is wrong with a check's value beyond its shape, if anything."""
    if kind == "no_finding":
        unknown = [r for r in ([value] if isinstance(value, str) else value)
                   if isinstance(r, str) and r not in RULES]
        if unknown:
            return (f"no rule {', '.join(unknown)}: use ids from 'hardening-tutor rules' "
                    f"(HT101, not DL3002)")
    if kind == "instruction" and isinstance(value, dict):
        if "contains" in value and "matches" in value:
            return "give 'contains' or 'matches', not both"
        if "matches" in value:
            try:
                re.compile(str(value["matches"]))
            except re.error as exc:
                return f"'matches' is not a valid regular expression ({exc}): fix or escape it"
    if kind in ("runs_as_root", "user_numeric") and value not in (True, False):
        return "give true or false"
    if kind in SCAN_KINDS:
        from tutor.content.scan.spec import path_problem

        return path_problem(kind, value)
    return None


def words(values: Any) -> str:
    """Values as a phrase: ``a``, ``a and b``, ``a, b and c``."""
    items = [values] if isinstance(values, str) else [str(v) for v in values]
    if not items:
        return "nothing"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _label(kind: str, value: Any) -> str:
    """The checklist text for a check without its own ``label``."""
    if kind == "no_finding":
        return f"No {value} ({RULES.name_of(value)})"
    if kind == "runs_as_root":
        return "The image runs as root" if value else "The image runs as a non-root user"
    if kind == "user_numeric":
        return "The user is a numeric UID" if value else "The user is named, not numeric"
    if kind == "command":
        return f"The image still starts `{' '.join(value)}`"
    if kind == "base_image":
        names = [value] if isinstance(value, str) else value
        return f"The final image builds on {' or '.join(names)}"
    if kind == "installs":
        return f"{words(value)} {'is' if len(value) == 1 else 'are'} still installed"
    if kind == "instruction":
        text = value.get("contains") or value.get("matches")
        how = "contains" if "contains" in value else "matches"
        return f"A {value['keyword']} instruction {how} `{text}`"
    if kind == "stages":
        return f"The build has at least {value} stages"
    if kind == "secret_mount":
        return ("A RUN uses a BuildKit secret mount" if value is True else
                f"A RUN mounts the build secret `{value}`")
    if kind == "ignored":
        return f".dockerignore keeps {words(value)} out of the build"
    if kind == "sent":
        return f"{words(value)} still {'reaches' if len(value) == 1 else 'reach'} the build"
    if kind == "services":
        return f"The compose file still defines {words(value)}"
    if kind == "writable":
        return f"The app's user can write {words(value)}"
    if kind == "not_writable":
        return f"The app's user cannot change {words(value)} or anything in {_them(value)}"
    if kind == "executable":
        return "The app's user can run the entrypoint"
    if kind in SCAN_KINDS:
        from tutor.content.scan.spec import label

        return label(kind, value)
    if kind == "clean":
        spared = f" (besides {words(list(value))})" if value else ""
        return f"No other warning or error is left in your files{spared}"
    if kind == "builds":
        return "The image still builds: no step needs a user or a command it lacks"
    if kind == "starts":
        return "The container can still start its command as its user"
    return kind


def _them(values: Any) -> str:
    return "it" if isinstance(values, str) or len(values) == 1 else "them"
