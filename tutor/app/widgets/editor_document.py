"""The editor's document: the file's text exactly, measured and laid out cheaply.

Textual's ``Document`` splits lines at characters Docker does not (a lone CR, a form feed),
and both it and ``WrappedDocument`` do work proportional to the whole file at each edit
(measuring every line, keeping four tables with an entry per line). A 5,000-line Dockerfile
made each keystroke cost tens of milliseconds and the tables about 2 MB; these subclasses
keep Textual's behaviour (the tests compare them with Textual's own classes) and do only
the work an edit needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

from rich.cells import cell_len
from textual._cells import cell_width_to_column_index
from textual.document._document import Document, DocumentBase, EditResult, Location
from textual.document._wrapped_document import WrappedDocument
from textual.expand_tabs import expand_tabs_inline, get_tab_widths
from textual.geometry import Offset, Size, clamp


def _width(line: str, tab_width: int) -> int:
    """A line's width in cells. ASCII is one cell a character: measuring it with Rich's
    cell_len would fill Rich's cache of measured strings with every line of a big file."""
    line = line.expandtabs(tab_width)
    return len(line) if line.isascii() else cell_len(line)


class FaithfulDocument(Document):
    """A document whose text is the file's text exactly, whatever characters it holds.

    Textual's ``Document`` splits lines with ``str.splitlines``, which also breaks at a lone
    CR, form feed, vertical tab, U+001C-U+001E, U+0085 and U+2028/9, and joins them back
    with one newline style; a save would rewrite those bytes, and the lines shown would not
    be the lines Docker reads. Here a file is split at CRLF when every LF has its CR, and
    at LF otherwise; any other character stays inside its line (drawn as a glyph).
    """

    def __init__(self, text: str) -> None:
        super().__init__("")
        crlf = text.count("\r\n")
        self._newline = "\r\n" if crlf and crlf == text.count("\n") else "\n"
        self._lines = text.split(self._newline)
        # Each line's width in cells for the tab width in ``_widths_tab``: Document.get_size
        # measures every line at every edit (about 13 ms a keystroke at 5,000 lines).
        self._widths: list[int] = []
        self._widths_tab = 0
        # The joined text until the next edit: TextArea reads ``text`` for every row it
        # draws (to decide on its placeholder), and the workbench at every keystroke.
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The document's text, joined once per edit."""
        if self._text is None:
            self._text = self._newline.join(self._lines)
        return self._text

    def get_size(self, tab_width: int) -> Size:
        """The widest line in cells and the number of lines, measuring only edited lines."""
        if tab_width != self._widths_tab or len(self._widths) != len(self._lines):
            self._widths = [_width(line, tab_width) for line in self._lines]
            self._widths_tab = tab_width
        return Size(max(self._widths, default=0), len(self._lines))

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        """Document's edit, keeping the widths of the lines it did not touch."""
        top, bottom = sorted((start, end))
        line_count = len(self._lines)
        self._text = None
        result = super().replace_range(start, end, text)
        if self._widths_tab and len(self._widths) == line_count:
            row = top[0]
            last = result.end_location[0]
            self._widths[row:bottom[0] + 1] = [
                _width(line, self._widths_tab) for line in self._lines[row:last + 1]]
        return result


class _Rows(Sequence[tuple[int, int]]):
    """The rows of a document drawn without wrapping: row y is line y's only section."""

    def __init__(self, document: DocumentBase) -> None:
        self._document = document

    def __len__(self) -> int:
        return self._document.line_count

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[int, int]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | Sequence[tuple[int, int]]:
        if isinstance(index, slice):
            return [(row, 0) for row in range(len(self))[index]]
        row = index + len(self) if index < 0 else index
        if not 0 <= row < len(self):
            raise IndexError(index)
        return row, 0


class StraightWrappedDocument(WrappedDocument):
    """Textual's WrappedDocument, without its per-line tables when nothing is wrapped.

    The editor never wraps (``soft_wrap=False``), yet Textual keeps four tables with an
    entry per line (wrap offsets, tab widths, each line's rows, each row's line) and
    updates them at every edit: about 2 MB for a 5,000-line file, and each drawn row summed
    them all to find the height. Unwrapped, row y is line y, so this answers each question
    from the line itself; with a width to wrap at, it is Textual's own.
    """

    def wrap(self, width: int, tab_width: int | None = None) -> None:
        """Wrap at ``width`` as Textual does; 0 keeps no tables."""
        self._straight = not width
        if width:
            super().wrap(width, tab_width)
            return
        self._width = 0
        if tab_width:
            self._tab_width = tab_width
        self._wrap_offsets, self._tab_width_cache, self._line_index_to_offsets = [], [], []
        # TextArea reads this table directly, row by row, for the line to draw.
        self._offset_to_line_info = _Rows(self.document)  # type: ignore[assignment]

    def wrap_range(self, start: Location, old_end: Location, new_end: Location) -> None:
        """Rewrap after an edit (nothing to do when nothing wraps)."""
        if not self._straight:
            super().wrap_range(start, old_end, new_end)

    @property
    def lines(self) -> list[list[str]]:
        """Each line as its sections (one each when nothing wraps)."""
        if self._straight:
            return [[line] for line in self.document.lines]
        return super().lines

    @property
    def height(self) -> int:
        """The height of the wrapped document."""
        return len(self._offset_to_line_info)

    @property
    def wrapped(self) -> bool:
        """As Textual's: True when no line takes more than one row."""
        return self._straight or super().wrapped

    def offset_to_location(self, offset: Offset) -> Location:
        """The document location drawn at ``offset``."""
        if not self._straight:
            return super().offset_to_location(offset)
        row = min(max(0, offset.y), self.document.line_count - 1)
        return row, cell_width_to_column_index(self.document.get_line(row), max(0, offset.x),
                                               self._tab_width)

    def location_to_offset(self, location: Location) -> Offset:
        """Where ``location`` is drawn."""
        if not self._straight:
            return super().location_to_offset(location)
        row, column = location
        row = clamp(row, 0, self.document.line_count - 1)
        line = self.document.get_line(row)
        return Offset(cell_len(expand_tabs_inline(line[:column], self._tab_width)), row)

    def get_target_document_column(self, line_index: int, x_offset: int, y_offset: int) -> int:
        """The column drawn at ``x_offset`` on a line's row ``y_offset``."""
        if not self._straight:
            return super().get_target_document_column(line_index, x_offset, y_offset)
        return cell_width_to_column_index(self.document[line_index], x_offset, self._tab_width)

    def get_sections(self, line_index: int) -> list[str]:
        """A line's sections, one per row it takes."""
        if not self._straight:
            return super().get_sections(line_index)
        return [self.document[line_index]]

    def get_offsets(self, line_index: int) -> list[int]:
        """Where a line wraps (nowhere, unwrapped)."""
        if not self._straight:
            return super().get_offsets(line_index)
        if not 0 <= line_index < self.document.line_count:
            raise ValueError(f"The document line index {line_index!r} is out of bounds. "
                             f"The document contains {self.document.line_count!r} lines.")
        return []

    def get_tab_widths(self, line_index: int) -> list[int]:
        """The drawn width of each tab in a line."""
        if not self._straight:
            return super().get_tab_widths(line_index)
        return [width for _, width in get_tab_widths(self.document[line_index],
                                                      self._tab_width)]
