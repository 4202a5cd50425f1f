"""Read a compose file into services whose every key and list item knows its line."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from tutor.analysis.compose_names import COMPOSE_NAMES as COMPOSE_NAMES  # re-exported
from tutor.analysis.model import ParseProblem, Severity
from tutor.analysis.profile import UserOverride
from tutor.yamllines import YamlList as YamlList  # re-exported for the compose rules
from tutor.yamllines import YamlMap as YamlMap
from tutor.yamllines import YamlRefused, error_line
from tutor.yamllines import load as load_yaml


@dataclass(frozen=True, slots=True)
class Service:
    """One service of the compose file."""

    name: str
    line: int
    spec: YamlMap


@dataclass(frozen=True, slots=True)
class Mount:
    """One item of a service's ``volumes:``: what the container sees at ``target``.

    ``kind`` is "bind" (a host path), "volume" (named or anonymous), "tmpfs", or "unknown"
    when the source depends on a variable with no default. Facts, from the Compose file
    reference (https://docs.docker.com/reference/compose-file/services/#volumes): in the
    short syntax a source that is a path (``/``, ``.``, ``~``) is a bind mount and any other
    is a volume name; ``ro`` or ``read_only`` makes it read-only; ``volume: nocopy`` stops
    Docker copying the image's files into a new volume.
    """

    target: str
    kind: str
    source: str
    read_only: bool
    line: int
    nocopy: bool = False

    def verdict(self, compose_file: str) -> tuple[bool | None, str] | None:
        """Whether the container may write below ``target`` whatever the image holds there,
        and why; None when the image decides (a volume starts as a copy of the image's
        directory, owner and mode included)."""
        where = f"{compose_file} line {self.line}"
        if self.read_only:
            return False, f"{self.target} is mounted read-only ({where})"
        if self.kind == "bind":
            return None, (f"{self.target} is a bind mount of the host's {self.source} "
                          f"({where}): the host directory's owner and mode decide who may "
                          f"write it, and these files do not show them")
        if self.kind == "unknown":
            return None, (f"what is mounted at {self.target} depends on a variable with no "
                          f"default ({where})")
        if self.kind == "volume" and self.nocopy:
            return None, (f"{self.target} is a volume with nocopy ({where}): Docker does not "
                          f"copy the image's directory into it, so its owner is not the "
                          f"image's")
        return None

    def covers(self, path: str) -> bool:
        """Whether ``path`` is the mount point or below it."""
        return path == self.target or path.startswith(self.target.rstrip("/") + "/")


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
    # What the service mounts, which the container sees instead of the image's files.
    mounts: tuple[Mount, ...] = ()

    def mount_over(self, path: str) -> Mount | None:
        """The mount the container sees ``path`` through (the deepest that covers it)."""
        found = [m for m in self.mounts if m.covers(path)]
        return max(found, key=lambda m: len(m.target)) if found else None

    def mounts_below(self, path: str) -> list[Mount]:
        """The mounts strictly inside ``path``."""
        return [m for m in self.mounts if m.target != path and
                m.target.startswith(path.rstrip("/") + "/")]

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
        build = _build_of(service, data)
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


def _build_of(service: Service, data: YamlMap) -> ServiceBuild | None:
    """The service's ``build:`` section, in either the short or the long form."""
    spec = service.spec
    mounts = service_mounts(spec, data.get("volumes"))
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
                            spec.line_of("build"), user_text, user_line, image_text, image_line,
                            mounts)
    if isinstance(build, YamlMap):
        target = build.get("target")
        return ServiceBuild(service.name, str(build.get("context", ".")),
                            str(build.get("dockerfile", "Dockerfile")),
                            str(target) if target else None, build.line, user_text, user_line,
                            image_text, image_line, mounts)
    return None


def service_mounts(spec: YamlMap, declared: object) -> tuple[Mount, ...]:
    """The service's ``volumes:`` in short or long syntax; items it cannot read are left out."""
    volumes = spec.get("volumes")
    if not isinstance(volumes, YamlList):
        return ()
    mounts: list[Mount] = []
    for index, item in enumerate(volumes):
        line = volumes.line_of(index)
        mount = _long_mount(item) if isinstance(item, YamlMap) else \
            _short_mount(str(item), line) if isinstance(item, str) else None
        if mount is None:
            continue
        if mount.kind == "volume" and mount.source and _declared_bind(declared, mount.source):
            mount = Mount(mount.target, "bind", mount.source, mount.read_only, line)
        mounts.append(mount)
    return tuple(mounts)


def _short_mount(value: str, line: int) -> Mount | None:
    """``[SOURCE:]TARGET[:MODE]``."""
    text, unresolved = interpolated(value)
    parts = text.split(":")
    if len(parts) == 1:
        target = parts[0]
        return Mount(_container_path(target), "volume", "", False, line) \
            if target.startswith("/") else None
    source, target = parts[0], parts[1]
    if not target.startswith("/"):
        return None
    read_only = len(parts) > 2 and "ro" in parts[2].split(",")
    kind = "unknown" if unresolved and "$" in source else _source_kind(source)
    return Mount(_container_path(target), kind, source, read_only, line)


def _long_mount(item: YamlMap) -> Mount | None:
    """``type:``, ``source:``, ``target:``, ``read_only:``, ``volume: {nocopy: true}``."""
    target = item.get("target")
    if not isinstance(target, str) or not target.startswith("/"):
        return None
    kind = str(item.get("type", "volume")).strip().lower()
    source, unresolved = interpolated(str(item.get("source") or ""))
    if unresolved and kind in ("bind", "volume") and "$" in source:
        kind = "unknown"
    options = item.get("volume")
    nocopy = isinstance(options, YamlMap) and options.get("nocopy") in (True, "true")
    read_only = item.get("read_only") in (True, "true")
    return Mount(_container_path(target), kind, source, read_only, item.line_of("target"),
                 nocopy)


def _source_kind(source: str) -> str:
    """A path on the host is a bind mount; anything else names a volume."""
    return "bind" if source.startswith(("/", ".", "~")) else "volume"


def _declared_bind(declared: object, name: str) -> bool:
    """A named volume the top-level ``volumes:`` makes a bind of a host path (o: bind)."""
    spec = declared.get(name) if isinstance(declared, YamlMap) else None
    options = spec.get("driver_opts") if isinstance(spec, YamlMap) else None
    flags = str(options.get("o", "")).split(",") if isinstance(options, YamlMap) else []
    return bool({"bind", "rbind"} & set(flags))


def _container_path(path: str) -> str:
    clean = posixpath.normpath(path)
    return "/" if clean in ("", ".", "//") else clean


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
