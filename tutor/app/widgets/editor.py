"""The code editor: a TextArea that highlights Dockerfiles and compose files with Pygments.

Textual's TextArea highlights only its built-in tree-sitter languages, and Dockerfile is not
one of them; the PyPI grammar (tree-sitter-dockerfile 0.2.0) relies on an API tree-sitter
0.26 deprecates. Pygments, which Rich already depends on, has maintained Docker and YAML
lexers, so the editor feeds their tokens into TextArea's highlight map instead. A Dockerfile
is lexed one instruction at a time with a cache, so an edit re-lexes only the instruction
it touches.

Loading Pygments and compiling its shell rules takes about 60 ms, a sixth of the budget
for the workbench's first frame, so the editor shows its text plain at first and loads
the lexer in a thread once the screen is up (`start_highlighting`); the colours follow a
moment later.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.document._document import Document
from textual.document._document_navigator import DocumentNavigator
from textual.document._wrapped_document import WrappedDocument
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

from tutor.safetext import CONTROL, visible

if TYPE_CHECKING:
    from pygments.lexer import Lexer
    from pygments.token import _TokenType

# One highlight: (start byte, end byte or None for end of line, theme style name).
Highlight = tuple[int, int | None, str]

# What each lexer's first use compiles; lexing these once warms a lexer up.
_WARM_UP = {
    "dockerfile": 'FROM a AS b\nRUN if [ -n "$X" ]; then echo ${Y:-1} | tr a b; fi # c\n',
    "yaml": "services:\n  a:\n    image: 'b:1' # c\n    ports: [80]\n",
}
_ready: set[str] = set()  # languages whose lexer is loaded and warm
_loading = threading.Lock()


@lru_cache(maxsize=1)
def _styles() -> tuple[tuple[_TokenType, str], ...]:
    from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String

    return (
        (Comment, "comment"),
        (Keyword, "keyword"),
        (String.Interpol, "variable"),
        (Name.Variable, "variable"),
        (String, "string"),
        (Number, "number"),
        (Name.Builtin, "function"),
        (Name.Tag, "yaml.field"),
        (Operator, "operator"),
        (Punctuation, "punctuation.bracket"),
    )


def _style(token: _TokenType) -> str | None:
    for kind, name in _styles():
        if token in kind:
            return name
    return None


@lru_cache(maxsize=2)
def _lexer(language: str) -> Lexer:
    from pygments.lexers import DockerLexer, YamlLexer

    return DockerLexer(stripnl=False) if language == "dockerfile" else YamlLexer(stripnl=False)


def load_lexer(language: str) -> None:
    """Import and warm up one language's lexer (slow the first time; safe in a thread)."""
    with _loading:
        if language not in _ready:
            _lex_chunk(language, _WARM_UP[language])
            _ready.add(language)


@lru_cache(maxsize=4096)
def _lex_chunk(language: str, chunk: str) -> tuple[tuple[int, Highlight], ...]:
    """Highlights for one chunk of lines, as (row within the chunk, highlight)."""
    found: list[tuple[int, Highlight]] = []
    row, line_start = 0, 0
    for index, token, value in _lexer(language).get_tokens_unprocessed(chunk):
        style = _style(token)
        start = index
        for part in value.split("\n"):
            if part and style is not None:
                begin = len(chunk[line_start:start].encode())
                end = begin + len(part.encode())
                found.append((row, (begin, end, style)))
            start += len(part)
            if start < index + len(value):  # a newline follows this part
                row += 1
                start += 1
                line_start = start
    return tuple(found)


def _chunks(lines: list[str], language: str) -> Iterator[tuple[int, str]]:
    """(first row, text) of each piece the lexer can handle on its own."""
    if language != "dockerfile":
        yield 0, "\n".join(lines)
        return
    start = 0
    for row, line in enumerate(lines):
        stripped = line.rstrip()
        if stripped.endswith("\\") and not stripped.lstrip().startswith("#"):
            continue  # the instruction continues on the next line
        yield start, "\n".join(lines[start:row + 1])
        start = row + 1
    if start < len(lines):
        yield start, "\n".join(lines[start:])


@lru_cache(maxsize=1)
def _light_theme() -> TextAreaTheme:
    light = TextAreaTheme.get_builtin_theme("github_light")
    return TextAreaTheme(name="css-light", syntax_styles=light.syntax_styles if light else {})


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


class CodeEditor(TextArea):
    """A line-numbered editor with Dockerfile or compose highlighting (plain otherwise)."""

    def __init__(self, text: str = "", *, syntax: str | None = None,
                 read_only: bool = False, highlight_on_mount: bool = True,
                 id: str | None = None, classes: str | None = None) -> None:
        """`syntax` is "dockerfile", "yaml" or None (plain). With `highlight_on_mount`
        False, colours wait for `start_highlighting`, so a screen can draw first."""
        # Set before super().__init__, which builds the first highlight map.
        self.syntax = syntax
        self.highlighting = False
        self._highlight_on_mount = highlight_on_mount
        super().__init__(text, show_line_numbers=True, read_only=read_only, id=id,
                         classes=classes, tab_behavior="focus", soft_wrap=False)

    def on_mount(self) -> None:
        # Textual's "css" theme takes its colours from the app theme but its syntax colours
        # are for dark backgrounds; on a light theme they fade out. "css-light" keeps the
        # app's background and uses GitHub Light's syntax colours instead.
        self.register_theme(_light_theme())
        self.watch(self.app, "theme", self._follow_app_theme)
        if self._highlight_on_mount:
            self.call_after_refresh(self.start_highlighting)

    def _follow_app_theme(self) -> None:
        self.theme = "css" if self.app.current_theme.dark else "css-light"

    def start_highlighting(self) -> None:
        """Colour the text, loading the lexer in a thread first if it is not loaded yet."""
        if self.syntax is None or self.highlighting:
            return
        if self.syntax in _ready:
            self._highlight()
        else:
            self._load_then_highlight(self.syntax)

    @work(thread=True, group="highlight")
    def _load_then_highlight(self, syntax: str) -> None:
        load_lexer(syntax)
        self.app.call_from_thread(self._highlight)

    def _highlight(self) -> None:
        self.highlighting = True
        self._build_highlight_map()
        self.refresh()

    def _set_document(self, text: str, language: str | None) -> None:
        # TextArea's own version, for the plain-text case we use, with FaithfulDocument.
        self._highlight_query = None
        self.document = FaithfulDocument(text)
        self.wrapped_document = WrappedDocument(self.document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()

    def get_line(self, line_index: int) -> Text:
        """The line as drawn: control characters as glyphs (ESC as ␛), marked in reverse.

        The document keeps the real characters, so saving writes the file's bytes back;
        only the drawing changes, and HT001 names the line and the character. (Rich's Text
        would silently drop BEL, BS, VT, FF and CR, so the raw line is read from the document.)
        """
        plain = self.document.get_line(line_index)
        if CONTROL.search(plain) is None:
            return super().get_line(line_index)
        shown = Text(visible(plain), end="", no_wrap=True)
        for match in CONTROL.finditer(plain):
            shown.stylize("reverse", match.start(), match.end())
        return shown

    def _build_highlight_map(self) -> None:
        """Fill TextArea's highlight map from Pygments instead of tree-sitter."""
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        syntax = self.syntax
        if syntax is None or not self.highlighting:
            return
        lines = self.document.lines
        for first_row, chunk in _chunks(lines, syntax):
            for row, highlight in _lex_chunk(syntax, chunk):
                highlights[first_row + row].append(highlight)
