"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

``::error file=Dockerfile,line=3,col=1,title=HT101 final-user-root::message`` on stdout is
read by the runner, which annotates that line of the file in the pull request's diff
(docs.github.com, "Workflow commands for GitHub Actions"). Values are escaped as
actions/toolkit's packages/core/src/command.ts escapes them, so a message or a file name
can never end the command early or start another one. GitHub shows at most 10 annotations
of each level per step (actions/toolkit docs/problem-matchers.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from tutor.analysis.files import FileReport
from tutor.analysis.model import Severity
from tutor.analysis.rules import RULES
from tutor.report.summary import summary_parts
from tutor.safetext import visible

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def write(reports: Sequence[FileReport], out: TextIO, *, color: bool = True) -> None:
    """One annotation command per finding and per unreadable file, then the summary line."""
    lines: list[str] = []
    for report in reports:
        if report.error:
            lines.append(command("error", {"file": report.path,
                                           "title": "hardening-tutor: cannot analyse"},
                                 report.error))
        for finding in report.findings:
            properties: dict[str, str | int] = {"file": report.path, "line": finding.line}
            if finding.end_line != finding.line:
                properties["endLine"] = finding.end_line
            else:  # the toolkit: a column cannot be sent for a span of several lines
                properties["col"] = 1
            properties["title"] = f"{finding.rule} {RULES[finding.rule].name}"
            lines.append(command(_LEVELS[finding.severity], properties,
                                 f"{finding.message}\n\nFix: {finding.fix}"))
    out.writelines(lines)
    out.write("".join(summary_parts(reports)) + "\n")


def command(name: str, properties: dict[str, str | int], message: str) -> str:
    """``::name key=value,…::message`` and a newline, every value escaped."""
    pairs = ",".join(f"{key}={escape_property(str(value))}"
                     for key, value in properties.items() if value != "")
    return f"::{name} {pairs}::{escape_data(message)}\n" if pairs else \
        f"::{name}::{escape_data(message)}\n"


def escape_data(text: str) -> str:
    """The message part: ``%``, CR and LF percent-encoded (toolkit ``escapeData``).

    Other control characters are made visible first, so an escape sequence in a Dockerfile
    line cannot colour or rewrite the job's log.
    """
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: as the message, and ``:`` and ``,`` too (toolkit ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
