"""Edge cases as data: each tests/cases file marks the instruction or YAML line that must fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.findings import Finding

CASES = sorted((Path(__file__).parent / "cases").glob("*.Dockerfile"))
COMPOSE_CASES = sorted((Path(__file__).parent / "cases").glob("*.compose.yaml"))
_EXPECT = re.compile(r"^#\s*expect:\s*(.+)$")
_TRAILING = re.compile(r"\s#\s*expect:\s*(.+)$")
_HEADER = re.compile(r"^#\s*(profile|target):\s*(\S+)\s*$")
# One marked rule, with the severity it must have when the case says: `HT311 (error)`.
_MARK = re.compile(r"^(\S+?)\s*(?:\((error|warning|info)\))?$")
# Digest pinning (info) fires on nearly every FROM and compose `image:`; cases assert it only
# where they expect it.
_NOISE = {"HT402"}


Marks = dict[tuple[int, str], str | None]


def expectations(text: str) -> tuple[Marks, dict[str, str]]:
    """(line, rule) pairs from `# expect:` markers with any severity named, and the header."""
    expected: Marks = {}
    header: dict[str, str] = {}
    pending: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if (match := _TRAILING.search(line)) and not stripped.startswith("#"):
            # A trailing marker (YAML cases) names findings on its own line.
            expected |= _marked(number, match.group(1).split(","))
            stripped = line[:match.start()].strip()
        if match := _EXPECT.match(stripped):
            pending += [r.strip() for r in match.group(1).split(",")]
        elif match := _HEADER.match(stripped):
            header[match.group(1)] = match.group(2)
        elif stripped and not stripped.startswith("#") and pending:
            expected |= _marked(number, pending)
            pending = []
    return expected, header


def _marked(line: int, marks: list[str]) -> Marks:
    """Each mark of one line as (line, rule) → severity (None when the mark names none)."""
    found: Marks = {}
    for mark in marks:
        match = _MARK.match(mark.strip())
        assert match, f"line {line}: '{mark}' is not RULE or RULE (severity)"
        found[(line, match.group(1))] = match.group(2)
    return found


def assert_severities(expected: Marks, findings: list[Finding]) -> None:
    """Findings whose mark names a severity have that severity."""
    for finding in findings:
        wanted = expected.get((finding.line, finding.rule))
        assert wanted in (None, finding.severity.value), finding


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_case(case: Path, line_ending: str) -> None:
    """The findings and the runs-as-root verdict are exactly what the case file marks."""
    text = case.read_text(encoding="utf-8")
    expected, header = expectations(text)
    analysis = analyze_dockerfile(text.replace("\n", line_ending), target=header.get("target"),
                                  today=TODAY)
    expected_rules = {rule for _, rule in expected}
    actual = {(f.line, f.rule) for f in analysis.findings
              if f.rule not in _NOISE or f.rule in expected_rules}
    assert actual == set(expected), analysis.profile.reason
    assert_severities(expected, analysis.findings)
    verdict = {True: "root", False: "non-root", None: "unknown"}[analysis.profile.runs_as_root]
    assert verdict == header["profile"], analysis.profile.reason


def test_every_case_declares_a_profile() -> None:
    """A case without a profile header would silently skip the verdict check."""
    assert CASES
    for case in CASES:
        assert "profile" in expectations(case.read_text(encoding="utf-8"))[1], case.name


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("case", COMPOSE_CASES, ids=[c.stem for c in COMPOSE_CASES])
def test_compose_case(case: Path, line_ending: str) -> None:
    """Compose findings land on exactly the YAML lines the case marks."""
    text = case.read_text(encoding="utf-8")
    expected, _ = expectations(text)
    analysis = analyze_compose(text.replace("\n", line_ending), today=TODAY)
    expected_rules = {rule for _, rule in expected}
    actual = {(f.line, f.rule) for f in analysis.findings
              if f.rule not in _NOISE or f.rule in expected_rules}
    assert actual == set(expected), analysis.findings
    assert_severities(expected, analysis.findings)
