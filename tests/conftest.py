"""Shared fixtures: a fixed date for end-of-life checks, the shared corpus location, the
shipped course and an app on a private data folder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tutor.content.model import Course

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


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print how often we agree with hadolint, Trivy and Checkov on their own test cases."""
    from tests.test_corpus import AGREEMENT

    if not AGREEMENT:
        return
    terminalreporter.section("agreement with peers' labelled cases")
    checks = sorted({(tool, check) for tool, check, _ in AGREEMENT})
    for tool, check in checks:
        agree = AGREEMENT[(tool, check, "agree")]
        differ = AGREEMENT[(tool, check, "differ")]
        note = "" if not differ else "  (intended; see INTENDED_DISAGREEMENTS)"
        terminalreporter.write_line(f"{tool:9} {check:14} {agree}/{agree + differ}{note}")


@pytest.fixture(scope="module")
def course() -> Course:
    """The course that ships with the tool, loaded once per module."""
    from tutor.content.loader import load_course

    return load_course()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A private progress folder, so app tests never touch the real one."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def make_app(data_dir: Path):  # type: ignore[no-untyped-def]
    """Build the app as the command line would, on a private data folder and a fixed date."""
    from tutor.app import Launch
    from tutor.app.app import TutorApp

    def build(path: Path | None = None, content: Path | None = None) -> TutorApp:
        return TutorApp(Launch(path=path, data_dir=data_dir, content=content,
                               learner="tester", today=TODAY))

    return build
