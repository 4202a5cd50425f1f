"""Find text in a lesson: a search bar that marks every match and steps through them.

``/`` opens the bar; typing marks each match in the lesson (the one you are on in bold and
underlined as well, so it reads without colour), Enter or ↓ goes to the next, ↑ to the
previous, and Esc closes the bar and clears the marks. Matches are found in the text as
shown (headings, paragraphs, list items, tables and code), ignoring case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Markdown, Static
from textual.widgets.markdown import MarkdownBlock

from tutor.app.widgets.code import CodeBlock, WrappedFence

MATCH_STYLE = "reverse"
CURRENT_STYLE = "reverse bold underline"


@dataclass(frozen=True)
class Match:
    """One place the text was found: the widget showing it and where in its text."""

    widget: Widget
    start: int
    end: int


def searchable(markdown: Markdown) -> list[tuple[Widget, Content]]:
    """Each widget of the lesson that shows text, with the text it shows, in reading order.

    A code block's text lives in its CodeBlock and a table's in its cells (Statics that
    Textual names MarkdownTableCellContents); other blocks hold their own. Containers
    (lists, quotes) hold nothing themselves: their paragraphs are listed instead.
    """
    found: list[tuple[Widget, Content]] = []
    for block in markdown.query(MarkdownBlock):
        if isinstance(block, WrappedFence):
            code = block.query(CodeBlock)
            if code:
                found.append((code.first(), code.first().code))
        elif block._content.plain.strip():
            found.append((block, block._content))
        else:
            for cell in block.query_children("MarkdownTableContent").results():
                for text in cell.query_children("MarkdownTableCellContents").results(Static):
                    if isinstance(text.content, Content):
                        found.append((text, text.content))
    return found


def find(texts: list[tuple[Widget, Content]], query: str) -> list[Match]:
    """Every place ``query`` occurs (ignoring case), in reading order."""
    if not query:
        return []
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    return [Match(widget, found.start(), found.end())
            for widget, content in texts for found in pattern.finditer(content.plain)]


class SearchInput(Input):
    """The search field: Enter and the arrows step through matches (a one-line field has
    no use for them otherwise)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "step(1)", "Next match"),
        Binding("down", "step(1)", "Next match", show=False),
        Binding("up", "step(-1)", "Previous match"),
    ]

    class Step(Message):
        """Go ``step`` matches on (1) or back (-1)."""

        def __init__(self, step: int) -> None:
            super().__init__()
            self.step = step

    def action_step(self, step: int) -> None:
        self.post_message(self.Step(step))


class LessonSearch(Horizontal):
    """The search bar, docked at the bottom of the lesson; hidden until ``open``."""

    DEFAULT_CSS = """
    LessonSearch {
        dock: bottom;
        height: 3;
        display: none;
        background: $panel;
        padding: 0 1;
    }
    LessonSearch.-open {
        display: block;
    }
    LessonSearch > Label {
        padding: 1 1 0 0;
    }
    LessonSearch > SearchInput {
        width: 1fr;
    }
    LessonSearch > #search-count {
        width: auto;
        min-width: 12;
        padding: 1 0 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close search"),
    ]

    def __init__(self, markdown_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.markdown_id = markdown_id
        self.matches: list[Match] = []
        self.current = 0
        # Each marked widget's text before marking, to put back.
        self._originals: dict[Widget, Content] = {}

    def compose(self) -> ComposeResult:
        yield Label("Find:")
        yield SearchInput(placeholder="a word in this lesson", id="search-input")
        yield Static(Content(""), id="search-count")

    @property
    def input(self) -> SearchInput:
        """Where the search is typed."""
        return self.query_one("#search-input", SearchInput)

    def open(self) -> None:
        """Show the bar with the cursor in it; the last search is kept, and marked again."""
        self.add_class("-open")
        self.input.focus()
        self.search(self.input.value, keep_place=True)

    class Closed(Message):
        """The learner closed the search: the keyboard goes back to the lesson."""

    def action_close(self) -> None:
        """Hide the bar and clear the marks."""
        self._unmark()
        self.matches = []
        self.remove_class("-open")
        self.post_message(self.Closed())

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    @on(SearchInput.Step)
    def _stepped(self, event: SearchInput.Step) -> None:
        event.stop()
        self.action_step(event.step)

    def search(self, query: str, *, keep_place: bool = False) -> None:
        """Mark every match of ``query`` and go to the first (or stay near the last one)."""
        markdown = self.screen.query_one(f"#{self.markdown_id}", Markdown)
        self._unmark()
        before = self.current if keep_place else 0
        self.matches = find(searchable(markdown), query.strip())
        self.current = min(before, len(self.matches) - 1) if self.matches else 0
        self._show()

    def action_step(self, step: int) -> None:
        """Go to the next (1) or previous (-1) match, round the end of the lesson."""
        if not self.matches:
            self.app.bell()
            return
        self.current = (self.current + step) % len(self.matches)
        self._show()

    def _show(self) -> None:
        """Mark the matches, the current one differently, bring it into view and count."""
        count = self.query_one("#search-count", Static)
        if not self.matches:
            count.update(Content("no match" if self.input.value.strip() else ""))
            return
        by_widget: dict[Widget, list[tuple[Match, bool]]] = {}
        for index, match in enumerate(self.matches):
            by_widget.setdefault(match.widget, []).append((match, index == self.current))
        for widget, found in by_widget.items():
            original = self._originals.setdefault(widget, _text_of(widget))
            marked = original
            for match, current in found:
                marked = marked.stylize(CURRENT_STYLE if current else MATCH_STYLE,
                                        match.start, match.end)
            _set_text(widget, marked)
        count.update(Content(f"{self.current + 1} of {len(self.matches)}"))
        self.screen.scroll_to_center(self.matches[self.current].widget, animate=False)

    def _unmark(self) -> None:
        for widget, original in self._originals.items():
            _set_text(widget, original)
        self._originals.clear()


def _text_of(widget: Widget) -> Content:
    if isinstance(widget, CodeBlock):
        return widget.code
    if isinstance(widget, MarkdownBlock):
        return widget._content
    content = widget.content if isinstance(widget, Static) else None
    return content if isinstance(content, Content) else Content("")


def _set_text(widget: Widget, content: Content) -> None:
    if isinstance(widget, CodeBlock):
        widget.set_code(content)
    elif isinstance(widget, MarkdownBlock):
        widget.set_content(content)
    elif isinstance(widget, Static):  # a table cell
        widget.update(content)
