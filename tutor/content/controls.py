"""Control characters in course text: each one an error, and shown as a glyph meanwhile.

Course text reaches learners' terminals; an escape sequence in a lesson title, a body or a
quiz option could set their clipboard or clear their screen (issue 13). The loader reports
each with its line, and what it keeps is made harmless by :func:`tutor.safetext.visible`.
"""

from __future__ import annotations

from typing import Any

from tutor.safetext import first_control, has_controls, visible
from tutor.yamllines import YamlList, YamlMap

# (line, message) for one problem; the loader adds the file.
Problem = tuple[int, str]


def in_text(text: str) -> tuple[str, list[Problem]]:
    """``text`` with controls as glyphs, and an error for each line that held one."""
    if not has_controls(text):
        return text, []
    problems: list[Problem] = []
    for number, line in enumerate(text.split("\n"), 1):
        hit = first_control(line.removesuffix("\r"))
        if hit is not None:
            column, name = hit
            problems.append((number, f"holds the control character {name} at column "
                                     f"{column + 1}, which a terminal would act on: delete "
                                     f"it (course text is plain text)"))
    return visible(text), problems


def in_data(data: Any) -> tuple[Any, list[Problem]]:
    """Parsed YAML with controls in its strings as glyphs, and an error for each.

    YAML's double-quoted escapes (``"\\e"``, ``"\\x1b"``) make control characters out of
    plain text, so a file that passes :func:`in_text` may still hold them.
    """
    problems: list[Problem] = []
    seen: set[int] = set()  # an alias shares its node: walk each container once

    def clean(value: Any, line: int) -> Any:
        if isinstance(value, str):
            hit = first_control(value)
            if hit is None:
                return value
            problems.append((line, f"a value holds the control character {hit[1]} (from a "
                                   f"YAML escape), which a terminal would act on: remove it"))
            return visible(value)
        if id(value) in seen:
            return value
        if isinstance(value, YamlMap):
            seen.add(id(value))
            for key in list(value):
                value[key] = clean(value[key], value.line_of(key))
        elif isinstance(value, YamlList):
            seen.add(id(value))
            for index, item in enumerate(value):
                value[index] = clean(item, value.line_of(index))
        return value

    return clean(data, 1), problems
