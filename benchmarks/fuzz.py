"""Fuzz the analyzer and its reports with mutated corpus files; print speed and the worst.

Run: python benchmarks/fuzz.py [N] [--seed S]   (default N = 100000)
Goal (issue #13): 100,000 inputs with no exception and no input over 1 s. Each input is a
real Dockerfile or compose file from ../shared/corpus after a few seeded random edits (see
tests/mutator.py), taken through decoding, analysis and the text, JSON and SARIF reports.
A crash or a slow input is printed with its seed index and saved under /tmp for replay.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.mutator import CORPUS, run_sample, samples  # noqa: E402

SLOW_SECONDS = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    if not (args.corpus / "MANIFEST.jsonl").is_file():
        print(f"note: no corpus at {args.corpus}; mutating the built-in seeds only")
    crashes: list[tuple[int, str, str]] = []
    slow: list[tuple[float, int, str]] = []
    worst = (0.0, -1, "", b"")
    out_dir = Path(tempfile.mkdtemp(prefix="hardening-tutor-fuzz-"))
    started = time.perf_counter()
    for index, sample in enumerate(samples(args.count, args.seed, args.corpus)):
        begin = time.perf_counter()
        try:
            run_sample(sample)
        except Exception:  # every exception is a finding of this run, kept for replay
            crashes.append((index, sample.origin, traceback.format_exc(limit=3)))
            (out_dir / f"crash-{index}.{sample.kind}").write_bytes(sample.data)
        took = time.perf_counter() - begin
        if took > worst[0]:
            worst = (took, index, sample.origin, sample.data)
        if took > SLOW_SECONDS:
            slow.append((took, index, sample.origin))
            (out_dir / f"slow-{index}.{sample.kind}").write_bytes(sample.data)
        if (index + 1) % 10_000 == 0:
            rate = (index + 1) / (time.perf_counter() - started)
            print(f"  {index + 1:>7} inputs, {rate:.0f}/s, {len(crashes)} crashes, "
                  f"{len(slow)} over {SLOW_SECONDS:.0f} s", flush=True)
    elapsed = time.perf_counter() - started
    print(f"inputs: {args.count} in {elapsed:.1f} s ({args.count / elapsed:.0f} per second), "
          f"seed {args.seed}")
    print(f"crashes: {len(crashes)}")
    for index, origin, trace in crashes[:5]:
        print(f"  #{index} from {origin}:\n{trace}")
    print(f"inputs over {SLOW_SECONDS:.0f} s: {len(slow)}")
    took, index, origin, data = worst
    print(f"slowest: #{index} from {origin}, {took * 1000:.1f} ms, {len(data)} bytes")
    if crashes or slow:
        print(f"saved for replay in {out_dir}")
    return 1 if crashes or slow else 0


if __name__ == "__main__":
    sys.exit(main())
