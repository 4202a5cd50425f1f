"""Read a compose file: its services, and the Dockerfiles their ``build:`` sections name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml

from tutor.analysis.model import ParseProblem


@dataclass(frozen=True, slots=True)
class ServiceBuild:
    """A service that is built from a Dockerfile, relative to the compose file's directory."""

    service: str
    context: str
    dockerfile: str
    target: str | None
    line: int


@dataclass(frozen=True, slots=True)
class ComposeModel:
    """A parsed compose file (``data`` is None when it did not parse)."""

    data: dict[str, Any] | None
    builds: tuple[ServiceBuild, ...]
    problems: tuple[ParseProblem, ...]


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's 1-based line under ``__line__``."""


def _mapping_with_lines(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_lines)


def parse_compose(text: str) -> ComposeModel:
    """Parse compose YAML; a syntax error or a wrong shape is a problem, not an exception."""
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return ComposeModel(None, (), (ParseProblem(
            line, line, f"not valid YAML: {exc.problem or exc.context}"),))
    except yaml.YAMLError as exc:
        return ComposeModel(None, (), (ParseProblem(1, 1, f"not valid YAML: {exc}"),))
    if not isinstance(data, dict):
        return ComposeModel(None, (), (ParseProblem(
            1, 1, "a compose file must be a mapping with a 'services' key"),))
    services = data.get("services")
    if not isinstance(services, dict):
        line = data.get("__line__", 1)
        return ComposeModel(data, (), (ParseProblem(line, line,
                                                    "the compose file has no 'services' map"),))
    builds: list[ServiceBuild] = []
    for name, service in services.items():
        if name == "__line__" or not isinstance(service, dict):
            continue
        build = service.get("build")
        line = service.get("__line__", 1)
        if isinstance(build, str):
            builds.append(ServiceBuild(str(name), build, "Dockerfile", None, line))
        elif isinstance(build, dict):
            context = str(build.get("context", "."))
            dockerfile = str(build.get("dockerfile", "Dockerfile"))
            target = build.get("target")
            builds.append(ServiceBuild(str(name), context, dockerfile,
                                       str(target) if target else None,
                                       int(build.get("__line__") or line)))
    return ComposeModel(data, tuple(builds), ())


def is_remote_context(context: str) -> bool:
    """Git URLs and HTTP contexts are fetched by Docker; we never fetch anything."""
    lowered = context.lower()
    return lowered.startswith(("http://", "https://", "git@", "git://", "github.com/")) or \
        PurePosixPath(context).suffix == ".git"
