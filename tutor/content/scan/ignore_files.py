"""Trivy's ignore files, read as Trivy reads them: ``.trivyignore`` and ``.trivyignore.yaml``.

Follows ``pkg/result/ignore.go``: an entry hides a finding with the same id, where its
``paths`` (doublestar patterns) and ``purls`` match; it stops applying once its
``expired_at`` day has begun. A malformed YAML file makes Trivy stop, so reading it raises
``TrivyError``; a plain file's line with a bad date is skipped, as Trivy skips it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import yaml

from tutor.content.scan.trivy import TrivyError, Vulnerability
from tutor.yamllines import YamlList, YamlMap, YamlRefused, error_line
from tutor.yamllines import load as load_yaml

# --- package URLs (an entry may name packages by purl) -------------------------------------

@dataclass(frozen=True, slots=True)
class Purl:
    """A package URL split as packageurl-go splits it (type, namespace, name, version …)."""

    type: str
    namespace: str
    name: str
    version: str = ""
    qualifiers: tuple[tuple[str, str], ...] = ()
    subpath: str = ""

    @classmethod
    def parse(cls, text: str) -> Purl:
        """``pkg:gem/activesupport@6.0.2.1``; ``TrivyError`` when it is not a package URL."""
        rest, _, subpath = text.partition("#")
        rest, _, query = rest.partition("?")
        scheme, _, path = rest.partition(":")
        if scheme != "pkg" or "/" not in path.strip("/"):
            raise TrivyError(f"{text!r} is not a package URL (pkg:TYPE/NAME@VERSION)")
        kind, _, path = path.strip("/").partition("/")
        path, _, version = path.partition("@")
        *space, name = path.split("/")
        if not kind or not name:
            raise TrivyError(f"{text!r} is not a package URL (pkg:TYPE/NAME@VERSION)")
        pairs = tuple(sorted((key.lower(), unquote(value)) for key, _, value in
                             (q.partition("=") for q in query.split("&") if q)))
        return cls(kind.lower(), unquote("/".join(space)), unquote(name), unquote(version),
                   pairs, subpath.strip("/"))

    def matches(self, target: Purl) -> bool:
        """Trivy's rule: same package; version, subpath and qualifiers only where given."""
        have = dict(target.qualifiers)
        return (self.type == target.type and self.namespace == target.namespace
                and self.name == target.name
                and (not self.version or self.version == target.version)
                and (not self.subpath or self.subpath == target.subpath)
                and all(have.get(key) == value for key, value in self.qualifiers))


# --- ignore files ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class IgnoreEntry:
    """One entry of an ignore file: the finding it hides, where, why, and until when."""

    id: str
    file: str
    line: int
    statement: str = ""
    expires: dt.date | None = None
    paths: tuple[str, ...] = ()
    purls: tuple[Purl, ...] = ()

    def active(self, today: dt.date) -> bool:
        """Trivy drops an entry once its ``expired_at`` day has begun (UTC)."""
        return self.expires is None or today < self.expires

    def matches(self, vuln: Vulnerability) -> bool:
        """Trivy's ``MatchVulnerability``: same id, then paths and purls where given."""
        if vuln.id != self.id:
            return False
        if self.paths and not any(_glob_match(p, where) for p in self.paths
                                  for where in (vuln.target, vuln.pkg_path)):
            return False
        if self.purls and vuln.purl:
            try:
                target = Purl.parse(vuln.purl)
            except TrivyError:
                return False
            return any(p.matches(target) for p in self.purls)
        return True


def is_yaml_name(path: str) -> bool:
    """Trivy reads an ignore file as YAML when its extension is ``.yml`` or ``.yaml``."""
    return path.lower().endswith((".yml", ".yaml"))


def read_ignore_file(path: str, text: str) -> tuple[IgnoreEntry, ...]:
    """The vulnerability entries of an ignore file, read as Trivy reads it."""
    return _read_yaml_ignore(path, text) if is_yaml_name(path) else _read_plain_ignore(path,
                                                                                        text)


def _read_plain_ignore(path: str, text: str) -> tuple[IgnoreEntry, ...]:
    """``.trivyignore``: an id a line, ``exp:YYYY-MM-DD`` after it, ``#`` comments.

    Trivy skips a line whose date does not parse (with a warning). The comment lines right
    above an entry, or a comment after it, are its statement: Trivy's documentation writes
    the reason there, as ``.trivyignore`` has no field for it.
    """
    entries: list[IgnoreEntry] = []
    comment: list[str] = []
    after_entry = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            comment, after_entry = [], False
            continue
        if line.startswith("#"):
            if after_entry:  # a new block of comments speaks for the entries below it
                comment, after_entry = [], False
            comment.append(line.lstrip("#").strip())
            continue
        after_entry = True
        fields = line.split()
        expires = None
        stamp = next((f.removeprefix("exp:") for f in fields[1:] if f.startswith("exp:")), None)
        if stamp is not None:
            expires = _iso_day(stamp)
            if expires is None:
                continue
        rest = line[len(fields[0]):]
        trailing = rest.partition("#")[2].strip()
        statement = " ".join(part for part in (*comment, trailing) if part)
        entries.append(IgnoreEntry(fields[0], path, number, statement, expires))
    return tuple(entries)


def _read_yaml_ignore(path: str, text: str) -> tuple[IgnoreEntry, ...]:
    """``.trivyignore.yaml``: ``vulnerabilities:`` entries with id, paths, purls,
    expired_at and statement; a malformed file stops Trivy with an error."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        line, reason = error_line(exc)
        raise TrivyError(f"{path} line {line}: not valid YAML ({reason})") from None
    except YamlRefused as exc:
        raise TrivyError(f"{path} line {exc.line}: {exc.reason}") from None
    except RecursionError:
        raise TrivyError(f"{path}: nested too deeply") from None
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise TrivyError(f"{path}: the file must be a mapping with a vulnerabilities: list")
    items = data.get("vulnerabilities")
    if items is None:
        return ()
    if not isinstance(items, list):
        raise TrivyError(f"{path} line {_line(data, 'vulnerabilities')}: vulnerabilities: "
                         f"must be a list of entries")
    return tuple(_yaml_entry(path, items, index) for index in range(len(items)))


def _line(container: Any, key: Any) -> int:
    if isinstance(container, YamlMap | YamlList):
        return container.line_of(key)
    return 1


def _yaml_entry(path: str, items: list[Any], index: int) -> IgnoreEntry:
    item, line = items[index], _line(items, index)
    if not isinstance(item, dict):
        raise TrivyError(f"{path} line {line}: an entry must be a mapping (- id: CVE-…)")
    ident = item.get("id")
    if ident is None or isinstance(ident, dict | list):
        raise TrivyError(f"{path} line {line}: an entry needs an id: (the CVE it ignores)")
    statement = item.get("statement") or ""
    if isinstance(statement, dict | list):
        raise TrivyError(f"{path} line {_line(item, 'statement')}: statement: must be text")
    return IgnoreEntry(_text(ident), path, line, _text(statement).strip(),
                       _date(item.get("expired_at"), path, _line(item, "expired_at")),
                       _strings(item, "paths", path, _pattern),
                       tuple(Purl.parse(p) for p in _strings(item, "purls", path, None)))


def _text(value: Any) -> str:
    """A YAML scalar as Go's YAML decoder puts it into a string field."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _date(value: Any, path: str, line: int) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    day = _iso_day(str(value).strip())
    if day is None:
        raise TrivyError(f"{path} line {line}: expired_at: {_text(value)!r} is not a date "
                         f"(YYYY-MM-DD)")
    return day


def _iso_day(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` day, as Go's ``time.Parse("2006-01-02", …)`` reads it; else None."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _strings(item: Any, key: str, path: str, check: Any) -> tuple[str, ...]:
    values = item.get(key)
    if values is None:
        return ()
    if not isinstance(values, list) or any(isinstance(v, dict | list) for v in values):
        raise TrivyError(f"{path} line {_line(item, key)}: {key}: must be a list of text")
    texts = tuple(_text(v) for v in values)
    for text in texts:
        if check is not None and not check(text):
            raise TrivyError(f"{path} line {_line(item, key)}: {text!r} is not a valid path "
                             f"pattern")
    return texts


# --- doublestar path patterns (Trivy matches ignore paths with bmatcuk/doublestar) ----------

def _pattern(text: str) -> bool:
    """True when doublestar accepts the pattern: brackets and braces closed."""
    return _glob_regex(text) is not None


def _glob_match(pattern: str, path: str) -> bool:
    regex = _glob_regex(pattern)
    return regex is not None and regex.fullmatch(path) is not None


def _glob_regex(pattern: str) -> re.Pattern[str] | None:
    """``**`` any path (zero or more whole segments), ``*`` and ``?`` within a segment,
    ``[…]`` classes, ``{a,b}`` alternatives, ``\\`` escapes; None when malformed."""
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 >= len(pattern):
                return None
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/") and (
                i + 2 == len(pattern) or pattern[i + 2] == "/"):
            # A whole "**" segment: any number of segments, including none.
            if i + 2 == len(pattern):
                out.append(".*")
            else:
                out.append("(?:.*/)?")
                i += 1  # the "/" after it is part of the group
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1:i + 2] in ("!", "^") else i + 1)
            if end < 0:
                return None
            body = pattern[i + 1:end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append(f"[{'^' if negate else ''}{body.replace(chr(92), chr(92) * 2)}]")
            i = end
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(char))
        i += 1
    if depth:
        return None
    try:
        return re.compile("".join(out))
    except re.error:
        return None
