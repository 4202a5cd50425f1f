"""The image-scanning goal checks: a CI gate judged against a recorded Trivy report.

``scan_gate`` asks whether the workflow's Trivy scan would fail the build on every fixable
HIGH or CRITICAL finding of the report that no justified ignore entry accepts, and on
nothing else. ``scan_ignores`` asks that every ignore entry the scan reads says why and
expires within a year, and that none hides a fixable CRITICAL. ``pinned_actions`` asks that
every action is pinned to a commit SHA and Trivy to a release. The report is the one the
exercise ships (bound when the course loads), never the learner's copy, which they could
edit. Each check returns (passed, why not); untrusted text in the reason is made visible
and its secrets masked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from tutor.content.scan.ignore_files import IgnoreEntry, is_yaml_name
from tutor.content.scan.runs import (
    DEFAULT_IGNOREFILE,
    SETUP_TRIVY,
    TRIVY_ACTION,
    Run,
    action_name,
    safe_path,
    scan_runs,
)
from tutor.content.scan.shell import (
    ignorefile_args,
    is_trivy_image,
    trivy_commands,
    trivy_images,
)
from tutor.content.scan.trivy import (
    GATED,
    SEVERITIES,
    TrivyError,
    Vulnerability,
    dropped_by,
    read_report,
)
from tutor.content.scan.workflow import Workflow, WorkflowError, always_runs, read_workflow
from tutor.safetext import visible

# The course's policy for an accepted finding: a reason a reviewer can check, and a date
# within a year when someone looks again (Trivy drops an entry once its date has come).
MIN_STATEMENT_WORDS = 4
ACCEPT_DAYS = 365
# Events that run a gate on every change; a schedule or a manual run checks nothing merged.
CHANGE_EVENTS = ("pull_request", "push", "merge_group")
_SHA = re.compile(r"[0-9a-fA-F]{40}")
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class ScanSpec:
    """A scan check's settings, with the exercise's recorded report once bound."""

    workflow: str
    report: str = ""
    image: str = ""
    accept: tuple[str, ...] = ()
    findings: tuple[Vulnerability, ...] | None = None


def spec_of(value: Any) -> ScanSpec:
    """The (schema-checked) YAML mapping of ``scan_gate`` or ``scan_ignores``."""
    return ScanSpec(str(value["workflow"]), str(value["report"]), str(value["image"]),
                    tuple(str(v) for v in value.get("accept", ())))


def path_problem(kind: str, value: Any) -> str | None:
    """A check's paths must stay inside the exercise folder."""
    paths = [value] if isinstance(value, str) else [value.get(k, "") for k in
                                                    ("workflow", "report")]
    bad = [p for p in paths if safe_path(str(p)) is None]
    if bad:
        return f"{bad[0]!r} is not a path inside the exercise folder"
    return None


def bind(spec: ScanSpec, files: Mapping[str, str] | None) -> tuple[ScanSpec, str | None]:
    """The spec with the report read from the exercise's starter files, or the problem."""
    if files is None:
        return spec, ("scan checks judge an exercise's files, and a question has only a "
                      "Dockerfile: use them in an exercise")
    text = files.get(spec.report)
    if text is None:
        return spec, f"the report {spec.report} is not in starter/: add the recorded report"
    try:
        findings = read_report(text)
    except TrivyError as exc:
        return spec, f"the report {spec.report} cannot be used: {exc}"
    missing = [i for i in spec.accept if all(f.id != i for f in findings)]
    if missing:
        return spec, f"accept: {missing[0]} is not in {spec.report}: name a finding it holds"
    return replace(spec, findings=findings), None


def label(kind: str, value: Any) -> str:
    """The checklist text of a scan check."""
    if kind == "scan_gate":
        return (f"The scan fails the build on each fixable HIGH or CRITICAL finding in "
                f"{value.report}, and on nothing else")
    if kind == "scan_ignores":
        accepted = ""
        if value.accept:
            ids = list(value.accept)
            joined = ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]
            accepted = f"; {joined} {'is' if len(ids) == 1 else 'are'} accepted that way"
        return ("Each ignored finding says why and expires within a year, and none is a "
                f"fixable CRITICAL{accepted}")
    return f"{value} pins each action to a commit SHA and Trivy to a release"


def shown(text: str, limit: int = 60) -> str:
    """Learner or report text fit for a checklist: secrets masked, controls visible, short."""
    from tutor.analysis.secrets import find_secret_values  # only once a check fails

    for match in sorted(find_secret_values(text), key=lambda m: -m.start):
        text = text[:match.start] + match.masked + text[match.end:]
    text = " ".join(text.split())
    return visible(text if len(text) <= limit else text[:limit - 1] + "…")


# --- reading what the learner wrote ---------------------------------------------------------

def _workflow(path: str, texts: Mapping[str, str]) -> Workflow | str:
    if path not in texts:
        return f"there is no {path}"
    try:
        return read_workflow(texts[path])
    except WorkflowError as exc:
        return f"{path} line {exc.line}: {shown(exc.reason, 120)}"


def _runs(spec: ScanSpec, texts: Mapping[str, str], paths: Collection[str]
          ) -> tuple[list[Run], str]:
    """The scan runs of the image, or the reason the checks cannot judge them (no such
    scan, or a step Trivy would refuse)."""
    workflow = _workflow(spec.workflow, texts)
    if isinstance(workflow, str):
        return [], workflow
    runs = scan_runs(workflow, spec.image, paths, texts)
    if not runs:
        return [], (f"no step in {spec.workflow} scans {spec.image} with Trivy any more: "
                    f"keep the scan (trivy-action with image-ref: {spec.image})")
    if not set(workflow.triggers) & set(CHANGE_EVENTS):
        started = ", ".join(shown(t, 30) for t in workflow.triggers) or "nothing"
        return [], (f"the workflow starts only on {started}, so no change is scanned before "
                    f"it merges: keep on: pull_request (or push)")
    broken = next((run for run in runs if run.problem), None)
    if broken is not None:
        return [], shown(f"{broken.step.where}: {broken.problem}", 240)
    return runs, ""


def _unbound(spec: ScanSpec) -> str:
    return f"the recorded report {spec.report} was not loaded with the exercise"


def justification_problem(entry: IgnoreEntry, today: dt.date) -> str | None:
    """Why an ignore entry does not justify hiding a finding, by the course's policy."""
    plain = not is_yaml_name(entry.file)
    words = entry.statement.split()
    if not words:
        where = "a # comment above it" if plain else "statement:"
        return f"gives no reason: write in {where} why the finding does not matter here"
    if len(words) < MIN_STATEMENT_WORDS:
        return (f"gives only '{shown(entry.statement, 30)}' as its reason: say in a sentence "
                f"why the finding does not matter here")
    if entry.expires is None:
        field = "exp:YYYY-MM-DD after the id" if plain else "expired_at: YYYY-MM-DD"
        return f"never expires: add {field} so someone looks again"
    if entry.expires > today + dt.timedelta(days=ACCEPT_DAYS):
        return (f"expires on {entry.expires}, more than a year away: choose a date within "
                f"a year")
    return None


def accepted(vuln: Vulnerability, entries: Iterable[IgnoreEntry], today: dt.date) -> bool:
    """True when an active, justified entry hides ``vuln`` and it is no fixable CRITICAL."""
    if vuln.severity == "CRITICAL" and vuln.fixable:
        return False
    return any(e.active(today) and e.matches(vuln) and justification_problem(e, today) is None
               for e in entries)


def _must_block(vuln: Vulnerability) -> bool:
    return vuln.severity in GATED and vuln.fixable


# --- the checks -----------------------------------------------------------------------------

def gate(spec: ScanSpec, texts: Mapping[str, str], paths: Collection[str],
         today: dt.date) -> tuple[bool, str]:
    """``scan_gate``: the build fails on exactly the fixable HIGH and CRITICAL findings."""
    if spec.findings is None:
        return False, _unbound(spec)
    runs, problem = _runs(spec, texts, paths)
    if problem:
        return False, problem
    entries = [e for run in runs for e in run.filters.entries]
    enforced = [run for run in runs if run.enforced]

    def blocked(vuln: Vulnerability) -> bool:
        return any(dropped_by(vuln, run.filters, today) is None for run in enforced)

    for vuln in spec.findings:
        if _must_block(vuln) and not accepted(vuln, entries, today) and not blocked(vuln):
            return False, _missed(vuln, runs, today)
    for vuln in spec.findings:
        if blocked(vuln) and not _must_block(vuln):
            return False, (f"the scan also fails the build on {shown(vuln.describe(), 90)}: "
                           f"fail only on HIGH and CRITICAL findings that have a fix, or "
                           f"the gate stops builds nobody can repair")
    return True, ""


def _missed(vuln: Vulnerability, runs: list[Run], today: dt.date) -> str:
    """Why a finding that must stop the build does not, in the first scan's terms."""
    said = f"{shown(vuln.describe(), 90)} would not stop the build"
    enforced = [run for run in runs if run.enforced]
    if not enforced:
        return f"{said}: {_not_enforced(runs[0])}"
    run = enforced[0]
    reason = dropped_by(vuln, run.filters, today)
    if reason == "package type":
        return f"{said}: the scan's package types leave out {vuln.kind or 'its kind'}"
    if reason == "severity":
        kept = [s for s in SEVERITIES if s in run.filters.severities]
        return (f"{said}: the scan reports only {', '.join(kept) or 'nothing'} (severity), "
                f"not {vuln.severity}")
    if reason == "status":
        return f"{said}: the scan drops findings whose status is {vuln.status}"
    if isinstance(reason, IgnoreEntry):
        why = justification_problem(reason, today)
        if why is None:
            why = "a CRITICAL with a fix is to be fixed, not accepted"
        else:
            why = f"the entry {why}"
        return f"{said}: {shown(reason.file)} line {reason.line} ignores it, but {why}"
    return f"{said}: {_not_enforced(run)}"  # pragma: no cover - every drop has a reason


def _not_enforced(run: Run) -> str:
    """Why a scan's failure does not fail the workflow."""
    code = run.exit_code
    if code == 0:
        return (f"the scan exits 0 whatever it finds ({run.exit_setting} is 0 or not set): "
                f"set it to 1")
    if code % 256 == 0:
        return (f"exit code {code} reaches the runner as {code % 256} (only its low 8 bits "
                f"count), so the step passes: use 1")
    for what, condition in (("step", run.step.condition), ("job", run.job.condition)):
        if not always_runs(condition):
            return (f"the {what} runs only if `{shown(condition or '', 40)}`: a gate runs on "
                    f"every change")
    if "${{" in run.step.continue_on_error + run.job.continue_on_error:
        return ("continue-on-error is worked out when the workflow runs, so the scan may not "
                "fail it: remove it")
    return "continue-on-error: true lets the workflow pass when the scan fails: remove it"


def ignores(spec: ScanSpec, texts: Mapping[str, str], paths: Collection[str],
            today: dt.date) -> tuple[bool, str]:
    """``scan_ignores``: every entry the scan reads is justified, and the accepted are."""
    if spec.findings is None:
        return False, _unbound(spec)
    runs, problem = _runs(spec, texts, paths)
    if problem:
        return False, problem
    entries = list({(e.file, e.line): e for run in runs for e in run.filters.entries}.values())
    for entry in entries:
        name = f"{shown(entry.file)} line {entry.line} ({shown(entry.id, 30)})"
        why = justification_problem(entry, today)
        if why is not None:
            return False, f"{name} {why}"
        critical = next((v for v in spec.findings if v.severity == "CRITICAL" and v.fixable
                         and entry.matches(v)), None)
        if critical is not None:
            return False, (f"{name} ignores {shown(critical.describe(), 90)}: a CRITICAL with "
                           f"a fix is fixed (a newer package or base image), not accepted")
    read = {f for run in runs for f in run.ignore_files}
    for ident in spec.accept:
        vulns = [v for v in spec.findings if v.id == ident]
        if any(e.matches(v) for e in entries for v in vulns):
            continue
        return False, _not_accepted(ident, read, texts)
    return True, ""


def _not_accepted(ident: str, read: set[str], texts: Mapping[str, str]) -> str:
    elsewhere = sorted(n for n in texts if n not in read and ident in texts[n]
                       and ("ignore" in n.lower()))
    if elsewhere:
        return (f"{shown(elsewhere[0])} names {ident}, but the scan never reads that file: name it "
                f"in trivyignores: (or --ignorefile), after a checkout step")
    if not read:
        return (f"the scan reads no ignore file, so nothing accepts {ident}: add an entry to "
                f"one and pass it with trivyignores: (or --ignorefile)")
    return (f"nothing in {shown(', '.join(sorted(read)))} accepts {ident}: add an entry for "
            f"it")


def pinned(path: str, texts: Mapping[str, str]) -> tuple[bool, str]:
    """``pinned_actions``: every action at a commit SHA, Trivy at a chosen release."""
    workflow = _workflow(path, texts)
    if isinstance(workflow, str):
        return False, workflow
    grouped: dict[str, list[str]] = {}
    for what, why in _unpinned(workflow):
        grouped.setdefault(why, []).append(what)
    if not grouped:
        return True, ""
    parts = [f"{names[0]} {why}" if len(names) == 1 else
             f"{', '.join(names)}: each {why}" for why, names in grouped.items()]
    return False, "; ".join(parts[:3]) + (f"; and {len(parts) - 3} more" if len(parts) > 3
                                          else "")


def _unpinned(workflow: Workflow) -> Iterable[tuple[str, str]]:
    """(what, why it is not pinned) for each loose reference, so alike ones can be grouped."""
    for job in workflow.jobs:
        if job.uses is not None:
            why = _ref_problem(job.uses)
            if why:
                yield f"{shown(job.uses)} (line {job.line})", why
        if job.container and is_trivy_image(job.container) and not _DIGEST.search(
                job.container):
            yield (f"container {shown(job.container)} (line {job.container_line})",
                   "is not pinned by digest (@sha256:…)")
        installed = bool(job.container and _DIGEST.search(job.container))
        for step in job.steps:
            where = shown(step.where)
            if step.uses is not None:
                why = _ref_problem(step.uses)
                if why:
                    yield f"{shown(step.uses)} (line {step.uses_line})", why
                version = step.inputs.get("version", "")
                name = action_name(step.uses)
                if name == TRIVY_ACTION and version == "latest":
                    yield where, ("sets version: latest, so each run installs the newest "
                                  "Trivy release: name one (v0.69.4 was a malicious release)")
                if name == TRIVY_ACTION and version != "latest":
                    installed = True  # it installs its own pinned default on the PATH
                if name == SETUP_TRIVY:
                    if version in ("", "latest"):
                        yield where, ("installs the latest Trivy release (setup-trivy's "
                                      "default): set version: to a release you chose")
                    else:
                        installed = True
            if step.run is not None:
                yield from _run_problems(step.run, where, installed)


def _ref_problem(uses: str) -> str:
    """Why a ``uses:`` reference is not pinned, or ``""``."""
    if uses.startswith("./"):
        return ""  # an action in this repository, pinned by the commit being built
    if uses.startswith("docker://"):
        return "" if _DIGEST.search(uses) else "is not pinned by digest (@sha256:…)"
    ref = uses.partition("@")[2]
    if not ref:
        return "names no version at all: pin a full commit SHA"
    if _SHA.fullmatch(ref):
        return ""
    if re.fullmatch(r"[0-9a-fA-F]{7,39}", ref):
        return ("is a short SHA: GitHub needs the full 40-character commit SHA to treat it "
                "as one")
    return ("names a tag or branch, which can be moved to other code (as trivy-action's tags "
            "were in March 2026): pin the full 40-character commit SHA")


def _run_problems(script: str, where: str, installed: bool) -> Iterable[tuple[str, str]]:
    lowered = script.lower()
    if "trivy" in lowered and re.search(r"\|\s*(sudo\s+)?(ba|z|da)?sh\b", lowered):
        yield where, ("pipes a download into a shell to install Trivy, which pins nothing: "
                      "use a pinned setup-trivy or a Trivy image by digest")
    if not installed and any(c.how == "trivy" for c in trivy_commands(script, {})):
        yield where, ("runs trivy, but no earlier step installs a chosen release "
                      "(setup-trivy with version:, or a Trivy image by digest)")
    for image in trivy_images(script):
        if not _DIGEST.search(image):
            yield f"{where} ({shown(image)})", (
                "runs a Trivy image by tag: pin it by digest (@sha256:…); in March 2026 "
                "aquasec/trivy:latest served malicious images")


def needed_files(specs: Iterable[tuple[str, Any]], texts: Mapping[str, str]) -> set[str]:
    """The files the scan checks read: their workflows, then the ignore files those name."""
    wanted: set[str] = set()
    for _kind, value in specs:
        workflow = value if isinstance(value, str) else value.workflow
        wanted.add(workflow)
        if workflow not in texts:
            continue
        read = _workflow(workflow, texts)
        if isinstance(read, str):
            continue
        wanted.add(DEFAULT_IGNOREFILE)
        for job in read.jobs:
            for step in job.steps:
                names = step.inputs.get("trivyignores", "").replace(",", " ").split()
                names += [v for k, v in (*read.env.items(), *job.env.items(),
                                         *step.env.items()) if k == "TRIVY_IGNOREFILE"]
                if step.run:
                    names += [name for command in trivy_commands(step.run, {})
                              for name in ignorefile_args(command.args)]
                if step.uses and step.uses.startswith("docker://"):
                    names += ignorefile_args(step.inputs.get("args", "").split())
                for name in names[:20]:
                    path = safe_path(name, step.working_directory)
                    if path is not None:
                        wanted.add(path)
    return wanted
