"""Small readers shared by the compose rules: list-or-scalar values and their lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tutor.analysis.compose import Service, YamlList, YamlMap, interpolated
from tutor.analysis.profile import is_root_user


def items(service: Service, key: str) -> Iterator[tuple[Any, int]]:
    """Each item of a list-valued key (a lone scalar counts as one item), with its line."""
    value = service.spec.get(key)
    if isinstance(value, YamlList):
        for index, item in enumerate(value):
            yield item, value.line_of(index)
    elif value is not None and not isinstance(value, YamlMap):
        yield value, service.spec.line_of(key)


def variables(block: object) -> Iterator[tuple[str, str, int]]:
    """(name, value, line) of each variable an ``environment:`` or build ``args:`` block sets,
    as a map or as ``NAME=value`` items; a name with no value (the host's) is skipped."""
    if isinstance(block, YamlMap):
        for name, value in block.items():
            if value is not None and not isinstance(value, YamlMap | list):
                yield str(name), text(value), block.line_of(name)
    elif isinstance(block, YamlList):
        for index, item in enumerate(block):
            if isinstance(item, str) and "=" in item:
                name, _, value = item.partition("=")
                yield name.strip(), value, block.line_of(index)


def text(value: Any) -> str:
    """A scalar as compose reads it: YAML ``true`` is the string "true"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def is_true(value: Any) -> bool:
    """YAML true, or a string compose would accept as true."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def where(service: Service, key: str) -> int:
    """The line of a key in the service, or the service's own line when it is missing."""
    return service.spec.key_lines.get(key, service.line)


def resolved(service: Service, key: str) -> tuple[str, str] | None:
    """A scalar key as the file writes it and as compose reads it (``${VAR:-default}``
    filled in); None when it is missing, names a variable with no default, or is blank."""
    if key not in service.spec:
        return None
    written = text(service.spec[key])
    value, unresolved = interpolated(written)
    if unresolved or not value.strip():
        return None
    return written, value


def non_root_user(service: Service) -> str | None:
    """The service's ``user:`` when it is set, known and not root (else None)."""
    user = resolved(service, "user")
    if user is None or is_root_user(user[1]):
        return None
    return user[1].strip()
