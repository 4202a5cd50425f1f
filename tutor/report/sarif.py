"""The SARIF 2.1.0 report, for code-scanning dashboards."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from tutor import SOURCE_URL, __version__
from tutor.analysis.files import FileReport
from tutor.analysis.model import Severity
from tutor.analysis.rules import RULES
from tutor.analysis.rules.base import Rule
from tutor.safetext import json_dumps

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub code scanning ranks security results by a rule's security-severity: over 9.0 is
# critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low (docs.github.com, "SARIF
# support for code scanning", reportingDescriptor). A rule's severity picks the middle of
# a band unless the rule sets its own (tutor.analysis.rules.base.CRITICAL).
_SECURITY_SEVERITY = {Severity.ERROR: 8.0, Severity.WARNING: 5.5, Severity.INFO: 2.0}


def write(reports: Sequence[FileReport], out: TextIO, *, color: bool = True) -> None:
    """Write one SARIF log with one run (``color`` is for the terminal formats only)."""
    out.write(json_dumps(to_dict(reports)))
    out.write("\n")


def to_dict(reports: Sequence[FileReport]) -> dict[str, Any]:
    """The SARIF log as plain data."""
    rule_ids = list(RULES)
    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for report in reports:
        location = {"physicalLocation": {"artifactLocation": {"uri": _uri(report.path)}}}
        if report.error:
            notifications.append({"level": "error", "message": {"text": report.error},
                                  "locations": [location]})
        for finding in report.findings:
            results.append({
                "ruleId": finding.rule,
                "ruleIndex": rule_ids.index(finding.rule),
                "level": _LEVELS[finding.severity],
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": _uri(report.path)},
                    "region": {"startLine": finding.line, "startColumn": 1,
                               "endLine": finding.end_line},
                }}],
                "properties": {"fix": finding.fix},
            })
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "hardening-tutor",
                "version": __version__,
                "informationUri": "https://pypi.org/project/hardening-tutor/",
                "rules": [_descriptor(rule) for rule in RULES.values()],
            }},
            "invocations": [{"executionSuccessful": not notifications,
                             "toolExecutionNotifications": notifications}],
            "results": results,
        }],
    }


def _descriptor(rule: Rule[Any]) -> dict[str, Any]:
    """A reportingDescriptor whose help is the rule's documentation."""
    doc = rule.doc()
    why, fix = doc.prose("why", paragraphs=False), doc.prose("fix", paragraphs=False)
    help_text = (f"{doc.summary}\n\nWhy: {why}\n\nFix: {fix}\n\n"
                 f"Failing:\n{doc.failing}\n\nPassing:\n{doc.passing}\n")
    help_markdown = (f"{doc.summary}\n\n**Why.** {why}\n\n**Fix.** {fix}"
                     f"\n\nFailing:\n```dockerfile\n{doc.failing}\n```\n\nPassing:\n"
                     f"```dockerfile\n{doc.passing}\n```\n")
    properties: dict[str, Any] = {"tags": ["security", rule.topic.value],
                                  "lesson": rule.lesson, "aliases": list(rule.aliases)}
    score = security_severity(rule)
    if score is not None:
        properties["security-severity"] = f"{score:.1f}"
    else:
        properties["tags"] = [rule.topic.value]
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": doc.summary},
        "fullDescription": {"text": why},
        "help": {"text": help_text, "markdown": help_markdown},
        "helpUri": help_uri(rule.id),
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": properties,
    }


def security_severity(rule: type[Rule[Any]] | Rule[Any]) -> float | None:
    """The rule's CVSS-like score for code scanning, or None for a rule not about security."""
    score = rule.security_severity
    if score is None:
        return _SECURITY_SEVERITY[rule.severity]
    return score if score > 0 else None


def help_uri(rule_id: str) -> str:
    """The rule's documentation: its anchor in the README on the project's home page."""
    return f"{SOURCE_URL}#{rule_id.lower()}"


def _uri(path: str) -> str:
    """A relative URI for relative paths, a file URI for absolute ones."""
    candidate = Path(path)
    return candidate.as_uri() if candidate.is_absolute() else candidate.as_posix()
