"""A safe YAML loader whose mappings and sequences remember the line of every key and item."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # PyYAML loads on the first parse: a Dockerfile-only run never needs it
    import yaml

# Far above any real file (the largest compose file in the shared corpus has 350 values, the
# largest course file 593), far below what walking them costs: each alias of an alias
# multiplies the values.
MAX_VALUES = 100_000
# Building Python objects recurses a few frames a level; real files nest under 10 deep.
MAX_DEPTH = 100


class YamlRefused(Exception):
    """YAML that parses but is refused: aliases expanding past a bound, a loop, deep nesting."""

    def __init__(self, line: int, reason: str, fix: str) -> None:
        super().__init__(f"line {line}: {reason}: {fix}")
        self.line = line
        self.reason = reason
        self.fix = fix


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
    """Parse YAML text; raises ``yaml.YAMLError`` when invalid, ``YamlRefused`` when hostile.

    The node graph is checked before any Python object is built, so an alias bomb costs
    the size of its text, not the size of its expansion.
    """
    loader = _line_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        check_graph(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def check_graph(root: yaml.Node) -> None:
    """Raise ``YamlRefused`` for a loop, nesting past ``MAX_DEPTH`` or aliases past ``MAX_VALUES``.

    An alias composes to the very node of its anchor, so the expanded size of each node is
    computed once and reused: the walk visits each written node once, iteratively.
    """
    from yaml import MappingNode, ScalarNode

    sizes: dict[int, int] = {}  # node id -> values in it once every alias is written out
    open_nodes: set[int] = set()  # nodes whose walk has begun and not ended: their ancestors
    # The biggest collection reached a second time, by an alias: the anchor to point at.
    aliased: yaml.Node | None = None
    # (node, depth, its children once they are all on the stack above it, else None)
    stack: list[tuple[yaml.Node, int, list[yaml.Node] | None]] = [(root, 1, None)]
    while stack:
        node, depth, children = stack.pop()
        key = id(node)
        if children is not None:
            open_nodes.discard(key)
            size = 1 + sum([sizes.get(id(child), 1) for child in children])
            if size > MAX_VALUES and aliased is not None:
                raise YamlRefused(_line(aliased), f"the aliases of this anchor make over "
                                                  f"{MAX_VALUES:,} values (an alias bomb)",
                                  "write the values out, or use fewer aliases")
            sizes[key] = size
        elif isinstance(node, ScalarNode):
            continue  # one value wherever it appears: only collections can multiply
        elif key in sizes:
            if aliased is None or sizes[key] > sizes[id(aliased)]:
                aliased = node
        elif key in open_nodes:
            raise YamlRefused(_line(node), "an alias refers to the anchor that contains it, "
                                           "a loop with no end",
                              "point the alias at an anchor outside it")
        elif depth > MAX_DEPTH:
            raise YamlRefused(_line(node), f"nested more than {MAX_DEPTH} levels deep",
                              "flatten it")
        else:
            children = node.value
            if isinstance(node, MappingNode):  # keys are nodes too, and can be collections
                children = [part for pair in children for part in pair]
            open_nodes.add(key)
            stack.append((node, depth, children))
            stack.extend([(child, depth + 1, None) for child in children
                          if not isinstance(child, ScalarNode)])


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def error_line(exc: yaml.YAMLError) -> tuple[int, str]:
    """The 1-based line and the short reason of a YAML error."""
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        return (mark.line + 1 if mark else 1), str(exc.problem or exc.context)
    return 1, str(exc)
