"""A safe YAML loader whose mappings and sequences remember the line of every key and item."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # PyYAML loads on the first parse: a Dockerfile-only run never needs it
    import yaml


class YamlMap(dict[Any, Any]):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 1
    key_lines: dict[Any, int]
    # Keys written twice, with the line of the repeat; YAML keeps only the last value.
    duplicates: list[tuple[Any, int]]

    def line_of(self, key: Any) -> int:
        """The line a key is written on (the mapping's own line if the key is absent)."""
        return self.key_lines.get(key, self.line)


class YamlList(list[Any]):
    """A YAML sequence that remembers its line and the line of each item."""

    line: int = 1
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """The line of one item."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


@cache
def _line_loader() -> type[yaml.SafeLoader]:
    """A safe loader whose mappings and sequences carry line numbers."""
    import yaml

    # libyaml's parser when PyYAML was built with it (the wheels are): several times faster.
    safe: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(safe):  # type: ignore[valid-type,misc]
        pass

    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
    LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                               _construct_list)
    return LineLoader


def _construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> YamlMap:
    loader.flatten_mapping(node)  # resolve `<<: *anchor` merges so merged keys have lines too
    mapping = YamlMap(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    mapping.duplicates = []
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            continue
        if key in mapping.key_lines:
            mapping.duplicates.append((key, key_node.start_mark.line + 1))
        else:
            mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_list(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> YamlList:
    items = YamlList(loader.construct_sequence(node, deep=True))
    items.line = node.start_mark.line + 1
    items.item_lines = [item.start_mark.line + 1 for item in node.value]
    return items


def load(text: str) -> Any:
    """Parse YAML text; raises ``yaml.YAMLError`` (often a ``MarkedYAMLError``) when invalid."""
    import yaml

    return yaml.load(text, Loader=_line_loader())


def error_line(exc: yaml.YAMLError) -> tuple[int, str]:
    """The 1-based line and the short reason of a YAML error."""
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return (mark.line + 1 if mark else 1), str(exc.problem or exc.context)
    return 1, str(exc)
