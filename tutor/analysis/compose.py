"""Read a compose file into services whose every key and list item knows its line."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from tutor.analysis.model import ParseProblem, Severity
from tutor.analysis.profile import UserOverride
from tutor.yamllines import YamlList as YamlList  # re-exported for the compose rules
from tutor.yamllines import YamlMap as YamlMap
from tutor.yamllines import YamlRefused, error_line
from tutor.yamllines import load as load_yaml

# The names Docker Compose looks for, in its order of preference.
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


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
    # The service's ``image:``, the name Compose gives the image it builds.
    image: str | None = None
    image_line: int | None = None

    def user_override(self, compose_file: str) -> UserOverride | None:
        """The service's ``user:`` as the override of the image's USER, if it sets one."""
        if self.user is None:
            return None
        value, unresolved = interpolated(self.user)
        return UserOverride(value, f"service '{self.service}' in {compose_file} "
                                   f"(line {self.user_line})", unresolved)


@dataclass(frozen=True, slots=True)
class ComposeModel:
    """A parsed compose file (``data`` is None when it did not parse)."""

    data: YamlMap | None
    services: tuple[Service, ...]
    builds: tuple[ServiceBuild, ...]
    problems: tuple[ParseProblem, ...]
    text: str = ""

    def builder_of(self, dockerfile: str) -> ServiceBuild | None:
        """The first service that builds ``dockerfile`` from the compose file's own folder."""
        wanted = posixpath.normpath(dockerfile)
        return next((build for build in self.builds
                     if posixpath.normpath(build.context) == "."
                     and posixpath.normpath(build.dockerfile) == wanted), None)


def parse_compose(text: str) -> ComposeModel:
    """Parse compose YAML; a syntax error or a wrong shape is a problem, not an exception."""
    import yaml  # here, not at the top: checking a Dockerfile alone never loads PyYAML

    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        line, reason = error_line(exc)
        return ComposeModel(None, (), (), (ParseProblem(line, line, f"not valid YAML: {reason}"),),
                            text)
    except YamlRefused as exc:
        return ComposeModel(None, (), (), (ParseProblem(
            exc.line, exc.line, f"refused: {exc.reason}", fix=exc.fix[:1].upper() + exc.fix[1:]
            + "."),), text)
    except RecursionError as exc:  # only without libyaml, whose parser caps the nesting
        return ComposeModel(None, (), (), (ParseProblem(1, 1, f"not valid YAML: {exc}"),), text)
    if not isinstance(data, YamlMap):
        return ComposeModel(None, (), (), (ParseProblem(
            1, 1, "a compose file must be a mapping with a 'services' key"),), text)
    services_map = data.get("services")
    problems: list[ParseProblem] = []
    if services_map is None and _is_version_1(data):
        services_map = data
        problems.append(_version_1_problem(data))
    if not isinstance(services_map, YamlMap):
        line = data.line_of("services")
        return ComposeModel(data, (), (), (ParseProblem(
            line, line, "the compose file has no 'services' map"),), text)
    services: list[Service] = []
    builds: list[ServiceBuild] = []
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


# Keys a version 1 service is built from: it must have an image or a build (or extend one).
_VERSION_1_SERVICE = frozenset({"image", "build", "extends"})


def _is_version_1(data: YamlMap) -> bool:
    """The legacy version 1 format: no version, no services key, services at the top level."""
    entries = [(k, v) for k, v in data.items() if not str(k).startswith("x-")]
    return "version" not in data and bool(entries) and all(
        isinstance(v, YamlMap) and _VERSION_1_SERVICE & set(v) for _, v in entries)


def _version_1_problem(data: YamlMap) -> ParseProblem:
    """Version 1 is read as services, and reported as the obsolete format it is."""
    line = min(data.key_lines.values(), default=1)
    return ParseProblem(
        line, line, "this is a version 1 compose file (services at the top level, no "
                    "'services:' key): Docker deprecated that format, and `docker compose`, "
                    "which implements the Compose Specification, rejects it; its services "
                    "are checked as if they were under 'services:'",
        severity=Severity.WARNING,
        fix="Move the services under a top-level `services:` key and rename `net:` to "
            "`network_mode:` (https://docs.docker.com/reference/compose-file/legacy-versions/; "
            "the format each key now takes is https://docs.docker.com/reference/compose-file/"
            "services/).")


def _build_of(service: Service) -> ServiceBuild | None:
    """The service's ``build:`` section, in either the short or the long form."""
    spec = service.spec
    build = spec.get("build")
    user = spec.get("user")
    user_text = str(user) if isinstance(user, str | int) else None
    user_line = spec.line_of("user") if user_text is not None else None
    image = spec.get("image")
    image_text = str(image) if isinstance(image, str) else None
    image_line = spec.line_of("image") if image_text is not None else None
    if isinstance(build, str):
        # Version 1 named the Dockerfile beside `build:`, not inside it.
        dockerfile = spec.get("dockerfile")
        return ServiceBuild(service.name, build,
                            dockerfile if isinstance(dockerfile, str) else "Dockerfile", None,
                            spec.line_of("build"), user_text, user_line, image_text, image_line)
    if isinstance(build, YamlMap):
        target = build.get("target")
        return ServiceBuild(service.name, str(build.get("context", ".")),
                            str(build.get("dockerfile", "Dockerfile")),
                            str(target) if target else None, build.line, user_text, user_line,
                            image_text, image_line)
    return None


def is_remote_context(context: str) -> bool:
    """Git URLs and HTTP contexts are fetched by Docker; we never fetch anything."""
    lowered = context.lower()
    return lowered.startswith(("http://", "https://", "git@", "git://", "github.com/")) or \
        PurePosixPath(context).suffix == ".git"


# Innermost first, so that a default may itself hold a defaulted reference.
_DEFAULTED = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^{}]*)\}")
_OPERAND = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?[-+]([^{}]*)\}")
_VARIABLE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")


def interpolated(value: str, *, alternatives: bool = False) -> tuple[str, bool]:
    """Compose's ``${VAR:-default}`` replaced by its default; True if a bare variable remains.

    With ``alternatives``, ``${VAR:+word}`` gives its word too: not what the service surely
    gets, but text the file can put there, which is what a secret scan needs.
    ``$$`` is a literal dollar sign in compose files, so it never counts as a variable.
    """
    text = value.replace("$$", "\x00")
    pattern = _OPERAND if alternatives else _DEFAULTED
    while (replaced := pattern.sub(lambda m: m.group(1), text)) != text:
        text = replaced
    unresolved = bool(_VARIABLE.search(text))
    return text.replace("\x00", "$"), unresolved
