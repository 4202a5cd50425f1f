"""The closing line every human-readable format ends with, in plain words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tutor.analysis.model import Severity

if TYPE_CHECKING:
    from tutor.analysis.files import FileReport
    from tutor.analysis.findings import Finding

# A file that is not a Dockerfile gives one syntax finding a line; after this many alike the
# rest are counted, not printed, in the formats people read (text, compact). The others
# keep them all: tools read those.
CAPPED_RULES = frozenset({"HT001"})
SHOWN_ALIKE = 20


@dataclass(frozen=True, slots=True)
class MoreLikeThis:
    """Stands for the alike findings after the first ``SHOWN_ALIKE``."""

    rule: str
    count: int
    last_line: int


def capped(findings: Sequence[Finding]) -> Iterator[Finding | MoreLikeThis]:
    """The findings, with alike syntax findings past ``SHOWN_ALIKE`` replaced by a count."""
    alike = Counter((f.rule, f.message) for f in findings if f.rule in CAPPED_RULES)
    last_line = {(f.rule, f.message): f.line for f in findings if f.rule in CAPPED_RULES}
    shown: Counter[tuple[str, str]] = Counter()
    for finding in findings:
        key = (finding.rule, finding.message)
        if key in alike:
            shown[key] += 1
            if shown[key] > SHOWN_ALIKE:
                continue
        yield finding
        if key in alike and shown[key] == SHOWN_ALIKE and alike[key] > SHOWN_ALIKE:
            yield MoreLikeThis(finding.rule, alike[key] - SHOWN_ALIKE, last_line[key])


def summary_parts(reports: Sequence[FileReport]) -> tuple[str, str, str]:
    """"2 files: 1 error, 3 warnings, 0 info", then the suppressed and unreadable notes.

    The notes are empty strings when there is nothing to say; each starts with its separator
    so the parts join as they are.
    """
    counts = Counter(f.severity for r in reports for f in r.findings)
    files = f"{len(reports)} file{'s' if len(reports) != 1 else ''}"
    errors, warnings = counts[Severity.ERROR], counts[Severity.WARNING]
    main = (f"{files}: {errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}, {counts[Severity.INFO]} info")
    suppressed = sum(r.suppressed for r in reports)
    unreadable = sum(1 for r in reports if r.error)
    return (main, f" ({suppressed} suppressed by comments)" if suppressed else "",
            f"; {unreadable} could not be analysed" if unreadable else "")
