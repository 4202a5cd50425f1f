"""Docker's variable substitution and its key=value word syntax (ARG, ENV, LABEL)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping

from tutor.analysis.lazyre import LazyPattern

# A scope maps a variable to its build-time value, or to None when it is declared but its
# value is only known at build time (``ARG X`` with no default).  A name missing from the
# scope may still be set by the base image's ENV, so it is unknown too.
Scope = Mapping[str, "str | None"]

_NAME = LazyPattern(r"[A-Za-z_][A-Za-z0-9_]*")


def substitute(text: str, scope: Scope, escape: str = "\\") -> tuple[str, tuple[str, ...]]:
    """Expand ``$VAR``, ``${VAR}``, ``${VAR:-d}``, ``${VAR:+a}`` (and ``-``/``+``/``?`` forms).

    Returns the expanded text and the names whose value could not be known; an unknown
    variable expands to the empty string, as it would in a build with no ``--build-arg``.
    """
    if "$" not in text:
        return text, ()
    out: list[str] = []
    unresolved: list[str] = []
    i, n = 0, len(text)
    in_single = False
    while i < n:
        ch = text[i]
        if ch == escape and i + 1 < n and text[i + 1] == "$":
            out.append("$")
            i += 2
            continue
        if ch == "'":
            in_single = not in_single
        if ch != "$" or in_single or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        if text[i + 1] == "{":
            close = _matching_brace(text, i + 1)
            if close < 0:
                out.append(text[i:])
                break
            out.append(_expand_braced(text[i + 2 : close], scope, escape, unresolved))
            i = close + 1
            continue
        match = _NAME.match(text, i + 1)
        if not match:
            out.append(ch)
            i += 1
            continue
        name = match.group(0)
        value = scope.get(name)
        if value is None:
            unresolved.append(name)
        out.append(value or "")
        i = match.end()
    return "".join(out), tuple(dict.fromkeys(unresolved))


def _matching_brace(text: str, open_at: int) -> int:
    """Index of the ``}`` closing the ``{`` at ``open_at``, or -1."""
    depth = 0
    for j in range(open_at, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return -1


def _expand_braced(inner: str, scope: Scope, escape: str, unresolved: list[str]) -> str:
    """Expand the inside of ``${...}``."""
    match = _NAME.match(inner)
    if not match:
        return ""
    name = match.group(0)
    rest = inner[match.end() :]
    known = name in scope and scope[name] is not None
    value = scope.get(name) or ""
    if not rest:
        if not known:
            unresolved.append(name)
        return value
    colon = rest.startswith(":")
    op = rest[1:2] if colon else rest[:1]
    word = rest[2:] if colon else rest[1:]
    # ':' variants treat an empty value like an unset one.
    is_set = known and (bool(value) or not colon)
    if op == "-":
        if is_set:
            return value
        expanded, more = substitute(word, scope, escape)
        unresolved.extend(more)
        return expanded
    if op == "+":
        if name not in scope:
            # Possibly set by the base image's ENV: unknowable here.
            unresolved.append(name)
            return ""
        if not is_set:
            return ""
        expanded, more = substitute(word, scope, escape)
        unresolved.extend(more)
        return expanded
    if op == "?":
        if not known:
            unresolved.append(name)
        return value
    return value


def operand_words(text: str, escape: str = "\\") -> list[tuple[str, str]]:
    """``(operator, literal)`` for the literal text in each ``${VAR:-word}``-style operand.

    ``-`` and ``+`` (with or without ``:``) give a default and an alternative, values the
    variable may take; ``?`` gives an error message. References nested in an operand split it
    into the literal runs around them: ``${A:+x${B-y}z}`` holds ``x``, ``y`` and ``z``.
    """
    found: list[tuple[str, str]] = []
    if "${" not in text:
        return found

    def note(operator: str, literal: str) -> str:
        found.append((operator, literal))
        return literal

    _map_operands(text, note, escape)
    return found


def mask_operands(text: str, mask: Callable[[str, str], str], escape: str = "\\") -> str:
    """The text with each literal run of an operand replaced by ``mask(operator, literal)``."""
    return _map_operands(text, mask, escape) if "${" in text else text


def _map_operands(text: str, replace: Callable[[str, str], str], escape: str,
                  operator: str = "") -> str:
    """Rebuild ``text``, passing the literal runs of operands through ``replace``.

    ``operator`` is set when ``text`` is itself an operand; top-level text is kept as it is.
    """
    out: list[str] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            run = "".join(literal)
            out.append(replace(operator, run) if operator else run)
            literal.clear()

    i, n = 0, len(text)
    while i < n:
        if text[i] == escape and i + 1 < n:
            literal.append(text[i : i + 2])
            i += 2
            continue
        if text[i] != "$":
            literal.append(text[i])
            i += 1
            continue
        close = _matching_brace(text, i + 1) if text.startswith("${", i) else -1
        name = _NAME.match(text, i + 2 if close >= 0 else i + 1)
        if name is None or (close < 0 and text.startswith("${", i)):
            literal.append(text[i])
            i += 1
            continue
        flush()
        if close < 0:
            out.append(text[i : name.end()])
            i = name.end()
            continue
        rest = text[name.end() : close]
        op_len = 2 if rest.startswith(":") else 1
        op = rest[op_len - 1 : op_len]
        if op in ("-", "+", "?"):
            body = _map_operands(rest[op_len:], replace, escape, op)
            out.append(text[i : name.end() + op_len] + body + "}")
        else:
            out.append(text[i : close + 1])
        i = close + 1
    flush()
    return "".join(out)


def split_words(text: str, escape: str = "\\") -> list[str]:
    """Split on unquoted whitespace, removing quotes and escapes (Docker's word rules)."""
    words: list[str] = []
    current: list[str] = []
    has_word = False
    quote = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == escape and quote == '"' and i + 1 < n and text[i + 1] in '"$' + escape:
                i += 1
                current.append(text[i])
            else:
                current.append(ch)
        elif ch in "\"'":
            quote = ch
            has_word = True
        elif ch == escape and i + 1 < n:
            i += 1
            current.append(text[i])
            has_word = True
        elif ch.isspace():
            if has_word or current:
                words.append("".join(current))
            current, has_word = [], False
        else:
            current.append(ch)
            has_word = True
        i += 1
    if has_word or current:
        words.append("".join(current))
    return words


def parse_assignments(
    keyword: str, value: str, escape: str = "\\"
) -> list[tuple[str, str | None]]:
    """The ``(name, value)`` pairs of an ARG, ENV or LABEL; value None means no default."""
    words = split_words(value, escape)
    if not words:
        return []
    if keyword != "ARG" and "=" not in words[0]:
        # Legacy ``ENV KEY some value``: the rest of the line is the value.
        rest = value.strip()[len(value.strip().split(None, 1)[0]) :].strip()
        return [(words[0], " ".join(split_words(rest, escape)) if rest else "")]
    pairs: list[tuple[str, str | None]] = []
    for word in words:
        name, sep, val = word.partition("=")
        if not sep and keyword != "ARG" and pairs:
            # Docker stops at a word without "=" here (see dangling_words); it is the rest of
            # a value with a space in it, never a name, so it stays with that value.
            pairs[-1] = (pairs[-1][0], f"{pairs[-1][1]} {word}")
            continue
        pairs.append((name, val if sep else None))
    return pairs


def dangling_words(keyword: str, value: str, escape: str = "\\") -> list[str]:
    """The names whose ENV or LABEL value runs on into words without ``=``.

    Docker rejects them (“can't find = in …”): an unquoted space, or white space at the start
    of a continuation line, which Docker keeps, split the value.
    """
    if keyword not in ("ENV", "LABEL"):
        return []
    words = split_words(value, escape)
    if not words or "=" not in words[0]:
        return []
    names: list[str] = []
    for previous, word in itertools.pairwise(words):
        if "=" not in word and "=" in previous:
            names.append(previous.partition("=")[0])
    return names
