"""The files a workbench edits: opening them, analysing the buffers, saving, outside changes.

No Textual here. The screen keeps the buffers (what the learner typed); this module keeps
what is on disk and hands buffers to ``analyze_folder``, as ``check`` hands it files. Only
``scan`` (``walk``), ``read`` and ``save`` touch the disk; ``analyze`` is pure, so it can run on
every edit.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.analysis.compose import COMPOSE_NAMES
from tutor.analysis.config import Config, find_config, load_config
from tutor.analysis.context import Listing
from tutor.analysis.disk import list_folder, os_reason, read_ignore_file
from tutor.analysis.engine import Analysis, ComposeAnalysis
from tutor.analysis.files import is_dockerfile_name, kind_of
from tutor.analysis.findings import Finding
from tutor.analysis.fixes import Fix, compose_fix, dockerfile_fix
from tutor.analysis.folder import BuildFolder, FolderAnalysis, analyze_folder, ignore_candidates
from tutor.analysis.source import read_source
from tutor.atomic import write_atomic
from tutor.confine import inside
from tutor.errors import InputError, TutorError

if TYPE_CHECKING:  # the course's modules load with the first exercise, not for a plain file
    from tutor.content.judge import GoalResult
    from tutor.content.model import Exercise

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
    kind: str  # "dockerfile", "compose", "ignore" or "yaml" (a workflow, a report)
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


@dataclass(frozen=True, slots=True)
class DiskFolder:
    """What one walk of the folder found: its files, and an ignore file no buffer holds."""

    listing: Listing = field(default_factory=Listing)
    texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Workspace:
    """A Dockerfile and its compose and ignore files, in one build context folder."""

    root: Path
    files: dict[str, WorkFile]
    dockerfile: str | None
    compose: str | None
    config: Config = field(default_factory=Config)
    exercise: Exercise | None = None
    # From the last scan; replaced whole, so an analysis running meanwhile sees one walk.
    disk: DiskFolder = field(default_factory=DiskFolder)

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
        ignore = next((n for n in ignore_candidates(dockerfile) if (root / n).is_file()), None)
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
                "ignore" if name.endswith(".dockerignore") else
                "yaml" if name.lower().endswith((".yml", ".yaml", ".json")) else "dockerfile")
        work = WorkFile(name, path, kind)
        if path.exists() or must_exist:
            work.disk_text, work.stamp = _read_text(path)
        return work

    # Disk ---------------------------------------------------------------------------------

    def scan(self) -> None:
        """Walk the folder now and keep what it found (see ``walk``)."""
        self.disk = self.walk()

    def walk(self) -> DiskFolder:
        """List the folder for the build-context rules, and read an ignore file not open.

        Changes nothing, so a worker thread can run it while analyses read ``disk``; the
        caller assigns the result on its own thread.
        """
        try:
            listing = list_folder(self.root)
        except InputError:  # the folder went away or was locked: judge what is known
            listing = Listing(truncated=True)
        listing.secret_files()  # worked out here, in the scan's worker, not on an edit
        texts = read_ignore_file(self.root, self.dockerfile, skip=self.files)
        if self.exercise is not None:
            # The goal judges the Dockerfile and compose file even when the exercise does
            # not ask the learner to edit them: read them here, not on an edit.
            for name in (self.dockerfile, self.compose):
                if name and name not in self.files and name in listing.paths:
                    try:
                        texts[name] = read_source(self.root / name).text
                    except TutorError:
                        continue
            # And a scan check's workflow and ignore files, unless a buffer holds them.
            from tutor.content.exercise_command import read_goal_files

            known = {**texts, **{n: w.disk_text for n, w in self.files.items()}}
            read_goal_files(self.exercise.goal, self.root, listing.paths, known)
            texts.update({n: t for n, t in known.items() if n not in self.files})
        return DiskFolder(listing, texts)

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
        """Findings for the buffers' texts (file name -> text), and the goal's; no I/O."""
        disk = self.disk
        files = {**disk.texts, **{name: work.disk_text for name, work in self.files.items()
                                  if work.exists}, **texts}
        result = analyze_folder(BuildFolder(files, disk.listing, self.dockerfile, self.compose,
                                            str(self.root)), self.config, today)
        goal = None
        if self.exercise is not None:
            from tutor.content.judge import judge

            present = {*(p for p in disk.listing.paths if p not in disk.listing.special),
                       *texts}
            goal = judge(self.exercise.goal, result, present, texts=files, today=today)
        return WorkResult(result.analysis, result.compose, _located(result), goal)

    def fix_for(self, result: WorkResult, item: Located, text: str,
                today: dt.date | None = None) -> Fix | None:
        """The mechanical fix for a finding, computed from the buffer (``text``) it is in."""
        if item.file == self.dockerfile and result.analysis is not None:
            return dockerfile_fix(item.finding, text, result.analysis, today)
        if item.file == self.compose and result.compose is not None:
            return compose_fix(item.finding, text, result.compose)
        return None


def _located(result: FolderAnalysis) -> tuple[Located, ...]:
    dockerfile, compose = result.dockerfile or "Dockerfile", result.compose_name or "compose.yaml"
    found = [Located(dockerfile, f) for f in (result.analysis.findings if result.analysis
                                              else ())]
    found += [Located(compose, f) for f in (result.compose.findings if result.compose else ())]
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
    return next((n for n in names if is_dockerfile_name(n)), None)


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
        raise InputError(f"{root}: cannot list this folder: {os_reason(exc)}") from None
