"""Shared fixtures: a fixed date for end-of-life checks, and the shared corpus location."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

# The end-of-life table is compared against "today"; tests pin the day the table was checked.
TODAY = dt.date(2026, 11, 22)
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def corpus() -> Path:
    """The shared corpus directory, or skip when this checkout has none beside it."""
    if not (CORPUS / "MANIFEST.jsonl").is_file():
        pytest.skip("../shared/corpus is not present")
    return CORPUS
