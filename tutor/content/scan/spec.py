"""A scan check's settings as a goal writes them, bound to the exercise's recorded report.

``scan_gate`` and ``scan_ignores`` name a workflow, a recorded Trivy report and the image
it scans; ``pinned_actions`` names a workflow. The report is the one the exercise ships
(bound when the course loads), never the learner's copy, which they could edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tutor.content.scan.runs import safe_path
from tutor.content.scan.trivy import TrivyError, Vulnerability, read_report


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
