"""The secret scan of a compose file: environment, build args and command lines, run once."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass

from tutor.analysis.compose import YamlList, YamlMap, interpolated
from tutor.analysis.rules._compose import variables
from tutor.analysis.rules._secrets import memo, read_by_name, worth_scrubbing
from tutor.analysis.rules.base import ComposeContext
from tutor.analysis.secret_commands import find_command_secrets
from tutor.analysis.secret_names import is_secret_name, names_no_secret
from tutor.analysis.secret_variables import credential_meaning
from tutor.analysis.secrets import SecretMatch, find_secret_values, is_placeholder, is_substituted
from tutor.analysis.shell import SHELLS


@dataclass(frozen=True, slots=True)
class EnvSecret:
    """A literal secret in a compose service's environment or build args."""

    service: str
    section: str
    name: str
    value: str
    line: int
    match: SecretMatch | None
    # "default" or "alternative" when the value is the word of a ${VAR:-word} or ${VAR:+word}.
    via: str
    # What the variable holds when its tool defines it as a credential (``PGPASSWORD``).
    meaning: str | None = None
    # The value reads as a placeholder (``example``, ``<password>``) but the file is not
    # named as a template, so it is the password whoever deploys the file gets.
    placeholder: bool = False


@dataclass(frozen=True, slots=True)
class CommandSecret:
    """A literal secret on a compose service's command line (``command:``, a healthcheck)."""

    service: str
    # "command", "entrypoint" or "healthcheck test"
    section: str
    match: SecretMatch
    line: int


def compose_secret_values(ctx: ComposeContext) -> list[str]:
    """Literal secret strings in a compose file, for the engine's last redaction pass."""
    values = [s.match.value if s.match else s.value for s in compose_env_secrets(ctx)]
    values += [s.match.value for s in compose_command_secrets(ctx)]
    return [v for v in values if worth_scrubbing(v)]


def compose_env_secrets(ctx: ComposeContext) -> list[EnvSecret]:
    """Secret-named variables with literal values, and secret values under any name."""
    return memo(ctx.memo, "env_secrets", lambda: list(_compose_env_secrets(ctx)))


def compose_command_secrets(ctx: ComposeContext) -> list[CommandSecret]:
    """Passwords and tokens written into the services' command lines."""
    return memo(ctx.memo, "command_secrets", lambda: list(_compose_command_secrets(ctx)))


def _compose_env_secrets(ctx: ComposeContext) -> Iterator[EnvSecret]:
    # Only a file named as a template keeps quiet about placeholders: in one that is
    # deployed, `example` is as much a literal password as `Sup3rS3cret!2024` (issue 19).
    quiet = is_placeholder if ctx.template else is_substituted
    for service in ctx.services:
        sections = [("environment", service.spec.get("environment"))]
        build = service.spec.get("build")
        if isinstance(build, YamlMap):
            sections.append(("build args", build.get("args")))
        for section, block in sections:
            for name, raw, line in variables(block):
                value, unresolved = interpolated(raw, alternatives=True)
                via = "" if value == raw else (
                    "default" if interpolated(raw)[0] == value else "alternative")
                if unresolved and not via:
                    continue
                if not value:
                    continue
                matches = read_by_name(name, value, find_secret_values(value))
                if matches or (is_secret_name(name) and not quiet(value)
                               and not names_no_secret(value)):
                    yield EnvSecret(service.name, section, name, value, line,
                                    matches[0] if matches else None, via,
                                    credential_meaning(name),
                                    placeholder=not matches and is_placeholder(value))


def _compose_command_secrets(ctx: ComposeContext) -> Iterator[CommandSecret]:
    for service in ctx.services:
        healthcheck = service.spec.get("healthcheck")
        sections = [("command", service.spec, "command"),
                    ("entrypoint", service.spec, "entrypoint")]
        if isinstance(healthcheck, YamlMap):
            sections.append(("healthcheck test", healthcheck, "test"))
        for section, owner, key in sections:
            value = owner.get(key)
            if value is None:
                continue
            for script, lines in _command_scripts(value, owner.line_of(key)):
                for match in find_command_secrets(script, placeholders=not ctx.template):
                    yield CommandSecret(service.name, section, match,
                                        _line_at(lines, match.start))


def _command_scripts(value: object, line: int) -> Iterator[tuple[str, list[tuple[int, int]]]]:
    """Each command line a compose key runs, with (offset, line) where each of its items starts.

    A string is a command line; a list is an argument vector, whose items are joined as a
    shell would quote them, unless it is ``[sh, -c, script]`` or a healthcheck's
    ``[CMD-SHELL, script]``. A healthcheck's ``CMD`` marker is not part of the command.
    """
    if isinstance(value, str):
        yield _literal(value), [(0, line)]
        return
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        return
    items = [_literal(str(v)) for v in value]
    item_lines = value.item_lines if isinstance(value, YamlList) else [line] * len(items)
    if items[:1] == ["CMD-SHELL"] and len(items) > 1:
        yield items[1], [(0, item_lines[1])]
        return
    first = 1 if items[:1] in (["CMD"], ["NONE"]) else 0
    if len(items) >= first + 3 and items[first].rsplit("/", 1)[-1] in SHELLS \
            and items[first + 1].startswith("-") and "c" in items[first + 1]:
        yield items[first + 2], [(0, item_lines[first + 2])]
        return
    offsets: list[tuple[int, int]] = []
    words: list[str] = []
    at = 0
    for item, item_line in zip(items[first:], item_lines[first:], strict=False):
        offsets.append((at, item_line))
        words.append(shlex.quote(item))
        at += len(words[-1]) + 1
    yield " ".join(words), offsets


def _literal(text: str) -> str:
    """The text compose passes on: ``$$`` is a literal ``$``, ``${VAR:-word}`` may be its word."""
    return interpolated(text, alternatives=True)[0]


def _line_at(lines: list[tuple[int, int]], offset: int) -> int:
    """The line of the list item that holds ``offset`` in the joined command line."""
    found = lines[0][1]
    for start, line in lines:
        if start > offset:
            break
        found = line
    return found
