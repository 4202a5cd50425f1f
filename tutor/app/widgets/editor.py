"""The code editor: a TextArea that highlights Dockerfiles and compose files with Pygments.

Textual's TextArea highlights only its built-in tree-sitter languages, and Dockerfile is not
one of them; the PyPI grammar (tree-sitter-dockerfile 0.2.0) relies on an API tree-sitter
0.26 deprecates. Pygments, which Rich already depends on, has maintained Docker and YAML
lexers, so the editor feeds their tokens into TextArea's highlight map instead. A Dockerfile
is lexed one instruction at a time, with a cache, and only when its rows are drawn, so an
edit re-lexes only the instruction it touches, however long the file.

Loading Pygments and compiling its shell rules takes about 60 ms, a sixth of the budget
for the workbench's first frame, so the editor shows its text plain at first and loads
the lexer in a thread once the screen is up (`start_highlighting`); the colours follow a
moment later.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.document._document_navigator import DocumentNavigator
from textual.widgets import TextArea
from textual.widgets.text_area import TextAreaTheme

from tutor.app.widgets.editor_document import FaithfulDocument, StraightWrappedDocument
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


def _continues(line: str) -> bool:
    """True when a Dockerfile line's instruction goes on to the next line."""
    stripped = line.rstrip()
    return stripped.endswith("\\") and not stripped.lstrip().startswith("#")


def chunk_around(lines: list[str], row: int, language: str) -> tuple[int, int]:
    """The first and last row of the piece around ``row`` the lexer can handle on its own.

    A Dockerfile instruction (its continuation lines too) is lexed alone, so finding its
    rows looks only at its neighbours; YAML is lexed whole.
    """
    if language != "dockerfile":
        return 0, len(lines) - 1
    first = row
    while first > 0 and _continues(lines[first - 1]):
        first -= 1
    last = row
    while last < len(lines) - 1 and _continues(lines[last]):
        last += 1
    return first, last


class LineHighlights(dict[int, list[Highlight]]):
    """TextArea's highlight map, filled a piece at a time as rows are drawn.

    TextArea rebuilds its whole map at every edit, which for a 5,000-line file took about
    30 ms of each keystroke; here an edit empties the map (only the rows drawn since are in
    it), and a row missing from it is lexed with its instruction when TextArea reads it.
    """

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__()
        self._editor = editor

    def __bool__(self) -> bool:
        # TextArea skips highlighting an empty map; this one is only empty until drawn.
        return self._editor.highlighting and self._editor.syntax is not None

    def __missing__(self, row: int) -> list[Highlight]:
        syntax = self._editor.syntax
        lines = self._editor.document.lines
        if syntax is None or not self._editor.highlighting or not 0 <= row < len(lines):
            return []
        first, last = chunk_around(lines, row, syntax)
        for line in range(first, last + 1):
            self[line] = []
        for offset, highlight in _lex_chunk(syntax, "\n".join(lines[first:last + 1])):
            self[first + offset].append(highlight)
        return self[row]


@lru_cache(maxsize=1)
def _light_theme() -> TextAreaTheme:
    light = TextAreaTheme.get_builtin_theme("github_light")
    return TextAreaTheme(name="css-light", syntax_styles=light.syntax_styles if light else {})


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
        self.wrapped_document = StraightWrappedDocument(self.document,
                                                        tab_width=self.indent_width)
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
        """Start TextArea's highlight map afresh; rows are lexed as they are drawn."""
        self._line_cache.clear()
        if isinstance(self._highlights, LineHighlights):
            self._highlights.clear()
        else:  # the first call, from TextArea's constructor
            self._highlights = LineHighlights(self)

    def highlights(self, row: int) -> list[Highlight]:
        """The highlights of one row (lexing it if it was not drawn yet)."""
        return self._highlights[row]
