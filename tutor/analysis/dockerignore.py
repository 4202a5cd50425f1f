"""Docker's `.dockerignore` semantics, read from text and matched against context paths.

This follows moby/patternmatcher (the matcher BuildKit and the Docker CLI share) and its
ignorefile reader, and BuildKit's CopyIgnoredFile check for COPY/ADD sources. It does no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A character that gives a pattern more meaning than its literal text.
_META = re.compile(r"[*?\[\]\\]")
# Stand-ins for "any entry at the context root": plain names and dotfiles, two of each so that
# a pattern naming one particular file is not mistaken for a catch-all.
_ROOT_PROBES = ("a", "Zq9", ".a", ".Zq9")


class _BadPattern(ValueError):
    """A pattern Go's filepath.Match rejects, which makes Docker reject the whole build."""


@dataclass(frozen=True, slots=True)
class IgnoreProblem:
    """A line of the ignore file that Docker cannot use."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class _Pattern:
    """One usable pattern, compiled once."""

    exception: bool
    regex: re.Pattern[str]
    # Per path segment of an exception, to guess what it can reach; None where anything may match.
    segments: tuple[re.Pattern[str] | None, ...]

    def applies(self, path: str, parents: tuple[str, ...]) -> bool:
        """True when the pattern matches the path or one of its parent directories."""
        return self.regex.fullmatch(path) is not None or any(
            self.regex.fullmatch(parent) for parent in parents
        )


@dataclass(frozen=True, slots=True)
class IgnoreFile:
    """A parsed `.dockerignore`: its usable patterns in order, and the lines Docker rejects."""

    _patterns: tuple[_Pattern, ...]
    problems: tuple[IgnoreProblem, ...]
    has_exceptions: bool

    @classmethod
    def parse(cls, text: str) -> IgnoreFile:
        """Read ignore-file text; bad patterns become problems and are left out."""
        patterns: list[_Pattern] = []
        problems: list[IgnoreProblem] = []
        for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
            line = raw.removesuffix("\r")
            # Docker looks for the comment mark before trimming, so "  # x" is a pattern.
            if line.startswith("#"):
                continue
            written = line.strip()
            if not written:
                continue
            exception = written.startswith("!")
            body = written[1:].strip() if exception else written
            if body:
                body = _clean(body)
                if len(body) > 1 and body.startswith("/"):
                    body = body[1:]
            if exception and body in ("", "/"):
                problems.append(IgnoreProblem(number, (
                    f"pattern '{written}' is an exception with no pattern after the '!'; "
                    "Docker rejects the whole build")))
                continue
            try:
                patterns.append(_compile(body, exception))
            except _BadPattern as bad:
                problems.append(IgnoreProblem(number, (
                    f"pattern '{written}' is not a valid pattern: {bad}; "
                    "Docker rejects the whole build")))
        return cls(tuple(patterns), tuple(problems), any(p.exception for p in patterns))

    def excluded(self, path: str) -> bool:
        """True when the context path (slash-separated) is left out of the build context."""
        cleaned = _context_path(path)
        if cleaned == ".":
            return False
        return self._last_match(cleaned)[0]

    def source_ignored(self, source: str) -> bool:
        """True when a COPY/ADD source names only things this file removes from the context."""
        cleaned = _context_path(source)
        if cleaned == ".":
            # The root is not a name a pattern can match; it is gone only when every entry
            # under it is, and any exception may bring some entry back.
            return not self.has_exceptions and all(self.excluded(n) for n in _ROOT_PROBES)
        matched, last_cover = self._last_match(cleaned)
        if not matched:
            return False
        segments = cleaned.split("/")
        is_glob = _META.search(cleaned) is not None
        # An exception before the last pattern that covers the source is overridden by it.
        return not any(
            pattern.exception and _may_reach(pattern.segments, segments, is_glob)
            for pattern in self._patterns[last_cover + 1:]
        )

    def _last_match(self, path: str) -> tuple[bool, int]:
        """Whether the path ends up excluded, and the index of the last include that applied."""
        parts = path.split("/")
        parents = tuple("/".join(parts[:i]) for i in range(1, len(parts)))
        matched = False
        last_cover = -1
        for index, pattern in enumerate(self._patterns):
            if pattern.exception:
                # Only an excluded path can be re-included.
                if matched and pattern.applies(path, parents):
                    matched = False
            elif pattern.applies(path, parents):
                matched = True
                last_cover = index
        return matched, last_cover


def _may_reach(
    exception: tuple[re.Pattern[str] | None, ...], source: list[str], is_glob: bool
) -> bool:
    """Guess whether an exception can re-include something the source names."""
    for index, segment in enumerate(exception):
        if segment is None:
            return True
        if index == len(source):
            return True  # it is deeper than the source and agrees with it so far
        wanted = source[index]
        if _META.search(wanted) is None and segment.fullmatch(wanted) is None:
            return False
    # It names the source itself or a parent: already counted, unless the source is a glob
    # standing for many names, some of which the exception may pick out.
    return is_glob


def _context_path(path: str) -> str:
    """Clean a context-relative path and drop its leading slash; the root becomes '.'."""
    cleaned = _clean(path).lstrip("/")
    return cleaned or "."


def _clean(path: str) -> str:
    """Shorten a slash path the way Go's filepath.Clean does on Linux."""
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part != "..":
            parts.append(part)
        elif parts and parts[-1] != "..":
            parts.pop()
        elif not rooted:
            parts.append("..")
    joined = "/".join(parts)
    if rooted:
        return "/" + joined
    return joined or "."


def _compile(pattern: str, exception: bool) -> _Pattern:
    """Compile a cleaned pattern and its segments; raise _BadPattern when Docker would refuse it."""
    regex = re.compile(_translate(pattern), re.DOTALL)
    segments: list[re.Pattern[str] | None] = []
    for segment in pattern.split("/") if exception else ():
        try:
            segments.append(None if "**" in segment else re.compile(_translate(segment)))
        except _BadPattern:
            segments.append(None)  # a class holding '/' was cut in two: assume it may match
    return _Pattern(exception, regex, tuple(segments))


def _translate(pattern: str) -> str:
    """Turn one pattern into a regex body with Docker's meaning of `*`, `?`, `[...]` and `**`."""
    rest = pattern[2:]
    if pattern.startswith("**") and rest and not rest.startswith("/") and not _META.search(rest):
        # patternmatcher tests a leading `**` plus plain text as a suffix, so `**.log` matches
        # `a.log`, not only `x/.log`.
        return ".*" + re.escape(rest)
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "*" and pattern.startswith("*", index):
            index += 1
            if pattern.startswith("/", index):
                index += 1  # `**/` is the same as `**`
            # At the end it takes anything; elsewhere any number of whole directories.
            out.append(".*" if index == len(pattern) else "(?:.*/)?")
        elif char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\":
            if index == len(pattern):
                raise _BadPattern("a trailing '\\' escapes nothing")
            out.append(re.escape(pattern[index]))
            index += 1
        elif char == "[":
            text, index = _character_class(pattern, index)
            out.append(text)
        else:
            out.append(re.escape(char))
    return "".join(out)


def _character_class(pattern: str, index: int) -> tuple[str, int]:
    """Read a `[...]` class starting after its `[`; return its regex and the index after `]`."""
    negated = pattern.startswith("^", index)
    if negated:
        index += 1
    ranges: list[str] = []
    while not (pattern.startswith("]", index) and ranges):
        low, index = _class_char(pattern, index)
        high = low
        if pattern.startswith("-", index):
            high, index = _class_char(pattern, index + 1)
            if high < low:
                raise _BadPattern(f"character range {low}-{high} runs backwards")
        ranges.append(re.escape(low) if low == high else f"{re.escape(low)}-{re.escape(high)}")
    return ("[^" if negated else "[") + "".join(ranges) + "]", index + 1


def _class_char(pattern: str, index: int) -> tuple[str, int]:
    """Read one possibly escaped character of a class, as filepath.Match's getEsc does."""
    if index >= len(pattern):
        raise _BadPattern("unterminated character class")
    if pattern[index] == "-":
        raise _BadPattern("'-' must stand between two characters in a character class")
    if pattern[index] == "]":
        raise _BadPattern("character class is empty or a range has no end (write '\\]' for a ']')")
    if pattern[index] == "\\":
        index += 1
        if index >= len(pattern):
            raise _BadPattern("unterminated character class")
    if index + 1 >= len(pattern):
        raise _BadPattern("unterminated character class")
    return pattern[index], index + 1
