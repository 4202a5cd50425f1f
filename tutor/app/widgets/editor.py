"""The code editor: a TextArea that highlights Dockerfiles and compose files with Pygments.

Textual's TextArea highlights only its built-in tree-sitter languages, and Dockerfile is not
one of them; the PyPI grammar (tree-sitter-dockerfile 0.2.0) relies on an API tree-sitter
0.26 deprecates. Pygments, which Rich already depends on, has maintained Docker and YAML
lexers, so the editor feeds their tokens into TextArea's highlight map instead. A Dockerfile
is lexed one instruction at a time with a cache, so an edit re-lexes only the instruction
it touches.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from pygments.lexer import Lexer
from pygments.lexers import DockerLexer, YamlLexer
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    _TokenType,
)
from textual.widgets import TextArea

# One highlight: (start byte, end byte or None for end of line, theme style name).
Highlight = tuple[int, int | None, str]

_STYLES: tuple[tuple[_TokenType, str], ...] = (
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
    for kind, name in _STYLES:
        if token in kind:
            return name
    return None


@lru_cache(maxsize=2)
def _lexer(language: str) -> Lexer:
    return DockerLexer(stripnl=False) if language == "dockerfile" else YamlLexer(stripnl=False)


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


class CodeEditor(TextArea):
    """A line-numbered editor with Dockerfile or compose highlighting (plain otherwise)."""

    def __init__(self, text: str = "", *, syntax: str | None = None,
                 read_only: bool = False, id: str | None = None,
                 classes: str | None = None) -> None:
        # Set before super().__init__, which builds the first highlight map.
        self.syntax = syntax
        super().__init__(text, show_line_numbers=True, read_only=read_only, id=id,
                         classes=classes, tab_behavior="focus", soft_wrap=False)

    def _build_highlight_map(self) -> None:
        """Fill TextArea's highlight map from Pygments instead of tree-sitter."""
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        syntax = getattr(self, "syntax", None)
        if syntax is None:
            return
        lines = self.document.lines
        for first_row, chunk in _chunks(lines, syntax):
            for row, highlight in _lex_chunk(syntax, chunk):
                highlights[first_row + row].append(highlight)
