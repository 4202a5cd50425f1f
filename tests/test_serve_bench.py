"""benchmarks/serve.py still runs against the real server, so it cannot rot unnoticed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
KEYS = ("learners", "join_last_ms", "p50_ms", "p95_ms", "p99_ms", "rss_mb_per_learner")


def test_the_workshop_benchmark_runs_and_ends_with_its_figures() -> None:
    """Two learners join, type and are measured; the last line is the JSON summary."""
    pytest.importorskip("aiohttp")
    pytest.importorskip("textual_serve")
    if not Path("/proc/self/stat").is_file():
        pytest.skip("the benchmark reads /proc (Linux only)")
    # A group of its own, so a run that hangs is ended with the server it started.
    bench = subprocess.Popen(
        [sys.executable, str(REPO / "benchmarks" / "serve.py"), "--learners", "2",
         "--seconds", "2", "--fast-seconds", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        start_new_session=True)
    try:
        out, err = bench.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(bench.pid, signal.SIGKILL)
        out, err = bench.communicate()
        pytest.fail(f"the benchmark did not finish in 120 s:\n{out}{err}")
    assert bench.returncode == 0, out + err
    figures = json.loads(out.strip().splitlines()[-1])
    assert list(figures)[:len(KEYS)] == list(KEYS)
    assert figures["learners"] == 2
    # Every key was answered by a frame, and the learners' processes were found and measured.
    assert figures["keys"] > 0 and figures["unanswered"] == 0
    assert figures["rss_mb_per_learner"] > 0
