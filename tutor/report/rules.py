"""The rule catalogue (``rules``) and one rule's documentation (``explain``).

Rich is imported only for the terminal views: ``rules --format json`` prints without it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from tutor.analysis.rules.base import Rule


def write_catalogue(rules: Iterable[Rule[Any]], out: TextIO, *, fmt: str = "text") -> None:
    """Every rule's metadata: a table for people, or a JSON array for tools."""
    if fmt == "json":
        from tutor.analysis.rules import RULES

        json.dump([{"id": r.id, "name": r.name, "topic": r.topic.value,
                    "severity": r.severity.value, "lesson": r.lesson,
                    "applies_to": r.kind, "also_applies_to": list(RULES.kinds(r.id)[1:]),
                    "aliases": list(r.aliases),
                    "summary": r.doc().summary}
                   for r in rules], out, indent=2)
        out.write("\n")
        return
    from rich.table import Table
    from rich.text import Text

    from tutor.report.console import make_console

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("id", "name", "topic", "severity", "lesson"):
        table.add_column(column, no_wrap=True)
    table.add_column("aliases", overflow="fold")
    for rule in rules:
        table.add_row(*(Text(cell) for cell in (
            rule.id, rule.name, rule.topic.value, rule.severity.value, rule.lesson,
            ", ".join(rule.aliases) or "-")))
    console = make_console(out)
    if console.is_terminal:
        console.print(table)
        return
    # Piped into a file, a pager or grep: no screen edge to wrap at, so one rule a line,
    # and without the spaces Rich pads the last column with.
    console.width = max(console.width, 130)
    with console.capture() as capture:
        console.print(table)
    out.writelines(line.rstrip() + "\n" for line in capture.get().splitlines())


def write_explanation(rule: Rule[Any], out: TextIO) -> None:
    """One rule's documentation: summary, metadata, why, fix and both examples."""
    from rich.text import Text

    from tutor.analysis.rules import RULES
    from tutor.report.console import make_console

    doc = rule.doc()
    console = make_console(out)
    console.print(Text(f"{rule.id} {rule.name}", style="bold"))
    console.print(Text(doc.summary))
    console.print(Text(f"checks: {' and '.join(RULES.kinds(rule.id))} files   "
                       f"topic: {rule.topic.value}   severity: {rule.severity.value}   "
                       f"lesson: {rule.lesson}   aliases: {', '.join(rule.aliases) or '-'}",
                       style="dim"))
    for title, body in (("Why", doc.prose("why", paragraphs=False)),
                        ("Fix", doc.prose("fix", paragraphs=False))):
        console.print()
        console.print(Text(title, style="bold"))
        console.print(Text(body))
    for title, body in (("Failing example", doc.failing), ("Passing example", doc.passing)):
        console.print()
        console.print(Text(title, style="bold"))
        for line in body.splitlines():
            console.print(Text(f"    {line}"))
