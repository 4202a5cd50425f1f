"""The workshop in a real browser: a learner's link opens the course, and the instructor sees it.

Chromium from Debian, driven by Playwright with ``executable_path`` set to it (Playwright's
own browser download does not work offline). ``.ci/run`` installs both; a developer without
Chromium gets a skip, CI (``CI=true``) a failure.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _browser_or_skip() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def workshop(tmp_path: Path) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A running `serve` with two seats: the instructor's URL and the learners' links."""
    folder = tmp_path / "workshop"
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tutor", "serve", "--seats", "2", "--workshop", str(folder),
         "--port", str(_free_port())], stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # stdout holds exactly the two lines
        assert first.startswith("instructor: "), (tmp_path / "serve.log").read_text()
        process.stdout.readline()  # learner links: PATH
        with (folder / "learner-links.csv").open() as links:
            yield first.split(": ", 1)[1].strip(), list(csv.DictReader(links))
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def _text(frames: list[Any]) -> str:
    return "".join(f if isinstance(f, str) else f.decode("utf-8", "replace") for f in frames)


def test_a_learner_opens_lesson_one_and_the_instructor_sees_it(
        workshop: tuple[str, list[dict[str, str]]]) -> None:
    """The learner's link shows the course map, Enter opens lesson 1; the class page then
    shows that learner online and on that lesson."""
    executable = _browser_or_skip()
    from playwright.sync_api import sync_playwright

    instructor, links = workshop
    frames: list[Any] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable,
                                             args=["--no-sandbox"])
        try:
            page = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
            page.on("websocket",
                    lambda ws: ws.on("framereceived", lambda frame: frames.append(frame)))
            page.goto(links[0]["url"])
            assert "/join/" not in page.url  # the token is swapped for a cookie
            _wait(page, frames, "Course map")
            # The terminal takes the keyboard through xterm.js's hidden textarea. (A click in
            # the middle of the page would land on a course map entry and open it.)
            page.focus(".xterm-helper-textarea")
            page.keyboard.press("Enter")
            _wait(page, frames, "Lesson 1 of 6")
            teacher = browser.new_context().new_page()
            teacher.goto(instructor)
            assert teacher.url.endswith("/class")
            deadline = time.monotonic() + 10
            while "lesson root-risks" not in teacher.inner_text("body"):
                assert time.monotonic() < deadline, teacher.inner_text("body")
                teacher.wait_for_timeout(500)
                teacher.reload()
            row = next(line for line in teacher.inner_text("body").splitlines()
                       if line.startswith(links[0]["id"]))
            assert "● online" in row and "lesson root-risks" in row
        finally:
            browser.close()


def _wait(page: Any, frames: list[Any], text: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while text not in _text(frames):
        assert time.monotonic() < deadline, f"{text!r} never reached the browser"
        page.wait_for_timeout(200)
