"""Read a compose file into services whose every key and list item knows its line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml

from tutor.analysis.model import ParseProblem


class YamlMap(dict[Any, Any]):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int = 1
    key_lines: dict[Any, int]

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


@dataclass(frozen=True, slots=True)
class Service:
    """One service of the compose file."""

    name: str
    line: int
    spec: YamlMap


@dataclass(frozen=True, slots=True)
class ServiceBuild:
    """A service that is built from a Dockerfile, relative to the compose file's directory."""

    service: str
    context: str
    dockerfile: str
    target: str | None
    line: int
    # The service's ``user:``, which overrides the image's USER at run time.
    user: str | None = None
    user_line: int | None = None


@dataclass(frozen=True, slots=True)
class ComposeModel:
    """A parsed compose file (``data`` is None when it did not parse)."""

    data: YamlMap | None
    services: tuple[Service, ...]
    builds: tuple[ServiceBuild, ...]
    problems: tuple[ParseProblem, ...]
    text: str = ""


# libyaml's parser when PyYAML was built with it (the wheels are): several times faster.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose mappings and sequences carry line numbers."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> YamlMap:
    loader.flatten_mapping(node)  # resolve `<<: *anchor` merges so merged keys have lines too
    mapping = YamlMap(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, str | int | float | bool) and key not in mapping.key_lines:
            mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_list(loader: _LineLoader, node: yaml.SequenceNode) -> YamlList:
    items = YamlList(loader.construct_sequence(node, deep=True))
    items.line = node.start_mark.line + 1
    items.item_lines = [item.start_mark.line + 1 for item in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


def parse_compose(text: str) -> ComposeModel:
    """Parse compose YAML; a syntax error or a wrong shape is a problem, not an exception."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return ComposeModel(None, (), (), (ParseProblem(
            line, line, f"not valid YAML: {exc.problem or exc.context}"),), text)
    except (yaml.YAMLError, RecursionError) as exc:
        return ComposeModel(None, (), (), (ParseProblem(1, 1, f"not valid YAML: {exc}"),), text)
    if not isinstance(data, YamlMap):
        return ComposeModel(None, (), (), (ParseProblem(
            1, 1, "a compose file must be a mapping with a 'services' key"),), text)
    services_map = data.get("services")
    if not isinstance(services_map, YamlMap):
        line = data.line_of("services")
        return ComposeModel(data, (), (), (ParseProblem(
            line, line, "the compose file has no 'services' map"),), text)
    services: list[Service] = []
    builds: list[ServiceBuild] = []
    problems: list[ParseProblem] = []
    for name, spec in services_map.items():
        line = services_map.line_of(name)
        if not isinstance(spec, YamlMap):
            if spec is not None:
                problems.append(ParseProblem(line, line,
                                             f"service '{name}' must be a mapping"))
            continue
        service = Service(str(name), line, spec)
        services.append(service)
        build = _build_of(service)
        if build is not None:
            builds.append(build)
    return ComposeModel(data, tuple(services), tuple(builds), tuple(problems), text)


def _build_of(service: Service) -> ServiceBuild | None:
    """The service's ``build:`` section, in either the short or the long form."""
    spec = service.spec
    build = spec.get("build")
    user = spec.get("user")
    user_text = str(user) if isinstance(user, str | int) else None
    user_line = spec.line_of("user") if user_text is not None else None
    if isinstance(build, str):
        return ServiceBuild(service.name, build, "Dockerfile", None, spec.line_of("build"),
                            user_text, user_line)
    if isinstance(build, YamlMap):
        target = build.get("target")
        return ServiceBuild(service.name, str(build.get("context", ".")),
                            str(build.get("dockerfile", "Dockerfile")),
                            str(target) if target else None, build.line, user_text, user_line)
    return None


def is_remote_context(context: str) -> bool:
    """Git URLs and HTTP contexts are fetched by Docker; we never fetch anything."""
    lowered = context.lower()
    return lowered.startswith(("http://", "https://", "git@", "git://", "github.com/")) or \
        PurePosixPath(context).suffix == ".git"


_DEFAULTED = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?[-]([^}]*)\}")
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")


def interpolated(value: str) -> tuple[str, bool]:
    """Compose's ``${VAR:-default}`` replaced by its default; True if a bare variable remains.

    ``$$`` is a literal dollar sign in compose files, so it never counts as a variable.
    """
    text = value.replace("$$", "\x00")
    text = _DEFAULTED.sub(lambda m: m.group(1), text)
    unresolved = bool(_VARIABLE.search(text))
    return text.replace("\x00", "$"), unresolved
