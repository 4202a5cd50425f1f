"""Turn command-line paths into analysed files: discovery, reading, and one report per file."""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tutor.analysis.compose import COMPOSE_NAMES, is_remote_context
from tutor.analysis.config import Config
from tutor.analysis.context import BuildContext, scan_context
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.findings import Finding
from tutor.analysis.model import ParseProblem, Severity
from tutor.analysis.profile import ImageProfile, UserOverride
from tutor.analysis.rules import RULES
from tutor.analysis.source import read_source
from tutor.errors import InputError, TutorError

_COMPOSE_PATTERNS = ("compose.*.yaml", "compose.*.yml", "docker-compose.*.yml",
                     "docker-compose.*.yaml")
DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile",
                        "Containerfile", "Containerfile.*", "dockerfile")
# Directories that hold other people's code or tooling, never the project's Dockerfiles.
# Hidden folders are scanned otherwise: .devcontainer/Dockerfile is the project's own.
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", ".venv", "venv",
                        "__pycache__", ".tox", ".nox", "site-packages", ".mypy_cache",
                        ".pytest_cache", ".ruff_cache", ".cache"})


@dataclass(slots=True)
class FileReport:
    """Everything the reports print about one file."""

    path: str
    kind: str
    error: str | None = None
    profile: ImageProfile | None = None
    findings: list[Finding] = field(default_factory=list)
    # The build context directory, when the file has one (a directory argument, compose build).
    context: str | None = None
    suppressed: int = 0
    # The compose service that builds this Dockerfile ("web in compose.yaml"), if any.
    service: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """A file to analyse, with how it was found."""

    path: Path
    kind: str
    context: Path | None = None
    stage: str | None = None
    # For a Dockerfile a compose service builds: the service and its run-time user.
    service: str | None = None
    user: UserOverride | None = None


def _is_compose_name(name: str) -> bool:
    """compose.yaml, docker-compose.override.yml and the other names Compose looks for."""
    name = name.lower()
    return name in COMPOSE_NAMES or any(fnmatch.fnmatch(name, p) for p in _COMPOSE_PATTERNS)


def kind_of(path: Path) -> str:
    """"compose" for compose-like names and YAML files, else "dockerfile"."""
    if _is_compose_name(path.name) or path.suffix.lower() in (".yml", ".yaml"):
        return "compose"
    return "dockerfile"


def discover(paths: list[Path], warn: Callable[[str], None] | None = None) -> list[Target]:
    """Expand arguments into targets; a missing path or an empty directory is an error.

    A Dockerfile's build context is its own directory unless a compose file says otherwise.
    ``warn`` hears about subfolders that could not be listed; the rest is still scanned.
    """
    targets: list[Target] = []
    for path in paths:
        mode = _mode(path)
        if stat.S_ISDIR(mode):
            found = list(_scan_directory(path, warn or (lambda message: None)))
            if not found:
                raise InputError(f"{path}: no Dockerfile or compose file in this directory "
                                 f"(looked for Dockerfile, *.Dockerfile, Containerfile, "
                                 f"compose.yaml, docker-compose.yml)")
            targets.extend(found)
        else:
            _require_regular(path, mode)
            kind = kind_of(path)
            targets.append(Target(path, kind, context=path.parent if kind == "dockerfile"
                                  else None))
    unique: dict[Path, Target] = {}
    for target in targets:
        unique.setdefault(target.path.resolve(), target)
    return list(unique.values())


def _mode(path: Path) -> int:
    """The file type and mode of a command-line path, or an ``InputError`` saying why not."""
    try:
        return path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{path}: no such file or directory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {_reason(exc)}") from None


def _reason(error: OSError) -> str:
    """What went wrong, in the words the other messages use."""
    return "permission denied" if isinstance(error, PermissionError) else (
        error.strerror or str(error))


def _require_regular(path: Path, mode: int) -> None:
    """Refuse a device, FIFO or socket named on the command line: reading one never ends."""
    if stat.S_ISREG(mode):
        return
    what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else
            "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else
            "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
    raise InputError(f"{path}: is {what}, not a regular file; give a Dockerfile, a compose "
                     f"file or a directory")


def _scan_directory(root: Path, warn: Callable[[str], None]) -> Iterator[Target]:
    """Dockerfiles and compose files under ``root``; each Dockerfile's context is its folder.

    Only regular files count: a FIFO named Dockerfile would block the read forever.
    """
    top = os.fspath(root)

    def unlisted(error: OSError) -> None:
        if error.filename in (None, top):
            raise InputError(f"{root}: cannot list this directory: {_reason(error)}")
        warn(f"{display_path(Path(error.filename))}: cannot list this directory "
             f"({_reason(error)}); the files in it were not analysed")

    for directory, subdirs, names in os.walk(root, onerror=unlisted):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIP_DIRS)
        for name in sorted(names):
            path = Path(directory) / name
            if any(fnmatch.fnmatch(name, p) for p in DOCKERFILE_PATTERNS):
                kind = "dockerfile"
            elif _is_compose_name(name):
                kind = "compose"
            else:
                continue
            if path.is_file():
                yield Target(path, kind, context=Path(directory))


def analyze_targets(
    targets: list[Target], config: Config, stage: str | None = None,
    today: dt.date | None = None,
) -> list[FileReport]:
    """Analyse each target, and the Dockerfiles compose files build, into reports.

    Compose files go first, so a Dockerfile a service builds is judged with that service's
    context and ``user:``; the same Dockerfile found on its own is then not repeated.
    """
    reports: list[FileReport] = []
    done: set[tuple[Path, str | None, str | None]] = set()
    built: set[Path] = set()
    contexts: dict[tuple[Path, Path], BuildContext] = {}
    queue = sorted(targets, key=lambda t: t.kind != "compose")
    while queue:
        target = queue.pop(0)
        path = target.path.resolve()
        if target.kind == "compose":
            if (path, None, None) in done:
                continue
            done.add((path, None, None))
            report, builds = _analyze_compose(target, config)
            reports.append(report)
            queue[0:0] = builds
            continue
        user = target.user.user if target.user else None
        key = (path, target.stage or stage, user)
        if key in done or (target.service is None and path in built):
            continue
        done.add(key)
        if target.service is not None:
            built.add(path)
        context = None
        if target.context is not None and target.context.is_dir():
            cache_key = (target.context.resolve(), path)
            context = contexts.get(cache_key)
            if context is None:
                context = contexts[cache_key] = scan_context(target.context, target.path)
        reports.append(_analyze_dockerfile(target, config, target.stage or stage, today,
                                           context))
    return reports


def display_path(path: Path) -> str:
    """The path as the user would recognise it: relative to the working directory if inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _analyze_dockerfile(target: Target, config: Config, stage: str | None,
                        today: dt.date | None, context: BuildContext | None) -> FileReport:
    report = FileReport(display_path(target.path), "dockerfile",
                        context=display_path(target.context) if target.context else None,
                        service=target.service)
    try:
        source = read_source(target.path, "dockerfile")
        problems = source.problems + _ignore_problems(context)
        analysis = analyze_dockerfile(source.text, config, target=stage, today=today,
                                      extra_problems=problems, context=context,
                                      user_override=target.user)
    except TutorError as exc:
        report.error = str(exc)
        return report
    report.profile = analysis.profile
    report.findings = analysis.findings
    report.suppressed = analysis.suppressed
    return report


def _ignore_problems(context: BuildContext | None) -> tuple[ParseProblem, ...]:
    """A broken .dockerignore pattern makes Docker refuse the build; say so on line 1."""
    if context is None or context.ignore is None:
        return ()
    return tuple(ParseProblem(1, 1, f"{context.ignore_name} line {p.line}: {p.message}",
                              Severity.WARNING) for p in context.ignore.problems)


def _analyze_compose(target: Target, config: Config) -> tuple[FileReport, list[Target]]:
    report = FileReport(display_path(target.path), "compose")
    try:
        source = read_source(target.path, "compose")
    except TutorError as exc:
        report.error = str(exc)
        return report, []
    analysis = analyze_compose(source.text, config, extra_problems=source.problems)
    report.findings = analysis.findings
    report.suppressed = analysis.suppressed
    base = target.path.parent
    builds: list[Target] = []
    syntax = RULES["HT001"]
    for build in analysis.model.builds:
        if is_remote_context(build.context):
            continue
        context = base / build.context
        dockerfile = context / build.dockerfile
        user = build.user_override(target.path.name)
        if dockerfile.is_file():
            builds.append(Target(dockerfile, "dockerfile", context=context, stage=build.target,
                                 service=f"{build.service} in {report.path}", user=user))
        elif "HT001" not in config.ignore:
            what = "is not a regular file" if dockerfile.exists() else "does not exist"
            report.findings.append(syntax.finding(
                build.line, f"service '{build.service}' builds from {build.dockerfile} in "
                            f"{build.context}, which {what}, so it was not analysed",
                severity=Severity.WARNING))
    report.findings.sort(key=lambda f: (f.line, -f.severity.rank, f.rule))
    return report, builds
