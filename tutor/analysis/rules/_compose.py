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


def non_root_user(service: Service) -> str | None:
    """The service's ``user:`` when it is set, known and not root (else None)."""
    if "user" not in service.spec:
        return None
    user, unresolved = interpolated(text(service.spec["user"]))
    if unresolved or not user.strip() or is_root_user(user):
        return None
    return user.strip()
