"""Files that are not files: devices, FIFOs, unlistable folders and UTF-16 text (issue 13)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.cli import main

ROOT_FILE = "FROM debian:13-slim\nUSER root\n"
CLEAN_FILE = "FROM debian:13-slim@sha256:" + "a" * 64 + "\nUSER 10001\n"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def _cap_memory() -> None:
    """A regression that reads /dev/zero dies of MemoryError instead of eating the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line in a child with a timeout, so a read that blocks fails the test."""
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=20, stdin=subprocess.DEVNULL,
                          preexec_fn=_cap_memory if sys.platform != "win32" else None,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory as the working directory (no config file above it)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process and return (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- errors on stderr in text mode ----------------------------------------------------------


def test_text_mode_errors_go_to_stderr(workdir: Path, capsys) -> None:
    """A file that cannot be analysed is named on stderr in text mode too."""
    (workdir / "Dockerfile").write_bytes(bytes(range(256)) * 4)
    (workdir / "ok.Dockerfile").write_text(ROOT_FILE)
    code, out, err = run(capsys, "check", "Dockerfile", "ok.Dockerfile")
    assert code == 2
    assert err == ("hardening-tutor: error: Dockerfile: binary file, not a Dockerfile or "
                   "compose file\n")
    assert "HT101" in out  # the other file is still reported


def test_text_mode_unknown_target_goes_to_stderr(workdir: Path, capsys) -> None:
    """--target naming a missing stage is an error on stderr, naming the stages there are."""
    (workdir / "Dockerfile").write_text("FROM debian:13-slim AS runtime\nUSER 10001\n")
    code, _, err = run(capsys, "check", "--target", "nope", "Dockerfile")
    assert code == 2
    assert err.startswith("hardening-tutor: error: ") and "nope" in err and "runtime" in err
