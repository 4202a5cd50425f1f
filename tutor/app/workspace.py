"""The files a workbench edits: opening them, analysing the buffers, saving, outside changes.

No Textual here. The screen keeps the buffers (what the learner typed); this module keeps
what is on disk and turns buffers into findings with the same engine as ``check``. Only
``scan``, ``read`` and ``save`` touch the disk; ``analyze`` is pure, so it can run on
every edit.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.analysis.compose import COMPOSE_NAMES
from tutor.analysis.config import Config, find_config, load_config
from tutor.analysis.context import MAX_ENTRIES, SKIP_DIRS, BuildContext, SecretFile, is_special
from tutor.analysis.dockerignore import IgnoreFile
from tutor.analysis.engine import Analysis, ComposeAnalysis, analyze_compose, analyze_dockerfile
from tutor.analysis.files import DOCKERFILE_PATTERNS, kind_of
from tutor.analysis.findings import Finding
from tutor.analysis.model import ParseProblem, Severity
from tutor.analysis.secrets import secret_file_kind
from tutor.analysis.source import read_source
from tutor.atomic import write_atomic
from tutor.confine import inside
from tutor.errors import InputError, TutorError

if TYPE_CHECKING:  # the course's modules load with the first exercise, not for a plain file
    from tutor.content.judge import GoalResult
    from tutor.content.model import Exercise, Goal

DOCKERFILE_NAMES = ("Dockerfile", "Containerfile", "dockerfile")


class SaveConflict(TutorError):
    """The file changed on disk after it was read; saving would lose someone's edits."""


@dataclass(frozen=True, slots=True)
class Stamp:
    """What identifies one version of a file on disk without reading it."""

    mtime_ns: int
    size: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> Stamp | None:
        """The stamp of ``path`` now, or None when it does not exist."""
        try:
            st = path.stat()
        except OSError:
            return None
        return cls(st.st_mtime_ns, st.st_size, st.st_ino)


@dataclass(slots=True)
class WorkFile:
    """One editable file: its name in the workbench, and its text as last read or saved."""

    name: str
    path: Path
    kind: str  # "dockerfile", "compose" or "ignore"
    disk_text: str = ""
    stamp: Stamp | None = None

    @property
    def exists(self) -> bool:
        """False for a file the learner is creating."""
        return self.stamp is not None


@dataclass(frozen=True, slots=True)
class Located:
    """A finding and the workbench file it is in."""

    file: str
    finding: Finding


@dataclass(frozen=True, slots=True)
class WorkResult:
    """One analysis of the buffers."""

    analysis: Analysis | None
    compose: ComposeAnalysis | None
    findings: tuple[Located, ...]
    goal: GoalResult | None = None


@dataclass(slots=True)
class Workspace:
    """A Dockerfile and its compose and ignore files, in one build context folder."""

    root: Path
    files: dict[str, WorkFile]
    dockerfile: str | None
    compose: str | None
    config: Config = field(default_factory=Config)
    exercise: Exercise | None = None
    # Every file below the root (relative, slash-separated), from the last scan.
    paths: tuple[str, ...] = ()
    secret_files: tuple[SecretFile, ...] = ()
    truncated: bool = False

    # Opening ------------------------------------------------------------------------------

    @classmethod
    def from_path(cls, path: Path) -> Workspace:
        """A Dockerfile, a compose file or a folder; a missing Dockerfile name starts a new file."""
        path = Path(os.path.abspath(path))
        inside(path)  # confined mode: the learner's folder only
        if path.is_dir():
            root = path
            _require_listable(root)
            dockerfile = _first_dockerfile(root)
            compose = next((n for n in COMPOSE_NAMES if (root / n).is_file()), None)
            if dockerfile is None and compose is None:
                raise InputError(f"{path}: no Dockerfile or compose file in this folder (looked "
                                 f"for Dockerfile, Containerfile, *.Dockerfile and "
                                 f"{', '.join(COMPOSE_NAMES)}); open a file by name to "
                                 f"create one")
        elif path.parent.is_dir():
            root = path.parent
            if kind_of(path) == "compose":
                compose, dockerfile = path.name, None
                if _first_dockerfile(root) == "Dockerfile":
                    dockerfile = "Dockerfile"
            else:
                dockerfile, compose = path.name, None
        else:
            raise InputError(f"{path}: no such file or directory")
        names = [n for n in (dockerfile, compose) if n]
        ignore = _ignore_name(root, dockerfile)
        if ignore:
            names.append(ignore)
        workspace = cls(root, {}, dockerfile, compose, _config(root))
        for name in names:
            workspace.files[name] = workspace._open(name, must_exist=name != path.name)
        workspace.scan()
        return workspace

    @classmethod
    def for_exercise(cls, exercise: Exercise, folder: Path) -> Workspace:
        """The learner's copy of an exercise under ``folder``, created from the starter once."""
        root = folder / exercise.id
        try:
            root.mkdir(parents=True, exist_ok=True)
            for name, text in exercise.starter.items():
                target = root / name
                if not target.exists():  # the learner's work from last time stays
                    target.parent.mkdir(parents=True, exist_ok=True)
                    write_atomic(target, text)
        except OSError as exc:
            raise InputError(f"cannot prepare the exercise folder {root}: "
                             f"{exc.strerror or exc}") from None
        dockerfile = exercise.goal.dockerfile
        compose = next((n for n in COMPOSE_NAMES if n in exercise.starter
                        or n in exercise.edit), None)
        workspace = cls(root, {}, dockerfile, compose, Config(), exercise)
        for name in exercise.edit:
            workspace.files[name] = workspace._open(name, must_exist=False)
        workspace.scan()
        return workspace

    def reset_exercise(self) -> None:
        """Put the starter's files back, dropping the learner's changes to them."""
        assert self.exercise is not None
        for name, text in self.exercise.starter.items():
            write_atomic(self.root / name, text)
        for name, work in self.files.items():
            if name not in self.exercise.starter and work.path.exists():
                work.path.unlink()
            self.files[name] = self._open(name, must_exist=False)
        self.scan()

    def _open(self, name: str, must_exist: bool) -> WorkFile:
        path = self.root / name
        inside(path)  # confined mode: a symlink out of the learner's folder is refused
        kind = ("compose" if name == self.compose else
                "ignore" if name.endswith(".dockerignore") else "dockerfile")
        work = WorkFile(name, path, kind)
        if path.exists() or must_exist:
            work.disk_text, work.stamp = _read_text(path)
        return work

    # Disk ---------------------------------------------------------------------------------

    def scan(self) -> None:
        """List the files below the root, for the build-context rules (the only walk)."""
        paths: list[str] = []
        for directory, subdirs, names in os.walk(self.root):
            subdirs[:] = sorted(d for d in subdirs if d not in SKIP_DIRS)
            relative = Path(directory).relative_to(self.root).as_posix()
            paths.extend(n if relative == "." else f"{relative}/{n}" for n in sorted(names))
            if len(paths) > MAX_ENTRIES:
                break
        self.truncated = len(paths) > MAX_ENTRIES
        self.paths = tuple(paths[:MAX_ENTRIES])
        self.secret_files = tuple(SecretFile(p, kind) for p in self.paths
                                  if (kind := secret_file_kind(p)) is not None
                                  and not is_special(self.root / p))

    def changed_on_disk(self, name: str) -> bool:
        """True when the file's stamp differs from when it was last read or saved."""
        work = self.files[name]
        return Stamp.of(work.path) != work.stamp

    def read(self, name: str) -> str:
        """Read the file again from disk (after an outside change) and remember it."""
        work = self.files[name]
        if not work.path.exists():
            work.disk_text, work.stamp = "", None
        else:
            work.disk_text, work.stamp = _read_text(work.path)
        return work.disk_text

    def save(self, name: str, text: str, *, overwrite: bool = False) -> None:
        """Write atomically; refuse, unless told to overwrite, if the file changed meanwhile."""
        work = self.files[name]
        inside(work.path)  # confined mode: never write outside the learner's folder
        if not overwrite and self.changed_on_disk(name):
            current = _peek(work.path)
            if current != work.disk_text:
                raise SaveConflict(f"{name} changed on disk since it was opened")
        try:
            write_atomic(work.path, text)
        except OSError as exc:
            raise InputError(f"could not save {work.path}: {exc.strerror or exc}") from None
        work.disk_text, work.stamp = text, Stamp.of(work.path)

    # Analysis -----------------------------------------------------------------------------

    def analyze(self, texts: Mapping[str, str], today: dt.date | None = None) -> WorkResult:
        """Findings for the buffers' texts (file name -> text); no I/O."""
        if self.exercise is not None:
            return self._judge(self.exercise.goal, texts, today)
        compose = None
        if self.compose is not None:
            compose = analyze_compose(texts.get(self.compose, ""), self.config)
        analysis = None
        if self.dockerfile is not None:
            override = compose.model.user_for(self.dockerfile, self.compose) if (
                compose is not None and self.compose is not None) else None
            ignore_name = self.ignore_name
            ignore_text = texts.get(ignore_name) if ignore_name else None
            if ignore_name and ignore_text is None:
                ignore_text = self.files[ignore_name].disk_text if (
                    ignore_name in self.files) else None
            analysis = analyze_dockerfile(
                texts.get(self.dockerfile, ""), self.config, today=today,
                context=self._context(ignore_text, ignore_name), user_override=override,
                extra_problems=self._ignore_problems(ignore_text, ignore_name))
        return WorkResult(analysis, compose, _located(self.dockerfile, analysis, self.compose,
                                                      compose))

    def _judge(self, goal: Goal, texts: Mapping[str, str], today: dt.date | None) -> WorkResult:
        """An exercise: judge the goal over the folder's files with the buffers laid on top."""
        files: dict[str, str] = dict.fromkeys(self.paths, "")
        for name, work in self.files.items():
            if work.exists:
                files[name] = work.disk_text
            else:
                files.pop(name, None)
        files.update(texts)
        from tutor.content.judge import evaluate

        result = evaluate(goal, files, today)
        return WorkResult(result.analysis, result.compose,
                          _located(goal.dockerfile, result.analysis, result.compose_name,
                                   result.compose), result)

    @property
    def ignore_name(self) -> str | None:
        """The ignore file BuildKit would read for this Dockerfile, if one is open or exists."""
        if self.dockerfile is None:
            return None
        own = f"{self.dockerfile}.dockerignore"
        for name in (own, ".dockerignore"):
            if name in self.files or name in self.paths:
                return name
        return None

    def _context(self, ignore_text: str | None, ignore_name: str | None) -> BuildContext:
        ignore = IgnoreFile.parse(ignore_text) if ignore_text is not None else None
        return BuildContext(str(self.root), self.secret_files, ignore,
                            ignore_name if ignore is not None else None, self.truncated)

    @staticmethod
    def _ignore_problems(text: str | None, name: str | None) -> tuple[ParseProblem, ...]:
        if text is None or name is None:
            return ()
        return tuple(ParseProblem(1, 1, f"{name} line {p.line}: {p.message}", Severity.WARNING)
                     for p in IgnoreFile.parse(text).problems)


def _located(dockerfile: str | None, analysis: Analysis | None, compose_name: str | None,
             compose: ComposeAnalysis | None) -> tuple[Located, ...]:
    found = [Located(dockerfile or "Dockerfile", f) for f in (analysis.findings if analysis
                                                              else ())]
    found += [Located(compose_name or "compose.yaml", f) for f in (compose.findings if compose
                                                                   else ())]
    found.sort(key=lambda item: (-item.finding.severity.rank, item.file, item.finding.line))
    return tuple(found)


def _first_dockerfile(root: Path) -> str | None:
    """The Dockerfile in this folder (not below it), by the names ``docker build`` looks for."""
    for name in DOCKERFILE_NAMES:
        if (root / name).is_file():
            return name
    try:
        names = sorted(p.name for p in root.iterdir() if p.is_file())
    except OSError:
        return None
    return next((n for n in names if any(fnmatch.fnmatch(n, p) for p in DOCKERFILE_PATTERNS)
                 and not n.endswith(".dockerignore")), None)


def _ignore_name(root: Path, dockerfile: str | None) -> str | None:
    candidates = [f"{dockerfile}.dockerignore"] if dockerfile else []
    candidates.append(".dockerignore")
    return next((n for n in candidates if (root / n).is_file()), None)


def _config(root: Path) -> Config:
    """The project's config, as ``check`` would find it; a broken one is reported by ``check``."""
    try:
        return load_config(find_config(root))
    except TutorError:
        return Config()


def _read_text(path: Path) -> tuple[str, Stamp | None]:
    """Read a file for editing: refuse anything a save could damage."""
    stamp = Stamp.of(path)
    source = read_source(path)
    if source.problems:
        raise InputError(f"{path}: {source.problems[0].message}; the workbench edits UTF-8 "
                         f"files only, so it will not open this one (check can still "
                         f"analyse it)")
    return source.text, stamp


def _peek(path: Path) -> str | None:
    try:
        return read_source(path).text
    except TutorError:
        return None


def _require_listable(root: Path) -> None:
    """An unreadable folder is a permission problem, not a folder without a Dockerfile."""
    try:
        with os.scandir(root):
            pass
    except OSError as exc:
        reason = ("permission denied" if isinstance(exc, PermissionError)
                  else exc.strerror or str(exc))
        raise InputError(f"{root}: cannot list this folder: {reason}") from None
