"""The human report: findings grouped by file, severity as icon and word, never colour alone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TextIO

from rich.console import Console
from rich.segment import Segment, Segments
from rich.text import Text

from tutor.analysis.files import FileReport
from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity
from tutor.report.console import make_console
from tutor.report.summary import MoreLikeThis, capped, summary_parts
from tutor.safetext import visible

_BADGE_WIDTH = 9  # icon, space, and the longest severity word, "warning"
_BATCH = 100
_NEWLINE = Segment.line()


def write(reports: Sequence[FileReport], out: TextIO, *, color: bool = True) -> None:
    """Print every file's profile line and findings, then a one-line summary.

    In a terminal, messages wrap beside their columns; anywhere else (a file, a pipe, a CI
    log) nothing is wrapped or padded, since the reader has no screen edge.
    """
    console = make_console(out, color=color)
    wrap = console.is_terminal
    console.soft_wrap = not wrap
    unicode = (console.encoding or "").lower().startswith("utf")
    for report in reports:
        header = Text(visible(report.path), style="bold underline")
        if report.kind == "compose":
            header.append("  (compose)", style="dim")
        elif report.service:
            header.append(f"  (built by service {visible(report.service)})", style="dim")
        console.print(header)
        if report.error:
            console.print(Text.assemble("  ", _badge(Severity.ERROR, unicode),
                                        " cannot analyse: ", visible(report.error)))
        if report.profile is not None:
            console.print(_profile_line(report))
        _print_rows(console, _finding_rows(report.findings, console, unicode, wrap))
        if not report.findings and not report.error:
            console.print(Text("  no findings", style="green"))
        console.print()
    console.print(summary(reports))


def _print_rows(console: Console, rows: Iterable[list[Segment]]) -> None:
    """Print rows that are already wrapped, a batch at a time: each print has a fixed cost."""
    remaining = iter(rows)
    while batch := list(islice(remaining, _BATCH)):
        console.print(Segments(segment for row in batch for segment in (*row, _NEWLINE)),
                      soft_wrap=True, end="")


def _finding_rows(findings: Sequence[Finding], console: Console, unicode: bool,
                  wrap: bool = True) -> Iterator[list[Segment]]:
    """The rows of one file's findings; past ``SHOWN_ALIKE`` alike syntax findings, a count."""
    if not findings:
        return
    rows = _Rows(findings, console, unicode, wrap)
    for item in capped(findings):
        if isinstance(item, MoreLikeThis):
            yield rows.more_like_this(item.count, item.last_line)
        else:
            yield rows.finding(item)


class _Rows:
    """Renders one file's findings as rows: line, badge and rule in fixed columns, the
    message and fix wrapped beside them with a hanging indent.

    Each row is wrapped on its own, so the cost grows with the findings, never faster (a
    table measures every row against all); what rows share, a rule's fix and its badge, is
    wrapped and rendered once.
    """

    def __init__(self, findings: Sequence[Finding], console: Console, unicode: bool,
                 wrap: bool = True) -> None:
        self.console = console
        self.unicode = unicode
        self.wrap = wrap
        self.line_width = max(6, *(len(str(f.line)) for f in findings))
        self.rule_width = max(len(f.rule) for f in findings)
        indent = self.line_width + 1 + _BADGE_WIDTH + 1 + self.rule_width + 1
        self.width = max(console.width - indent, 8)
        self.indent = Text(" " * indent)
        self.newline = Text("\n") + self.indent
        self.newline_segments = list(self.newline.render(console))
        self.dim = console.get_style("dim")
        self.fixes: dict[str, list[Segment]] = {}
        self.labels: dict[tuple[Severity, str], list[Segment]] = {}

    def finding(self, finding: Finding) -> list[Segment]:
        """One finding's row, ready to print."""
        if finding.fix not in self.fixes:
            fix = self.hanging(Text(f"fix: {visible(finding.fix)}", style="dim"))
            self.fixes[finding.fix] = list(fix.render(self.console))
        label = (finding.severity, finding.rule)
        if label not in self.labels:
            self.labels[label] = list(Text.assemble(
                " ", _badge(finding.severity, self.unicode), " ", (finding.rule, "bold"),
                " " * (self.rule_width - len(finding.rule) + 1)).render(self.console))
        message = self.hanging(Text(visible(finding.message)))
        return [Segment(f"{finding.line:>{self.line_width}}", self.dim), *self.labels[label],
                *message.render(self.console), *self.newline_segments,
                *self.fixes[finding.fix]]

    def more_like_this(self, count: int, last_line: int) -> list[Segment]:
        """The line that stands for alike findings not printed."""
        more = Text.assemble(self.indent, (f"… and {count} more like this, the last on line "
                                           f"{last_line}", "dim"))
        return list(more.render(self.console))

    def hanging(self, text: Text) -> Text:
        """The text wrapped to the message column, its later lines indented to it."""
        plain = text.plain
        if not self.wrap:  # no screen edge: only the text's own line breaks, indented
            return self.newline.join(text.split("\n")) if "\n" in plain else text
        if "\n" not in plain and "\t" not in plain and text.cell_len <= self.width:
            return text  # most messages fit on one line, and wrapping is the costly part
        return self.newline.join(text.wrap(self.console, self.width, overflow="fold"))


def _badge(severity: Severity, unicode: bool) -> Text:
    return Text(severity.badge(unicode=unicode).ljust(_BADGE_WIDTH), style=severity.style)


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
    return Text.assemble("  runs as ", (verdict, style),
                         Text(f": {visible(profile.reason)}", style="dim"))


def summary(reports: Sequence[FileReport]) -> Text:
    """"2 files: 1 error, 3 warnings, 0 info" plus suppressed and unreadable files."""
    main, suppressed, unreadable = summary_parts(reports)
    text = Text(main, style="bold")
    if suppressed:
        text.append(suppressed, style="dim")
    if unreadable:
        text.append(unreadable, style="bold red")
    return text
