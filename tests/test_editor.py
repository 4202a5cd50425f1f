"""The code editor's own document: widths kept per line, text joined once, rows lexed alone."""

from __future__ import annotations

from rich.cells import cell_len
from textual.document._wrapped_document import WrappedDocument
from textual.geometry import Offset, Size

from tutor.app.widgets.editor import chunk_around
from tutor.app.widgets.editor_document import FaithfulDocument, StraightWrappedDocument

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


def test_unwrapped_rows_answer_as_textual_does() -> None:
    """Without its per-line tables, the unwrapped document answers every question Textual's
    own WrappedDocument answers, the same way: tabs, wide characters, past the ends."""
    text = "FROM a\n\tRUN b\tc \\\n  宽字 d\n\n# 注释\tx\nUSER 1"
    ours = StraightWrappedDocument(FaithfulDocument(text), tab_width=4)
    theirs = WrappedDocument(FaithfulDocument(text), tab_width=4)
    lines = text.split("\n")
    assert ours.height == theirs.height == len(lines)
    assert ours.lines == theirs.lines
    for row in range(len(lines)):
        assert ours.get_offsets(row) == theirs.get_offsets(row)
        assert ours.get_tab_widths(row) == theirs.get_tab_widths(row)
        assert ours.get_sections(row) == theirs.get_sections(row)
        assert ours._offset_to_line_info[row] == theirs._offset_to_line_info[row]
        for column in range(len(lines[row]) + 2):
            assert ours.location_to_offset((row, column)) == theirs.location_to_offset(
                (row, column))
        for x in range(-1, 16):
            assert ours.get_target_document_column(row, x, 0) == (
                theirs.get_target_document_column(row, x, 0))
    for y in range(-1, len(lines) + 3):
        for x in (-2, 0, 1, 3, 5, 9, 30):
            assert ours.offset_to_location(Offset(x, y)) == theirs.offset_to_location(
                Offset(x, y))
    for wrapped in (ours, theirs):
        try:
            wrapped.get_offsets(len(lines))
        except ValueError:
            continue
        raise AssertionError("a line past the end has no offsets")


def test_unwrapped_rows_follow_edits() -> None:
    """After edits, the rows still follow the document (the edit changes no table)."""
    document = FaithfulDocument(TEXT)
    wrapped = StraightWrappedDocument(document, tab_width=4)
    result = document.replace_range((1, 0), (1, 0), "one\ntwo\n")
    wrapped.wrap_range((1, 0), (1, 0), result.end_location)
    assert wrapped.height == len(document.lines)
    assert wrapped._offset_to_line_info[2] == (2, 0)
    assert wrapped.get_sections(2) == ["two"]
    wrapped.wrap(10)  # a width to wrap at: Textual's own tables again
    assert wrapped.height >= len(document.lines)
