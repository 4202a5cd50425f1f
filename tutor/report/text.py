"""The human report: findings grouped by file, severity as icon and word, never colour alone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from rich.table import Table
from rich.text import Text

from tutor.analysis.files import FileReport
from tutor.analysis.model import Severity
from tutor.report.console import make_console

_ICONS = {Severity.ERROR: ("✖", "x"), Severity.WARNING: ("▲", "!"), Severity.INFO: ("●", "i")}
_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def write(reports: Sequence[FileReport], out: TextIO) -> None:
    """Print every file's profile line and findings, then a one-line summary."""
    console = make_console(out)
    unicode = (console.encoding or "").lower().startswith("utf")
    for report in reports:
        header = Text(report.path, style="bold underline")
        if report.kind == "compose":
            header.append("  (compose)", style="dim")
        elif report.service:
            header.append(f"  (built by service {report.service})", style="dim")
        console.print(header)
        if report.error:
            console.print(Text.assemble("  ", _badge(Severity.ERROR, unicode),
                                        " cannot analyse: ", report.error))
        if report.profile is not None:
            console.print(_profile_line(report))
        if report.findings:
            grid = Table.grid(padding=(0, 1), pad_edge=False)
            grid.add_column(justify="right", no_wrap=True, min_width=6)
            grid.add_column(no_wrap=True)
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")
            for finding in report.findings:
                grid.add_row(Text(str(finding.line), style="dim"),
                             _badge(finding.severity, unicode), Text(finding.rule, style="bold"),
                             Text.assemble(finding.message, "\n",
                                           (f"fix: {finding.fix}", "dim")))
            console.print(grid)
        if not report.findings and not report.error:
            console.print(Text("  no findings", style="green"))
        console.print()
    console.print(summary(reports))


def _badge(severity: Severity, unicode: bool) -> Text:
    icon = _ICONS[severity][0 if unicode else 1]
    return Text(f"{icon} {severity.value:<7}", style=_STYLES[severity])


def _profile_line(report: FileReport) -> Text:
    """"runs as: root (reason)" — the one-line answer to who the image runs as."""
    profile = report.profile
    assert profile is not None
    if profile.runs_as_root is True:
        verdict, style = "root", "bold red"
    elif profile.runs_as_root is False:
        verdict, style = "non-root", "green"
    else:
        verdict, style = "unknown", "yellow"
    return Text.assemble("  runs as ", (verdict, style), Text(f": {profile.reason}", style="dim"))


def summary(reports: Sequence[FileReport]) -> Text:
    """"2 files: 1 error, 3 warnings, 0 info" plus unreadable files."""
    counts = Counter(f.severity for r in reports for f in r.findings)
    errors = sum(1 for r in reports if r.error)
    files = f"{len(reports)} file{'s' if len(reports) != 1 else ''}"
    parts = [f"{counts[Severity.ERROR]} error{'s' if counts[Severity.ERROR] != 1 else ''}",
             f"{counts[Severity.WARNING]} warning{'s' if counts[Severity.WARNING] != 1 else ''}",
             f"{counts[Severity.INFO]} info"]
    text = Text(f"{files}: {', '.join(parts)}", style="bold")
    suppressed = sum(r.suppressed for r in reports)
    if suppressed:
        text.append(f" ({suppressed} suppressed by comments)", style="dim")
    if errors:
        text.append(f"; {errors} could not be analysed", style="bold red")
    return text
