"""Turn command-line paths into analysed files: discovery, reading, and one report per file."""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tutor.analysis.built_images import BuiltImages
from tutor.analysis.compose_names import COMPOSE_NAMES, without_template_suffix
from tutor.analysis.config import Config
from tutor.analysis.context import Listing
from tutor.analysis.disk import list_folder, os_reason, read_ignore_file
from tutor.analysis.findings import Finding
from tutor.analysis.folder import BuildFolder, analyze_folder
from tutor.analysis.model import Severity
from tutor.analysis.profile import ImageProfile, UserOverride
from tutor.analysis.rules import RULES
from tutor.analysis.source import read_source, read_stdin
from tutor.errors import InputError, TutorError

_COMPOSE_PATTERNS = ("compose.*.yaml", "compose.*.yml", "docker-compose.*.yml",
                     "docker-compose.*.yaml")
DOCKERFILE_PATTERNS = ("Dockerfile", "Dockerfile.*", "*.Dockerfile", "*.dockerfile",
                        "Containerfile", "Containerfile.*", "dockerfile")


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
    # A Dockerfile read from standard input (``check -``): reported as "-", with no context.
    stdin: bool = False


class _Stdin:
    """The command-line argument ``-``: a Dockerfile on standard input, as hadolint reads it."""

    def __repr__(self) -> str:
        return "STDIN"


# Stands for ``-`` among the paths given to :func:`discover` (a Path cannot: ``./-`` and
# ``-`` are the same Path, and ``./-`` names a file).
STDIN = _Stdin()
STDIN_NAME = "-"


def _is_compose_name(name: str) -> bool:
    """compose.yaml, docker-compose.override.yml and the other names Compose looks for."""
    name = name.lower()
    return name in COMPOSE_NAMES or any(fnmatch.fnmatch(name, p) for p in _COMPOSE_PATTERNS)


def is_dockerfile_name(name: str) -> bool:
    """Dockerfile, app.Dockerfile, Containerfile.dev …, but not a Dockerfile's ignore file."""
    return any(fnmatch.fnmatch(name, p) for p in DOCKERFILE_PATTERNS) and \
        not name.endswith(".dockerignore")


def kind_of(path: Path) -> str:
    """"compose" for compose-like names and YAML files, else "dockerfile"; a template's
    suffix is looked through (``docker-compose.yml.dist`` is a compose file)."""
    name = without_template_suffix(path.name)
    if _is_compose_name(name) or name.lower().endswith((".yml", ".yaml")):
        return "compose"
    return "dockerfile"


def discover(paths: Sequence[Path | _Stdin],
             warn: Callable[[str], None] | None = None) -> list[Target]:
    """Expand arguments into targets; a missing path or an empty directory is an error.

    A Dockerfile's build context is its own directory unless a compose file says otherwise.
    ``warn`` hears about subfolders that could not be listed; the rest is still scanned.
    :data:`STDIN` is a Dockerfile on standard input, with no build context (as with
    ``docker build - < Dockerfile``); given twice, it is read once.
    """
    targets: list[Target] = []
    for path in paths:
        if isinstance(path, _Stdin):
            targets.append(Target(Path(STDIN_NAME), "dockerfile", stdin=True))
            continue
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
    unique: dict[Path | _Stdin, Target] = {}
    for target in targets:
        unique.setdefault(STDIN if target.stdin else target.path.resolve(), target)
    return list(unique.values())


def _mode(path: Path) -> int:
    """The file type and mode of a command-line path, or an ``InputError`` saying why not."""
    try:
        return path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{path}: no such file or directory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {os_reason(exc)}") from None


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
    def unlisted(folder: Path, error: OSError) -> None:
        warn(f"{display_path(folder)}: cannot list this directory ({os_reason(error)}); the "
             f"files in it were not analysed")

    for relative in list_folder(root, limit=None, unlisted=unlisted, contents=False).paths:
        path = root / relative
        if is_dockerfile_name(path.name):
            kind = "dockerfile"
        elif _is_compose_name(path.name):
            kind = "compose"
        else:
            continue
        if path.is_file():
            yield Target(path, kind, context=path.parent)


def analyze_targets(
    targets: list[Target], config: Config, stage: str | None = None,
    today: dt.date | None = None,
) -> list[FileReport]:
    """Analyse each target, and the Dockerfiles compose files build, into reports.

    Compose files go first, so a Dockerfile a service builds is judged with that service's
    context and ``user:``; the same Dockerfile found on its own is then not repeated. A FROM
    naming an image that a compose file among the targets, or the configuration, says is
    built here is judged by the Dockerfile that builds it.
    """
    named = BuiltImages.collect((t.path for t in targets if t.kind == "compose"), config)
    reports: list[FileReport] = []
    done: set[tuple[Path, str | None, str | None]] = set()
    built: set[Path] = set()
    listings: dict[Path, Listing] = {}
    queue = sorted(targets, key=lambda t: t.kind != "compose")
    while queue:
        target = queue.pop(0)
        if target.stdin:
            reports.append(_analyze_dockerfile(target, config, stage, today, None, named))
            continue
        path = target.path.resolve()
        if target.kind == "compose":
            if (path, None, None) in done:
                continue
            done.add((path, None, None))
            report, builds = _analyze_compose(target, config, today, named)
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
        listing = None
        if target.context is not None and target.context.is_dir():
            folder = target.context.resolve()
            listing = listings.get(folder)
            if listing is None:
                listing = listings[folder] = _context_listing(target.context)
        reports.append(_analyze_dockerfile(target, config, target.stage or stage, today,
                                           listing, named))
    return reports


def display_path(path: Path) -> str:
    """The path as the user would recognise it: relative to the working directory if inside."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _context_listing(context: Path) -> Listing:
    """The build context's files; a context that cannot be listed is judged as far as known."""
    try:
        return list_folder(context)
    except InputError:
        return Listing(truncated=True)


def _analyze_dockerfile(target: Target, config: Config, stage: str | None,
                        today: dt.date | None, listing: Listing | None,
                        built: BuiltImages | None = None) -> FileReport:
    report = FileReport(STDIN_NAME if target.stdin else display_path(target.path), "dockerfile",
                        context=display_path(target.context) if target.context else None,
                        service=target.service)
    try:
        source = read_stdin() if target.stdin else read_source(target.path, "dockerfile")
        root = target.context or target.path.parent
        name = _name_in(target.path, root)
        texts = {name: source.text}
        if listing is not None:
            texts.update(read_ignore_file(root, name))
        result = analyze_folder(
            BuildFolder(texts, listing, dockerfile=name, root=str(root),
                        problems={name: source.problems}),
            config, today, target=stage, user=target.user, built=built)
    except TutorError as exc:
        report.error = str(exc)
        return report
    analysis = result.analysis
    assert analysis is not None  # the Dockerfile's text was given
    report.profile = analysis.profile
    report.findings = analysis.findings
    report.suppressed = analysis.suppressed
    return report


def _name_in(path: Path, root: Path) -> str:
    """The Dockerfile's path relative to its build context (compose may put it outside)."""
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive, on Windows
        return path.as_posix()


def _analyze_compose(target: Target, config: Config, today: dt.date | None,
                     built: BuiltImages | None = None) -> tuple[FileReport, list[Target]]:
    from tutor.analysis.compose import is_remote_context

    report = FileReport(display_path(target.path), "compose")
    try:
        source = read_source(target.path, "compose")
    except TutorError as exc:
        report.error = str(exc)
        return report, []
    name = target.path.name
    analysis = analyze_folder(BuildFolder({name: source.text}, None, compose=name,
                                          problems={name: source.problems}),
                              config, today, built=built).compose
    assert analysis is not None  # the compose file's text was given
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
        user = build.user_override(name)
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
