"""The JSON report: a versioned contract that scripts depend on (extend it, never break it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TextIO

from tutor import __version__
from tutor.analysis.files import FileReport
from tutor.analysis.findings import Finding
from tutor.analysis.profile import ImageProfile
from tutor.analysis.rules import RULES
from tutor.safetext import json_dumps

FORMAT_VERSION = 1


def write(reports: Sequence[FileReport], out: TextIO, *, color: bool = True) -> None:
    """Write the reports as one JSON document (``color`` is for the terminal formats only)."""
    out.write(json_dumps(to_dict(reports)))
    out.write("\n")


def to_dict(reports: Sequence[FileReport]) -> dict[str, Any]:
    """The whole document as plain data."""
    return {
        "version": FORMAT_VERSION,
        "tool": {"name": "hardening-tutor", "version": __version__},
        "files": [file_dict(r) for r in reports],
    }


def file_dict(report: FileReport) -> dict[str, Any]:
    """One file's entry."""
    return {
        "path": report.path,
        "kind": report.kind,
        "error": report.error,
        "profile": profile_dict(report.profile) if report.profile else None,
        "findings": [finding_dict(f) for f in report.findings],
        "context": report.context,
        "suppressed": report.suppressed,
        "service": report.service,
    }


def profile_dict(profile: ImageProfile) -> dict[str, Any]:
    """Who the image runs as, and its base images."""
    final = profile.final_stage
    return {
        "final_stage": None if final is None else {
            "index": final.index, "name": final.name, "line": final.from_instruction.line},
        "user": profile.user,
        "user_line": profile.user_instruction.line if profile.user_instruction else None,
        "runs_as_root": profile.runs_as_root,
        "reason": profile.reason,
        "user_override": profile.override,
        "base_images": [
            {"stage": stage.index, "line": stage.from_instruction.line, "ref": image.ref,
             "name": image.name, "tag": image.tag, "digest": image.digest,
             "registry": image.registry, "repository": image.repository}
            for stage in profile.stages if (image := stage.image) is not None
        ],
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding, with its rule's metadata."""
    rule = RULES[finding.rule]
    return {
        "rule": finding.rule,
        "name": rule.name,
        "topic": rule.topic.value,
        "severity": finding.severity.value,
        "line": finding.line,
        "end_line": finding.end_line,
        "message": finding.message,
        "fix": finding.fix,
        "lesson": rule.lesson,
        "aliases": list(rule.aliases),
    }
