"""The ``scan_gate`` and ``scan_ignores`` checks: a CI gate judged on a recorded report.

``scan_gate`` asks whether the workflow's Trivy scan would fail the build on every fixable
HIGH or CRITICAL finding of the report that no justified ignore entry accepts, and on
nothing else. ``scan_ignores`` asks that every ignore entry the scan reads says why and
expires within a year, and that none hides a fixable CRITICAL. Each check returns (passed,
why not); untrusted text in the reason goes through ``shown``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from tutor.content.scan.ignore_files import IgnoreEntry, is_yaml_name
from tutor.content.scan.inputs import shown, workflow_in
from tutor.content.scan.runs import Run, scan_runs
from tutor.content.scan.spec import ScanSpec
from tutor.content.scan.trivy import GATED, SEVERITIES, Vulnerability, dropped_by
from tutor.content.scan.workflow import always_runs

# The course's policy for an accepted finding: a reason a reviewer can check, and a date
# within a year when someone looks again (Trivy drops an entry once its date has come).
MIN_STATEMENT_WORDS = 4
ACCEPT_DAYS = 365
# Events that run a gate on every change; a schedule or a manual run checks nothing merged.
CHANGE_EVENTS = ("pull_request", "push", "merge_group")


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


# --- what the checks judge ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Scans:
    """What both checks judge: the image's scans, the recorded findings, the learner's files."""

    runs: list[Run]
    findings: tuple[Vulnerability, ...]
    accept: tuple[str, ...]
    texts: Mapping[str, str]


def judged(check: Callable[[Scans, dt.date], tuple[bool, str]], spec: ScanSpec,
           texts: Mapping[str, str], paths: Collection[str], today: dt.date) -> tuple[bool, str]:
    """``check`` (``gate`` or ``ignores``) on the image's scans, or why they cannot be judged."""
    scans = _scans(spec, texts, paths)
    return (False, scans) if isinstance(scans, str) else check(scans, today)


def _scans(spec: ScanSpec, texts: Mapping[str, str], paths: Collection[str]) -> Scans | str:
    """The scan runs of the image with the recorded findings, or the reason the checks cannot
    judge them (no recorded report, no such scan, or a step Trivy would refuse)."""
    if spec.findings is None:
        return f"the recorded report {spec.report} was not loaded with the exercise"
    workflow = workflow_in(spec.workflow, texts)
    if isinstance(workflow, str):
        return workflow
    runs = scan_runs(workflow, spec.image, paths, texts)
    if not runs:
        return (f"no step in {spec.workflow} scans {spec.image} with Trivy any more: "
                f"keep the scan (trivy-action with image-ref: {spec.image})")
    if not set(workflow.triggers) & set(CHANGE_EVENTS):
        started = ", ".join(shown(t, 30) for t in workflow.triggers) or "nothing"
        return (f"the workflow starts only on {started}, so no change is scanned before "
                f"it merges: keep on: pull_request (or push)")
    broken = next((run for run in runs if run.problem), None)
    if broken is not None:
        return shown(f"{broken.step.where}: {broken.problem}", 240)
    return Scans(runs, spec.findings, spec.accept, texts)


# --- the checks -----------------------------------------------------------------------------

def gate(scans: Scans, today: dt.date) -> tuple[bool, str]:
    """``scan_gate``: the build fails on exactly the fixable HIGH and CRITICAL findings."""
    runs = scans.runs
    entries = [e for run in runs for e in run.filters.entries]
    enforced = [run for run in runs if run.enforced]

    def blocked(vuln: Vulnerability) -> bool:
        return any(dropped_by(vuln, run.filters, today) is None for run in enforced)

    for vuln in scans.findings:
        if _must_block(vuln) and not accepted(vuln, entries, today) and not blocked(vuln):
            return False, _missed(vuln, runs, today)
    for vuln in scans.findings:
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


def ignores(scans: Scans, today: dt.date) -> tuple[bool, str]:
    """``scan_ignores``: every entry the scan reads is justified, and the accepted are."""
    runs, findings = scans.runs, scans.findings
    entries = list({(e.file, e.line): e for run in runs for e in run.filters.entries}.values())
    for entry in entries:
        name = f"{shown(entry.file)} line {entry.line} ({shown(entry.id, 30)})"
        why = justification_problem(entry, today)
        if why is not None:
            return False, f"{name} {why}"
        critical = next((v for v in findings if v.severity == "CRITICAL" and v.fixable
                         and entry.matches(v)), None)
        if critical is not None:
            return False, (f"{name} ignores {shown(critical.describe(), 90)}: a CRITICAL with "
                           f"a fix is fixed (a newer package or base image), not accepted")
    read = {f for run in runs for f in run.ignore_files}
    for ident in scans.accept:
        vulns = [v for v in findings if v.id == ident]
        if any(e.matches(v) for e in entries for v in vulns):
            continue
        return False, _not_accepted(ident, read, scans.texts)
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
