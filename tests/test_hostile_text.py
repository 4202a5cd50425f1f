"""Untrusted text never reaches the terminal as raw control characters (issue 13 §1)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.segment import Segment
from textual.strip import Strip

from tutor.report import FORMATS
from tutor.safetext import describe, first_control, has_controls, visible

# Sets the clipboard (OSC 52), clears the screen (CSI 2J), rings, and an 8-bit CSI.
OSC52 = "\x1b]52;c;cHduZWQ=\x1b\\"
HOSTILE = f"RUN echo {OSC52} done\x1b[2J\x07\x9b2J\n"
RAW = ("\x1b", "\x07", "\x9b")


def hostile_dockerfile(folder: Path, name: str = "Dockerfile") -> Path:
    """A Dockerfile with terminal escapes on line 2, ready to open."""
    path = folder / name
    path.write_text("FROM alpine:3.22\n" + HOSTILE + "USER 10001\n")
    return path


def test_visible_shows_every_control_as_one_glyph() -> None:
    """ESC, BEL, a lone CR, DEL and C1 become glyphs; tab, LF and CRLF stay; length holds."""
    text = "a\x1bb\x07c\rd\x7fe\x9bf\tg\r\nh\x00"
    shown = visible(text)
    assert shown == "a␛b␇c␍d␡e\ufffdf\tg\r\nh␀"
    assert len(shown) == len(text)
    assert not has_controls(shown)
    assert visible("plain text") == "plain text"
    assert first_control("ab\x1b") == (2, "U+001B (ESC)")
    assert describe("\x9b") == "U+009B (CSI)"


def test_guard_renders_escapes_in_a_strip_as_glyphs() -> None:
    """A strip whose text holds OSC 52 is written with ␛, never with ESC ] 52."""
    from tutor.app import terminal_guard

    terminal_guard.install()
    console = Console(color_system="truecolor", force_terminal=True)
    strip = Strip([Segment("ok "), Segment(HOSTILE.rstrip("\n"))])
    written = strip.render(console)
    assert "\x1b]52" not in written and "\x07" not in written and "\x9b" not in written
    assert "␛]52;c;cHduZWQ=" in written


def _drawn_text(app: Any) -> str:
    """Every segment of text the screen would draw, before the guard (so layout is right)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_workbench_shows_escapes_as_glyphs_and_keeps_the_bytes(
        tmp_path: Path, make_app: Any) -> None:
    """The editor draws ␛ where the file has ESC, HT001 names the line, and saving keeps ESC."""
    from tests.test_app_workbench import settle, shown_rules
    from tutor.app.widgets.editor import CodeEditor

    path = hostile_dockerfile(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await settle(pilot)
        drawn = _drawn_text(app)
        assert not any(char in drawn for char in RAW)
        assert "␛]52;c;cHduZWQ=" in drawn
        assert "HT001" in shown_rules(screen)
        editor = screen.query_one(CodeEditor)
        assert OSC52 in editor.text  # the document keeps the real characters
        editor.insert("# edited\n", (0, 0))
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert OSC52 in path.read_text()


async def test_a_hostile_file_name_is_shown_as_glyphs(tmp_path: Path, make_app: Any) -> None:
    """A file whose name holds ESC ] 52 is listed with ␛ in the workbench."""
    from tests.test_app_workbench import settle

    path = tmp_path / "x\x1b]52;c;cHduZWQ=\x07.Dockerfile"
    path.write_text("FROM alpine:3.22\nUSER 10001\n")
    app = make_app(path)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        drawn = _drawn_text(app)
        assert "x␛]52;c;cHduZWQ=␇.Dockerfile" in drawn
        assert not any(char in drawn for char in RAW)


def _run_in_terminal(args: list[str], until: bytes, seconds: float = 30.0) -> bytes:
    """Run the app in a pseudo-terminal and collect what it writes until ``until`` appears."""
    parent, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    import fcntl
    import struct
    import termios

    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "tutor", *args], stdin=child,
                               stdout=child, stderr=child, env=env, close_fds=True)
    os.close(child)
    output = b""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and until not in output:
            ready, _, _ = select.select([parent], [], [], 0.2)
            if ready:
                try:
                    output += os.read(parent, 65536)
                except OSError:
                    break
        # A little longer, so the frames drawn after the findings arrive are read too.
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            ready, _, _ = select.select([parent], [], [], 0.1)
            if ready:
                try:
                    output += os.read(parent, 65536)
                except OSError:
                    break
    finally:
        process.kill()
        process.wait()
        os.close(parent)
    return output


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_opening_a_hostile_dockerfile_writes_no_escape_to_the_terminal(
        tmp_path: Path) -> None:
    """In a real terminal, the app never emits the file's OSC 52 or its screen clear."""
    path = hostile_dockerfile(tmp_path)
    output = _run_in_terminal([str(path), "--data-dir", str(tmp_path / "data")], b"HT001")
    assert b"HT001" in output, output[-2000:]
    assert b"\x1b]52;c;cHduZWQ" not in output
    assert b"\xc2\x9b" not in output  # the 8-bit CSI, UTF-8 encoded
    # Highlighting splits the line into styled pieces; without the styles the glyphs show.
    text = re.sub(rb"\x1b\[[0-9;:?<>=]*[ -/]*[@-~]", b"", output).decode(errors="replace")
    assert "␛]52;c;cHduZWQ=" in text


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_check_output_carries_no_raw_controls(tmp_path: Path, fmt: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A hostile line and a hostile file name reach no report raw; HT001 names the line."""
    from tutor.cli import main

    path = hostile_dockerfile(tmp_path, "n\x1b]52;c;eA==\x07\x9b.Dockerfile")
    main(["check", "--format", fmt, str(path)])
    out, err = capsys.readouterr()
    for char in RAW:
        assert char not in out and char not in err
    assert "HT001" in out
    if fmt in ("checkstyle", "junit"):
        ET.fromstring(out)  # well-formed: no control character XML 1.0 forbids
    if fmt in ("text", "compact", "checkstyle", "junit"):
        assert "n␛]52;c;eA==␇\ufffd.Dockerfile" in out.replace("\n", "")
        assert "U+001B (ESC) at column 10" in " ".join(out.split())  # however it wraps
    if fmt == "github":  # the annotation's file and message show the glyphs too
        assert "n␛]52;c;eA==␇\ufffd.Dockerfile" in out and "U+001B (ESC) at column 10" in out


def test_json_escapes_c1_controls() -> None:
    """JSON output escapes DEL and C1 (json.dumps writes them raw with ensure_ascii off)."""
    from tutor.safetext import json_dumps

    assert json_dumps({"a": "x\x9by\x7f\x1bé"}, indent=None) == '{"a": "x\\u009by\\u007f\\u001bé"}'


async def test_a_hostile_course_pack_is_shown_as_glyphs(tmp_path: Path, make_app: Any) -> None:
    """A lesson whose title and body hold escapes is drawn with glyphs in the app."""
    import shutil

    from tutor.app.screens.lesson import LessonScreen

    pack = tmp_path / "pack"
    shutil.copytree(Path(__file__).parent / "fixtures" / "course", pack)
    lesson = pack / "lessons" / "01-users.md"
    lesson.write_text(lesson.read_text()
                      .replace("title: Users in images", "title: Users\x1b]52;c;eA==\x07")
                      .replace("An image without USER", "An image\x1b[2J without USER"))
    app = make_app(content=pack)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        course = app.course
        app.push_screen(LessonScreen(course.lessons[0]))
        await pilot.pause()
        await pilot.pause()
        drawn = _drawn_text(app)
        assert "Users␛]52;c;eA==␇" in drawn
        assert not any(char in drawn for char in RAW)


async def test_the_editor_keeps_every_byte_and_docker_s_lines(tmp_path: Path,
                                                              make_app: Any) -> None:
    """Form feeds, lone CRs and mixed line endings survive a save, on the lines Docker reads."""
    from tests.test_app_workbench import settle
    from tutor.app.widgets.editor import CodeEditor

    original = "FROM alpine:3.22\r\nRUN echo a\x0cb\x1cc\rd\nUSER 10001\n"
    path = tmp_path / "Dockerfile"
    path.write_bytes(original.encode())
    app = make_app(path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        editor = screen.query_one(CodeEditor)
        assert editor.document.line_count == 4  # three lines and the empty one after the last
        assert editor.text == original
        drawn = _drawn_text(app)
        assert "RUN echo a␌b␜c␍d" in drawn
        editor.insert("# edited\n", (2, 0))
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert path.read_bytes() == original.replace("USER", "# edited\nUSER").encode()


def test_the_goal_checklist_shows_controls_in_labels_and_details_as_glyphs() -> None:
    """A course pack's label and a check's detail (quoting a learner's file) stay inert."""
    from tutor.app.widgets.exercise import goal_text
    from tutor.content.judge import CheckResult, GoalResult
    from tutor.content.model import Check

    results = (CheckResult(Check("pinned_actions", "ci.yml", "pins \x1b]52;c;aGk=\x07 all", 1),
                           False, "uses: evil@\x1b[2Jmain"),
               CheckResult(Check("clean", (), "clean\x9b", 1), True))
    text = goal_text(GoalResult(results, None, None, None)).plain
    assert not has_controls(text.replace("\n", ""))
    assert "evil@" in text and "pins" in text
