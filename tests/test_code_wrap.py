"""Code wrapped to the screen with a marked continuation, never cut off; hints reflowed;
one-row text clipped at a word."""

from __future__ import annotations

import pytest
from textual.content import Content

from tutor.app.widgets.code import CONTINUATION, gutter_hang, wrap_code
from tutor.app.widgets.exercise import reflowed_prose
from tutor.safetext import clipped

NOLOGIN = "RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app"


def unwrapped(rows: list[Content], hang: str = CONTINUATION) -> str:
    """The rows joined back into the lines they came from."""
    lines: list[str] = []
    for row in rows:
        if row.plain.startswith(hang):
            lines[-1] += row.plain[len(hang):]
        else:
            lines.append(row.plain)
    return "\n".join(lines)


@pytest.mark.parametrize("width", [20, 33, 58, 70, 78])
def test_a_long_line_wraps_whole_with_marked_continuations(width: int) -> None:
    """No row is wider than the screen, every continuation is marked, no character is lost
    but the spaces the rows broke at."""
    rows = wrap_code(Content(NOLOGIN), width)
    assert len(rows) > 1
    assert all(row.cell_length <= width for row in rows)
    assert all(row.plain.startswith(CONTINUATION) for row in rows[1:])
    assert unwrapped(rows).replace(" ", "") == NOLOGIN.replace(" ", "")


def test_rows_break_after_a_space_not_inside_a_word() -> None:
    """At 70 columns the line breaks before "/usr/sbin/nologin", not in the middle of it."""
    rows = [row.plain for row in wrap_code(Content(NOLOGIN), 70)]
    assert rows == ["RUN useradd --system --uid 10001 --no-create-home --shell ",
                    "↪ /usr/sbin/nologin app"]


def test_a_word_longer_than_the_row_is_cut_and_continued() -> None:
    """A digest longer than the screen is split mid-word rather than hidden."""
    digest = "FROM alpine@sha256:" + "a" * 64
    rows = wrap_code(Content(digest), 40)
    assert unwrapped(rows) == digest
    assert all(row.cell_length <= 40 for row in rows)


def test_short_lines_blank_lines_and_styles_are_kept() -> None:
    """Lines that fit are untouched; a highlight stays on the characters it covered."""
    code = Content("FROM x\n\nUSER 10001").stylize("bold", 0, 4)
    rows = wrap_code(code, 80)
    assert [row.plain for row in rows] == ["FROM x", "", "USER 10001"]
    assert rows[0].spans and rows[0].spans[0].start == 0 and rows[0].spans[0].end == 4


def test_a_numbered_listing_keeps_its_gutter_on_continuations() -> None:
    """Line 6 of a spot-the-line listing continues under its text, the numbers' column clear."""
    line = "6 │ RUN apt-get update && apt-get install -y --no-install-recommends sudo"
    rows = [row.plain for row in wrap_code(Content(line), 70, gutter_hang(9))]
    assert rows == ["6 │ RUN apt-get update && apt-get install -y --no-install-recommends ",
                    "  │ ↪ sudo"]


def test_hints_reflow_prose_but_keep_code() -> None:
    """YAML line breaks in a hint's prose go; a Dockerfile snippet keeps its lines."""
    hint = ("When a Dockerfile never says who runs the process, Docker uses the base\n"
            "image's default user.\n\n"
            "RUN groupadd --system --gid 10001 probe \\\n"
            " && useradd --system probe\n"
            "USER 10001:10001\n")
    assert reflowed_prose(hint) == (
        "When a Dockerfile never says who runs the process, Docker uses the base image's "
        "default user.\n\n"
        "RUN groupadd --system --gid 10001 probe \\\n && useradd --system probe\n"
        "USER 10001:10001")


@pytest.mark.parametrize(("text", "limit", "clipped_text"), [
    ("Runs as\nroot.", 72, "Runs as root."),  # short: one line, whole
    ("The image runs as root, so a bug in it is root", 24, "The image runs as root …"),
    ("It keeps one sentence. And another one after it", 30, "It keeps one sentence. And …"),
    ("It keeps the stop. Then more", 22, "It keeps the stop. …"),
    ("a" * 30, 10, "a" * 10 + " …"),  # no space to cut at: cut at the limit, nothing lost
])
def test_clipped_text_is_one_line_cut_at_a_word(text: str, limit: int,
                                               clipped_text: str) -> None:
    """A prompt or rule summary shown on one row: reflowed, cut at a word, "…" when cut."""
    assert clipped(text, limit) == clipped_text
