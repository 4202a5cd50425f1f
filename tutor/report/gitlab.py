"""GitLab's Code Quality report: the JSON array a job's ``artifacts:reports:codequality`` reads.

Each finding is an issue with the fields GitLab documents for a custom tool
(doc/ci/testing/code_quality.md, "Implement a custom tool"): ``description``,
``check_name``, ``fingerprint``, ``severity`` (info, minor, major, critical or blocker),
``location.path`` and ``location.lines.begin``; ``type`` and ``categories`` complete the
Code Climate issue it is a subset of. GitLab keeps one issue per fingerprint and compares
fingerprints between the merge request and its target branch, so a fingerprint is unique
in a report and does not change when lines move. Unreadable files are not issues: they are
named on stderr and make the exit status 2.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, TextIO

from tutor.analysis.files import FileReport
from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity
from tutor.analysis.rules import RULES
from tutor.report.sarif import security_severity
from tutor.safetext import json_dumps

_SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}
# Messages name lines ("every layer after line 2"); a fingerprint must not change with them.
_LINE_NUMBER = re.compile(r"\b(lines?) \d+")


def write(reports: Sequence[FileReport], out: TextIO, *, color: bool = True) -> None:
    """Write the report as one JSON array (``color`` is for the terminal formats only)."""
    out.write(json_dumps(to_list(reports)))
    out.write("\n")


def to_list(reports: Sequence[FileReport]) -> list[dict[str, Any]]:
    """Every finding of every file as a Code Quality issue."""
    issues: list[dict[str, Any]] = []
    for report in reports:
        seen: Counter[tuple[str, str]] = Counter()
        for finding in report.findings:
            alike = (finding.rule, _LINE_NUMBER.sub(r"\1 N", finding.message))
            seen[alike] += 1
            issues.append(issue(report.path, finding, seen[alike]))
    return issues


def issue(path: str, finding: Finding, occurrence: int) -> dict[str, Any]:
    """One issue; ``occurrence`` counts the same rule and message earlier in the file.

    The fingerprint hashes the path, the rule, the message with its line numbers left out
    and that count: unique in the report, and unchanged when lines move.
    """
    message = _LINE_NUMBER.sub(r"\1 N", finding.message)
    key = "\0".join((path, finding.rule, message, str(occurrence)))
    return {
        "type": "issue",
        "check_name": finding.rule,
        "description": f"{finding.rule} {RULES[finding.rule].name}: {finding.message}",
        "content": {"body": f"Fix: {finding.fix}"},
        "categories": ["Security"] if security_severity(RULES[finding.rule]) else ["Bug Risk"],
        "severity": severity(finding),
        "fingerprint": hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest(),
        "location": {"path": path, "lines": {"begin": finding.line, "end": finding.end_line}},
    }


def severity(finding: Finding) -> str:
    """An error of a rule scored critical for code scanning is a blocker; else by severity."""
    score = security_severity(RULES[finding.rule])
    if finding.severity is Severity.ERROR and score is not None and score >= 9.0:
        return "blocker"
    return _SEVERITIES[finding.severity]
