"""End to end in a real terminal: tmux runs the app on a file that is then fixed on disk."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (.ci/run installs it)")


def _screen(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True,
                          text=True, check=False).stdout


def _wait_for(session: str, check, seconds: float = 20.0) -> str:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    screen = ""
    while time.monotonic() < deadline:
        screen = _screen(session)
        if check(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"the terminal never showed what was expected:\n{screen}")


def test_finding_disappears_when_the_file_is_fixed_on_disk(tmp_path: Path) -> None:
    """The finding shows in the terminal, and goes once another editor saves a fix."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:12\nRUN apt-get update\nCMD [\"sh\"]\n")
    session = f"ht-{uuid.uuid4().hex[:8]}"
    command = (f"cd {tmp_path} && {sys.executable} -m tutor --data-dir {tmp_path / 'data'} "
               f"Dockerfile")
    env = {**os.environ, "TERM": "xterm-256color"}
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30",
                    command], check=True, env=env)
    try:
        screen = _wait_for(session, lambda s: "HT101" in s)
        assert "Runs as root" in screen
        # Save the way editors do: write a temporary file, then rename it over the original.
        temp = tmp_path / ".Dockerfile.tmp"
        temp.write_text("FROM debian:12\nRUN apt-get update\nUSER 10001\nCMD [\"sh\"]\n")
        temp.replace(dockerfile)
        screen = _wait_for(session, lambda s: "HT101" not in s and "Runs as 10001" in s)
        assert "USER 10001" in screen
        subprocess.run(["tmux", "send-keys", "-t", session, "C-q"], check=True)
        _wait_for(session, lambda s: "HT101" not in s and "Runs as" not in s, 10)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True,
                       check=False)
