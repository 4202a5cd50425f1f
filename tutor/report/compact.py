"""One line per finding, ``path:line:col: severity RULE message``, as compilers print.

The default when the output is not a terminal (a CI log, a pipe, a file): every line can be
read with grep, an editor's error list or a CI problem matcher, and nothing is wrapped or
padded. Like hadolint (whose findings carry no column either) the column is 1. Unreadable
files are not listed here: they are named on stderr and make the exit status 2. Past 20
alike syntax findings in a file (a file that is not a Dockerfile at all), one line counts
the rest, as the text format does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from tutor.analysis.files import FileReport
from tutor.analysis.model import Severity
from tutor.report.summary import MoreLikeThis, capped, summary_parts
from tutor.safetext import one_line

# ANSI SGR, as hadolint's tty format colours the severity: bold red, bold yellow, cyan.
_COLOURS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m",
            Severity.INFO: "\x1b[36m"}
_RESET = "\x1b[0m"


def write(reports: Sequence[FileReport], out: TextIO, *, color: bool = True) -> None:
    """Write one line per finding, then the summary line."""
    coloured = color and _wants_colour(out)
    lines: list[str] = []
    for report in reports:
        path = one_line(report.path)
        for finding in capped(report.findings):
            if isinstance(finding, MoreLikeThis):  # not in the finding shape: parsers skip it
                lines.append(f"{path}: … and {finding.count} more like this, the last on line "
                             f"{finding.last_line} ({finding.rule})\n")
                continue
            severity = finding.severity.value
            if coloured:
                severity = f"{_COLOURS[finding.severity]}{severity}{_RESET}"
            lines.append(f"{path}:{finding.line}:1: {severity} {finding.rule} "
                         f"{one_line(finding.message)}\n")
    out.writelines(lines)
    out.write("".join(summary_parts(reports)) + "\n")


def _wants_colour(out: TextIO) -> bool:
    """A terminal that is not dumb, with no ``NO_COLOR`` (https://no-color.org)."""
    if os.environ.get("NO_COLOR", "") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False
