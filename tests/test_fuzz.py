"""Mutated real files never crash the analyzer or its reports (issue 13).

A few thousand seeded inputs run on every CI run; ``benchmarks/fuzz.py`` runs 100,000 and
reports speed and the slowest input. Set HARDENING_TUTOR_FUZZ_SEED or _COUNT to explore more.
"""

from __future__ import annotations

import os
import random
import traceback

import pytest

from tests.mutator import SEEDS, Sample, _mutate_once, run_sample, samples

COUNT = int(os.environ.get("HARDENING_TUTOR_FUZZ_COUNT", "3000"))
SEED = int(os.environ.get("HARDENING_TUTOR_FUZZ_SEED", "2026"))


def test_mutated_inputs_never_raise() -> None:
    """Thousands of mutated Dockerfiles and compose files give findings, never exceptions."""
    failures: list[str] = []
    for index, sample in enumerate(samples(COUNT, SEED)):
        try:
            run_sample(sample)
        except Exception:  # any exception is the bug this test exists to find
            failures.append(f"input #{index} (seed {SEED}, from {sample.origin}, "
                            f"{sample.data[:200]!r}):\n{traceback.format_exc(limit=4)}")
    assert not failures, f"{len(failures)} of {COUNT} inputs crashed:\n" + "\n".join(
        failures[:3])


def test_the_mutator_is_seeded_and_really_mutates() -> None:
    """The same seed replays the same inputs, and they differ from the files they came from."""
    first = [s.data for s in samples(50, 7)]
    assert first == [s.data for s in samples(50, 7)]
    assert first != [s.data for s in samples(50, 8)]
    rng = random.Random(1)
    seed = SEEDS["dockerfile"][0]
    assert any(_mutate_once(rng, seed, seed) != seed for _ in range(10))


def test_the_runner_reaches_the_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sample that the analyzer cannot handle would surface: the runner does not swallow."""
    from tutor.analysis import engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("analyzer broke")

    monkeypatch.setattr(engine, "analyze_dockerfile", broken)
    with pytest.raises(RuntimeError):
        run_sample(Sample("dockerfile", "seed", SEEDS["dockerfile"][0]))
