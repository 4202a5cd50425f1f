"""What hostile input costs: alias bombs, many distinct secrets, and tens of thousands of findings.

Run: python benchmarks/hostile.py [--timeout 120] [--repeat 3]
Goals (issue #13, section 3): `check` refuses an alias bomb in well under a second whatever
its depth; analysis with 1,000 services each holding its own password costs ~10x that with
100 (linear); `check` prints 50,000 findings as text, alike or all different, in a few seconds
and little memory.
Each `check` run is a fresh process, so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tutor.analysis.engine import analyze_compose

# Runs `check` in this child process and reports its own time and peak memory as JSON.
_CHILD = """
import json, os, resource, sys, time
from tutor.cli import main
argv = sys.argv[1:]
real_stdout = sys.stdout
sys.stdout = open(os.devnull, "w", encoding="utf-8")
start = time.perf_counter()
code = main(argv)
elapsed = time.perf_counter() - start
sys.stdout = real_stdout
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"code": code, "seconds": elapsed, "peak_mb": peak_kb / 1024}))
"""


def alias_bomb(levels: int) -> str:
    """A compose file whose every anchor is a list of four aliases of the one before."""
    lines = ["x-b0: &b0 [SYS_ADMIN, SYS_ADMIN, SYS_ADMIN, SYS_ADMIN]"]
    lines += [f"x-b{n}: &b{n} [*b{n - 1}, *b{n - 1}, *b{n - 1}, *b{n - 1}]"
              for n in range(1, levels)]
    lines += ["services:", "  app:", "    image: example/app:1.0", f"    cap_add: *b{levels - 1}"]
    return "\n".join(lines) + "\n"


def many_passwords(services: int, prefix: str = "Pw") -> str:
    """A compose file whose services each carry their own literal password.

    With a long shared ``prefix`` and the prefix in every service's name, every finding's
    message holds the start of every password: the worst case for matching them.
    """
    parts = ["services:"]
    for n in range(services):
        name = f"{prefix}svc{n}" if len(prefix) > 2 else f"svc{n}"
        parts += [f"  {name}:", f"    image: example/svc{n}:1.0", "    environment:",
                  f"      DB_PASSWORD: {prefix}{n:05d}-k3yZ!q{n * 7919 % 100000:05d}"]
    return "\n".join(parts) + "\n"


def backticks(lines: int) -> str:
    """A file of one backtick a line: one syntax finding per line, all alike."""
    return "`\n" * lines


def unknown_words(lines: int) -> str:
    """A file of a different unknown instruction a line: syntax findings that all differ."""
    return "".join(f"WORD{n} x\n" for n in range(lines))


def check_in_child(path: Path, fmt: str, timeout: float) -> str:
    """`check` on one file in a fresh process: its time and peak memory, or the timeout."""
    command = [sys.executable, "-c", _CHILD, "check", "--no-config", "--format", fmt,
               "--failure-threshold", "none", str(path)]
    start = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                check=False)
    except subprocess.TimeoutExpired:
        return f"not finished after {timeout:.0f} s (killed)"
    if not result.stdout.strip():
        reason = result.stderr.strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        return f"failed after {time.perf_counter() - start:.1f} s: {reason[0]}"
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return f"{figures['seconds']:.3f} s, peak {figures['peak_mb']:.0f} MB"


def best_of(repeat: int, text: str) -> float:
    """Best-of-``repeat`` in-process analysis time of a compose text, in seconds."""
    analyze_compose(text)  # warm caches, as a long-lived process would
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        analyze_compose(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds before a `check` run is killed")
    parser.add_argument("--repeat", type=int, default=3, help="timings per case (best is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for levels in (12, 20):
            path = Path(folder) / f"bomb{levels}" / "compose.yaml"
            path.parent.mkdir()
            path.write_text(alias_bomb(levels))
            size = path.stat().st_size
            print(f"alias bomb, {levels} levels ({size} bytes): `check`: "
                  f"{check_in_child(path, 'text', args.timeout)}")

        for label, prefix in (("its own password", "Pw"),
                              ("a password sharing 16 characters with the others",
                               "S3cr3t-Passw0rd-")):
            small = best_of(args.repeat, many_passwords(100, prefix))
            large = best_of(args.repeat, many_passwords(1000, prefix))
            print(f"compose, 100 services each with {label}: {small * 1000:.1f} ms")
            print(f"compose, 1,000 services each with {label}: {large * 1000:.1f} ms")
            print(f"  ratio 1,000/100: {large / small:.1f}x  (linear: ~10x)")

        path = Path(folder) / "backticks" / "Dockerfile"
        path.parent.mkdir()
        path.write_text(backticks(50_000))
        print(f"50,000 backtick lines ({path.stat().st_size // 1000} KB): `check` as text: "
              f"{check_in_child(path, 'text', args.timeout)}")
        print(f"50,000 backtick lines: `check --format json`: "
              f"{check_in_child(path, 'json', args.timeout)}")
        path = Path(folder) / "words" / "Dockerfile"
        path.parent.mkdir()
        path.write_text(unknown_words(50_000))
        print(f"50,000 different unknown instructions: `check` as text: "
              f"{check_in_child(path, 'text', args.timeout)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
