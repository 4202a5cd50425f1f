"""Code that is never cut off: long lines wrap, and each continuation starts with a marker.

A Dockerfile line cut at the edge of an 80-column terminal hides exactly the part a
learner needs (``--shell /usr/sbin/nolo…``), and a line wrapped the way prose wraps looks
like two lines. Here a long line breaks after a space where it can (inside a word only
when it must), and every continuation row begins with ``↪``, so it reads as one line.
"""

from __future__ import annotations

from contextlib import suppress

from textual.app import ComposeResult
from textual.content import Content
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.widgets import Static
from textual.widgets.markdown import Markdown, MarkdownBlock, MarkdownFence

# Starts each row that continues the line above it.
CONTINUATION = "↪ "
# A break after a space is used if it leaves the row at least this full; else the line
# is cut mid-word, rather than leaving a long line in slivers.
_MIN_FILL = 0.5


def _cells(text: str) -> list[int]:
    """Each character's width in cells."""
    from rich.cells import cell_len

    return [cell_len(char) for char in text]


def _break_at(text: str, widths: list[int], start: int, room: int) -> tuple[int, int]:
    """Where the row starting at ``start`` ends, holding at most ``room`` cells, and where
    the next row starts (past the space the row broke at)."""
    used, end = 0, start
    while end < len(text) and used + widths[end] <= room:
        used += widths[end]
        end += 1
    if end >= len(text):
        return end, end
    if end == start:  # one wide character and no room: it gets a row of its own
        return start + 1, start + 1
    if text[end] == " ":  # the row is full and a space follows: break there
        return end, end + 1
    space = text.rfind(" ", start, end)
    if space >= start and space + 1 - start >= room * _MIN_FILL:
        return space + 1, space + 1
    return end, end


def wrap_line(line: Content, width: int, hang: Content) -> list[Content]:
    """One line of code as rows of at most ``width`` cells; rows after the first start
    with ``hang`` (which should end with the continuation marker)."""
    text = line.plain
    if line.cell_length <= width:
        return [line]
    widths = _cells(text)
    rows: list[Content] = []
    start = 0
    while start < len(text):
        room = width if not rows else max(1, width - hang.cell_length)
        end, start_next = _break_at(text, widths, start, room)
        piece = line[start:end]
        rows.append(piece if not rows else hang + piece)
        start = start_next
    return rows


def wrap_code(code: Content, width: int, hang: Content | None = None) -> list[Content]:
    """Every line of ``code`` wrapped to ``width`` cells, continuations marked."""
    hang = hang if hang is not None else Content.styled(CONTINUATION, "dim")
    rows: list[Content] = []
    for line in code.expand_tabs(4).split("\n"):
        rows.extend(wrap_line(line, max(width, hang.cell_length + 1), hang))
    return rows or [Content("")]


class CodeBlock(Static):
    """Code shown whole at any width: long lines wrap onto marked continuation rows.

    ``hang`` starts each continuation row (default: the dim ``↪`` marker); a numbered
    listing passes its gutter plus the marker, so the numbers stay in their column.
    """

    DEFAULT_CSS = """
    CodeBlock {
        width: 1fr;
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, code: Content | str = "", *, hang: Content | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        # Content, never markup: code comes from course packs and learners' files.
        self.code = code if isinstance(code, Content) else Content(code)
        super().__init__(self.code, id=id, classes=classes, markup=False)
        self.hang = hang
        self._rows: tuple[int, list[Content]] | None = None

    def set_code(self, code: Content) -> None:
        """Show other code (a new highlight, say), re-wrapped at the current width."""
        self.code = code
        self._rows = None
        self.update(code)

    def rows(self, width: int) -> list[Content]:
        """The rows as drawn at ``width`` cells (cached for the last width asked)."""
        if self._rows is None or self._rows[0] != width:
            self._rows = (width, wrap_code(self.code, width, self.hang))
        return self._rows[1]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((line.cell_length for line in self.code.split("\n")), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows(width))

    def render(self) -> Content:
        width = self.content_region.width or self.size.width
        return Content("\n").join(self.rows(width)) if width > 0 else self.code


def gutter_hang(line_count: int) -> Content:
    """What starts a continuation row in a listing numbered up to ``line_count``: blank
    numbers, the rule, then the marker."""
    width = len(str(line_count))
    return Content.assemble(" " * width + " │ ", (CONTINUATION, "dim"))


def numbered_line(number: int, line_count: int, text: str) -> str:
    """One line of a numbered listing: the number right-aligned, a rule, the line."""
    return f"{number:>{len(str(line_count))}} │ {text}"


def numbered_block(text: str, *, id: str | None = None,
                   classes: str | None = None) -> CodeBlock:
    """Dockerfile text with line numbers, for code that is shown but not edited."""
    lines = text.rstrip("\n").splitlines() or [""]
    body = "\n".join(numbered_line(number, len(lines), line)
                     for number, line in enumerate(lines, 1))
    return CodeBlock(Content(body), hang=gutter_hang(len(lines)), id=id, classes=classes)


class WrappedFence(MarkdownFence):
    """A Markdown code block that wraps long lines with a marker instead of hiding them.

    Textual's fence scrolls sideways with its scroll bar hidden and cannot be focused, so
    at 80 columns the end of a long command was out of reach by keyboard or by sight.
    """

    DEFAULT_CSS = """
    WrappedFence {
        overflow: hidden hidden;
        & > CodeBlock {
            padding: 1 2;
        }
    }
    WrappedFence:ansi > CodeBlock {
        padding: 1 0;
    }
    """

    def compose(self) -> ComposeResult:
        yield CodeBlock(self._highlighted_code, id="code-content")

    def set_content(self, content: Content) -> None:
        self._content = content
        with suppress(NoMatches):
            self.query_one("#code-content", CodeBlock).set_code(content)


class CourseMarkdown(Markdown):
    """Course text (lessons, questions, explanations): Markdown whose code blocks wrap."""

    BLOCKS: dict[str, type[MarkdownBlock]] = {  # noqa: RUF012 - Textual's own declaration
        **Markdown.BLOCKS,
        "fence": WrappedFence,
        "code_block": WrappedFence,
    }
