"""Output formats for analysis results: one module per format, each with one ``write``.

Every format module has ``write(reports, out, *, color=True)``. A module is imported only
when its format is chosen: ``check`` for one file should not pay for Rich or XML it does
not print. ``rules`` is no format: it prints the rule catalogue and one rule's documentation
for the ``rules`` and ``explain`` commands.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from tutor.analysis.files import FileReport

# Format name -> the module that writes it, in the order `check --help` lists them.
FORMATS: dict[str, str] = {
    "text": "tutor.report.text",
    "compact": "tutor.report.compact",
    "json": "tutor.report.json",
    "sarif": "tutor.report.sarif",
    "github": "tutor.report.github",
    "checkstyle": "tutor.report.checkstyle",
    "junit": "tutor.report.junit",
    "gitlab": "tutor.report.gitlab",
}


class Writer(Protocol):
    """What every format module's ``write`` is."""

    def __call__(self, reports: Sequence[FileReport], out: TextIO, *,
                 color: bool = True) -> None: ...


def writer(name: str) -> Writer:
    """The ``write`` function of the format called ``name``, its module imported now."""
    module = importlib.import_module(FORMATS[name])
    write: Writer = module.write
    return write


def default_format(out: TextIO) -> str:
    """The rich ``text`` view for a terminal; ``compact``, one line a finding, for a log."""
    try:
        return "text" if out.isatty() else "compact"
    except (AttributeError, ValueError):  # a closed or unusual stream is not a terminal
        return "compact"
