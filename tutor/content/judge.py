"""Judge a learner's files against an exercise goal.

``evaluate`` is what the checker runs on starters and solutions, and what the quiz widgets
run on answers: it takes the files as text, does no I/O, and analyses them as one build
folder, as ``check`` and the workbench do. ``judge`` runs a goal's checks on a folder that
has already been analysed (the workbench's, on every edit).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from tutor.analysis.compose import COMPOSE_NAMES, ServiceBuild
from tutor.analysis.context import Listing
from tutor.analysis.dockerignore import IgnoreFile
from tutor.analysis.engine import Analysis, ComposeAnalysis
from tutor.analysis.facts import effective_command, installed_packages, secret_mount_ids
from tutor.analysis.findings import Finding
from tutor.analysis.folder import BuildFolder, FolderAnalysis, analyze_folder
from tutor.analysis.image_model import ImageModel
from tutor.analysis.model import Dockerfile, Severity, Stage
from tutor.analysis.secret_contents import content_decides
from tutor.content.goals import words
from tutor.content.model import Check, Goal
from tutor.content.scan import gate as scan_gate
from tutor.content.scan import pinning
from tutor.content.scan.inputs import needed_files
from tutor.content.scan.spec import ScanSpec
from tutor.content.schema import SCAN_KINDS

# Checks that judge no Dockerfile: a goal made only of these needs none in the folder.
WITHOUT_DOCKERFILE = frozenset({"no_finding", "services", "ignored", "sent", "clean",
                                "builds", "starts", *SCAN_KINDS})


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One checklist line after judging: passed or not, and why not in a few words."""

    check: Check
    passed: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class GoalResult:
    """A goal judged against files, with the analyses behind it."""

    results: tuple[CheckResult, ...]
    analysis: Analysis | None
    compose: ComposeAnalysis | None
    compose_name: str | None

    @property
    def passed(self) -> bool:
        """True when every check passes."""
        return all(r.passed for r in self.results)

    @property
    def findings(self) -> list[Finding]:
        """Every finding on the Dockerfile and the compose file."""
        return [*(self.analysis.findings if self.analysis else ()),
                *(self.compose.findings if self.compose else ())]


def compose_name(files: Mapping[str, str]) -> str | None:
    """The compose file among these files, by Docker Compose's own preference order."""
    return next((name for name in COMPOSE_NAMES if name in files), None)


def evaluate(goal: Goal, files: Mapping[str, str], today: dt.date | None = None) -> GoalResult:
    """Judge files (path -> text, paths relative to the build context) against a goal."""
    contents = tuple((path, text) for path, text in files.items() if content_decides(path))
    folder = BuildFolder(files, Listing(tuple(files), contents=contents), goal.dockerfile,
                         compose_name(files))
    return judge(goal, analyze_folder(folder, today=today), files, texts=files, today=today)


def goal_files(goal: Goal, texts: Mapping[str, str]) -> set[str]:
    """The files besides the Dockerfile and compose file that the goal's checks read.

    Ask again once those are read: a workflow names the ignore files its scan reads.
    """
    return needed_files(((c.kind, c.value) for c in goal.checks if c.kind in SCAN_KINDS),
                        texts)


def judge(goal: Goal, folder: FolderAnalysis, paths: Collection[str], *,
          texts: Mapping[str, str] | None = None, today: dt.date | None = None) -> GoalResult:
    """Run the goal's checks on an analysed folder; ``paths`` are the files it holds.

    ``texts`` holds the files the scan checks read (``goal_files``): a workflow and its
    ignore files; ``today`` decides which ignore entries have expired.
    """
    ignore = folder.context.ignore if folder.context else None
    checker = _Judge(goal, paths, folder.analysis, folder.compose, ignore)
    checker.compose_name = folder.compose_name or "compose.yaml"
    checker.texts = texts or {}
    checker.today = today or dt.date.today()
    results = tuple(checker.run(check) for check in goal.checks)
    return GoalResult(results, folder.analysis, folder.compose, folder.compose_name)


class _Judge:
    """Runs each kind of check against one set of analyses."""

    def __init__(self, goal: Goal, paths: Collection[str], analysis: Analysis | None,
                 compose: ComposeAnalysis | None, ignore: IgnoreFile | None) -> None:
        self.goal = goal
        self.ignore = ignore
        self.paths = paths
        self.analysis = analysis
        self.compose = compose
        self.compose_name = "compose.yaml"
        self.texts: Mapping[str, str] = {}
        self.today = dt.date.today()

    def run(self, check: Check) -> CheckResult:
        if check.kind not in WITHOUT_DOCKERFILE and self.analysis is None:
            return CheckResult(check, False, f"there is no {self.goal.dockerfile}")
        passed, detail = getattr(self, f"_{check.kind}")(check.value)
        return CheckResult(check, passed, "" if passed else detail)

    @property
    def dockerfile(self) -> Dockerfile:
        assert self.analysis is not None
        return self.analysis.dockerfile

    def _final_chain(self) -> list[Stage]:
        """The final stage and the stages it builds on, base first."""
        assert self.analysis is not None
        chain: list[Stage] = []
        stage = self.analysis.profile.final_stage
        while stage is not None:
            chain.insert(0, stage)
            stage = self.dockerfile.stages[stage.parent] if stage.parent is not None else None
        return chain

    def _no_finding(self, rule_id: str) -> tuple[bool, str]:
        findings = [f for source in (self.analysis, self.compose) if source
                    for f in source.findings if f.rule == rule_id]
        if not findings:
            return True, ""
        lines = sorted({f.line for f in findings})
        where = ", ".join(str(n) for n in lines[:5])
        return False, f"fires on line{'s' * (len(lines) > 1)} {where}: {findings[0].message}"

    def _runs_as_root(self, wanted: bool) -> tuple[bool, str]:
        assert self.analysis is not None
        profile = self.analysis.profile
        return profile.runs_as_root is wanted, profile.reason

    def _user_numeric(self, wanted: bool) -> tuple[bool, str]:
        assert self.analysis is not None
        user = self.analysis.profile.user
        numeric = user is not None and re.fullmatch(r"\d+(:\d+)?", user.strip()) is not None
        shown = f"the user is {user}" if user else "the image sets no user"
        return numeric is wanted, shown

    def _command(self, wanted: list[str]) -> tuple[bool, str]:
        words = effective_command(self._final_chain())
        if words == [str(w) for w in wanted]:
            return True, ""
        shown = " ".join(words) if words else "nothing (no ENTRYPOINT or CMD)"
        return False, f"the image starts {shown}"

    def _base_image(self, patterns: str | list[str]) -> tuple[bool, str]:
        chain = self._final_chain()
        if not chain:
            return False, "the file has no FROM"
        root = chain[0]
        name = "scratch" if root.is_scratch else (root.image.hub_name if root.image else
                                                  root.base)
        wanted = [patterns] if isinstance(patterns, str) else patterns
        ok = any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in wanted)
        return ok, f"the final image builds on {name}"

    def _installs(self, packages: list[str]) -> tuple[bool, str]:
        installed = installed_packages(self._final_chain())
        missing = [p for p in packages if p.lower() not in installed]
        return not missing, f"{words(missing)} no longer installed in the final image"

    def _instruction(self, spec: dict[str, Any]) -> tuple[bool, str]:
        keyword = spec["keyword"]
        stages = ({s.index for s in self._final_chain()}
                  if spec.get("stage", "final") == "final" else None)
        for inst in self.dockerfile.instructions:
            if inst.keyword != keyword or (stages is not None and inst.stage not in stages):
                continue
            text = " ".join(inst.value.split())
            if "contains" in spec and " ".join(str(spec["contains"]).split()) in text:
                return True, ""
            if "matches" in spec and re.search(str(spec["matches"]), inst.value):
                return True, ""
        return False, f"no {keyword} instruction like that{' in the final image' * bool(stages)}"

    def _stages(self, count: int) -> tuple[bool, str]:
        have = len(self.dockerfile.stages)
        return have >= count, f"the build has {have} stage{'s' * (have != 1)}"

    def _secret_mount(self, wanted: str | bool) -> tuple[bool, str]:
        ids = secret_mount_ids(self.dockerfile.instructions)
        if wanted is True:
            return bool(ids), "no RUN uses --mount=type=secret"
        if wanted is False:
            return not ids, "a RUN uses a secret mount"
        return wanted in ids, (f"the secret mounts are {', '.join(sorted(ids))}" if ids else
                               "no RUN uses --mount=type=secret")

    def _ignored(self, paths: list[str]) -> tuple[bool, str]:
        if self.ignore is None:
            return False, "there is no .dockerignore"
        sent = [p for p in paths if not self.ignore.excluded(p)]
        return not sent, f"{words(sent)} would still be sent to the build"

    def _sent(self, paths: list[str]) -> tuple[bool, str]:
        missing = [p for p in paths if p not in self.paths]
        kept = [p for p in paths if self.ignore is not None and self.ignore.excluded(p)]
        if missing:
            return False, f"{words(missing)} no longer exist{'s' * (len(missing) == 1)}"
        return not kept, f".dockerignore keeps {words(kept)} out of the build"

    def _services(self, names: list[str]) -> tuple[bool, str]:
        if self.compose is None:
            return False, "there is no compose file"
        defined = {s.name for s in self.compose.model.services}
        missing = [n for n in names if n not in defined]
        return not missing, f"{words(missing)} {'is' if len(missing) == 1 else 'are'} gone"

    # The scan checks read a workflow and its ignore files, and judge a recorded report.

    def _scan_gate(self, spec: ScanSpec) -> tuple[bool, str]:
        return scan_gate.judged(scan_gate.gate, spec, self.texts, self.paths, self.today)

    def _scan_ignores(self, spec: ScanSpec) -> tuple[bool, str]:
        return scan_gate.judged(scan_gate.ignores, spec, self.texts, self.paths, self.today)

    def _pinned_actions(self, workflow: str) -> tuple[bool, str]:
        return pinning.pinned(workflow, self.texts)

    # The default checks: a fix must not break the image or make it more dangerous.

    def _clean(self, allowed: tuple[str, ...]) -> tuple[bool, str]:
        left = [(name, f) for name, source in ((self.goal.dockerfile, self.analysis),
                                               (self.compose_name, self.compose)) if source
                for f in source.findings
                if f.severity.rank >= Severity.WARNING.rank and f.rule not in allowed]
        if not left:
            return True, ""
        shown = ", ".join(f"{f.rule} ({name} line {f.line})" for name, f in left[:4])
        more = f" and {len(left) - 4} more" if len(left) > 4 else ""
        first = left[0][1]
        headline = re.split(r"(?<=\.)\s+(?=[A-Z])", first.message, maxsplit=1)[0].rstrip(".")
        return False, f"still reported: {shown}{more}. First: {headline}."

    def _builds(self, _wanted: bool) -> tuple[bool, str]:
        model = self.analysis.model if self.analysis else None
        if model is None:
            if self.compose is not None and any(b.context in (".", "./")
                                                for b in self.compose.model.builds):
                return False, f"the compose file builds this folder, but there is no " \
                              f"{self.goal.dockerfile}"
            return True, ""
        verdict = model.builds()
        return verdict.ok is not False, verdict.why

    def _starts(self, _wanted: bool) -> tuple[bool, str]:
        model = self.analysis.model if self.analysis else None
        if model is None:
            return True, ""
        verdict = model.starts()
        return verdict.ok is not False, f"the container cannot start: {verdict.why}"

    def _model(self) -> ImageModel:
        assert self.analysis is not None and self.analysis.model is not None
        return self.analysis.model

    def _mounted(self) -> ServiceBuild | None:
        """The compose service that builds the judged Dockerfile: its mounts replace the
        image's files at run time, as its ``user:`` replaces the image's user."""
        if self.compose is None:
            return None
        return self.compose.model.builder_of(self.goal.dockerfile)

    def _writable(self, paths: list[str]) -> tuple[bool, str]:
        service = self._mounted()
        for path in paths:
            mount = service.mount_over(path) if service and path.startswith("/") else None
            decided = mount.verdict(self.compose_name) if mount else None
            if decided is not None:
                return False, decided[1]
            verdict = self._model().writable(path)
            if verdict.ok is not True:
                why = verdict.why or f"who may write {path} is not known from the Dockerfile"
                return False, why
        return True, ""

    def _not_writable(self, paths: list[str]) -> tuple[bool, str]:
        model = self._model()
        service = self._mounted()
        meant = [p for c in self.goal.checks if c.kind == "writable" for p in c.value]
        for path in paths:
            if service is not None and path.startswith("/"):
                mount = service.mount_over(path)
                decided = mount.verdict(self.compose_name) if mount else None
                if decided is not None and decided[0] is False:
                    continue  # read-only: nothing there can change
                if decided is not None:
                    return False, decided[1]
                for inner in service.mounts_below(path):
                    if any(inner.covers(m) for m in meant):
                        continue
                    held = inner.verdict(self.compose_name)
                    if held is not None and held[0] is not False:
                        return False, held[1]
            verdict = model.writable(path)
            if verdict.ok is not False:
                why = verdict.why or f"who may write {path} is not known from the Dockerfile"
                return False, why
            inside = model.writable_inside(path, meant)
            if inside is not None:
                return False, inside
        return True, ""

    def _executable(self, _what: str) -> tuple[bool, str]:
        verdict = self._model().starts()
        if verdict.ok is True:
            return True, ""
        return False, verdict.why or ("the entrypoint's mode is not known from the "
                                      "Dockerfile: set it with --chmod=0755 or chmod 0755")
