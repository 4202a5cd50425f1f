"""The code editor's own document: widths kept per line, text joined once, rows lexed alone."""

from __future__ import annotations

from rich.cells import cell_len
from textual.geometry import Size

from tutor.app.widgets.editor import FaithfulDocument, chunk_around

TEXT = "FROM debian:13\nRUN a \\\n\tb \\\n    c\n# 注释 comment \\\nUSER 10001\n"


def from_scratch(document: FaithfulDocument, tab_width: int) -> Size:
    lines = document.lines
    return Size(max(cell_len(line.expandtabs(tab_width)) for line in lines), len(lines))


def test_the_size_follows_every_kind_of_edit() -> None:
    """Typing, a new line, a multi-line paste and deleting lines keep the widest line right."""
    document = FaithfulDocument(TEXT)
    assert document.get_size(4) == from_scratch(document, 4)
    edits = [
        ((0, 4), (0, 4), "x" * 40),  # the widest line now
        ((1, 0), (1, 0), "\n"),  # a line split in two
        ((2, 3), (4, 2), "one\ntwo 宽字符\nthree"),  # a paste over several lines
        ((0, 0), (1, 0), ""),  # the widest line deleted
        ((3, 0), (3, 0), "\t\tindented"),
    ]
    for start, end, text in edits:
        document.replace_range(start, end, text)
        assert document.get_size(4) == from_scratch(document, 4)
    assert document.get_size(8) == from_scratch(document, 8)  # another tab width


def test_the_text_is_joined_once_per_edit() -> None:
    document = FaithfulDocument(TEXT)
    assert document.text == TEXT
    assert document.text is document.text
    document.replace_range((0, 0), (0, 4), "from")
    assert document.text == "from" + TEXT[4:]


def test_a_dockerfile_row_is_lexed_with_its_whole_instruction() -> None:
    lines = TEXT.split("\n")
    assert chunk_around(lines, 0, "dockerfile") == (0, 0)
    for row in (1, 2, 3):  # RUN a \ / b \ / c: one instruction
        assert chunk_around(lines, row, "dockerfile") == (1, 3)
    assert chunk_around(lines, 4, "dockerfile") == (4, 4)  # a comment's \ continues nothing
    assert chunk_around(lines, 5, "dockerfile") == (5, 5)
    assert chunk_around(lines, 2, "yaml") == (0, len(lines) - 1)  # YAML is lexed whole
