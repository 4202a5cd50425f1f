"""Mechanical fixes: each one removes its finding and adds no new problem."""

from __future__ import annotations

import pytest

from tests.conftest import TODAY
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.fixes import Fix, compose_fix, dockerfile_fix

DOCKERFILE_CASES = {
    "HT101": "FROM debian:12\nRUN apt-get update\nCMD [\"sh\"]\n",
    "HT104": ("FROM debian:12\nRUN useradd --uid 10001 --no-create-home app\nUSER app\n"
              "CMD [\"sh\"]\n"),
    "HT401": "FROM node\nUSER 1000\nCMD [\"node\", \"s.js\"]\n",
    "HT201": ("FROM node:24\nARG NPM_TOKEN\nRUN echo \"//r/:_authToken=${NPM_TOKEN}\" > .npmrc"
              " && npm ci\nUSER 1000\nCMD [\"node\", \"s.js\"]\n"),
}


def _apply(fix: Fix) -> str:
    lines = fix.before.splitlines(keepends=True)
    start, end, new = fix.span()
    return "".join(lines[:start]) + new + "".join(lines[end:])


@pytest.mark.parametrize("rule", sorted(DOCKERFILE_CASES))
def test_dockerfile_fix_removes_its_finding(rule: str) -> None:
    """Applying the offered fix (as the editor does, by span) makes the finding go."""
    text = DOCKERFILE_CASES[rule]
    analysis = analyze_dockerfile(text, today=TODAY)
    finding = next(f for f in analysis.findings if f.rule == rule)
    fix = dockerfile_fix(finding, text, analysis, TODAY)
    assert fix is not None
    fixed = _apply(fix)
    assert fixed == fix.after
    after = analyze_dockerfile(fixed, today=TODAY)
    assert rule not in {f.rule for f in after.findings}
    before_rules = {f.rule for f in analysis.findings}
    assert {f.rule for f in after.findings} - before_rules <= {"HT402"}


def test_user_fix_goes_before_the_command() -> None:
    """The USER line lands after the last RUN and before CMD."""
    text = DOCKERFILE_CASES["HT101"]
    analysis = analyze_dockerfile(text, today=TODAY)
    fix = dockerfile_fix(analysis.findings[0], text, analysis, TODAY)
    assert fix is not None
    assert fix.after.splitlines() == ["FROM debian:12", "RUN apt-get update",
                                      "USER 10001:10001", "CMD [\"sh\"]"]
    assert "+USER 10001:10001" in fix.diff("Dockerfile")


def test_secret_fix_mounts_the_secret_into_the_run_that_uses_it() -> None:
    """The ARG goes and the RUN reads the value from a BuildKit secret instead."""
    text = DOCKERFILE_CASES["HT201"]
    analysis = analyze_dockerfile(text, today=TODAY)
    finding = next(f for f in analysis.findings if f.rule == "HT201")
    fix = dockerfile_fix(finding, text, analysis, TODAY)
    assert fix is not None
    assert "ARG NPM_TOKEN" not in fix.after
    assert "RUN --mount=type=secret,id=npm-token,env=NPM_TOKEN echo" in fix.after
    assert "docker build --secret id=npm-token,env=NPM_TOKEN" in fix.note


def test_no_fix_where_judgement_is_needed() -> None:
    """A named user whose UID the file does not give, and a digest, get no fix."""
    text = "FROM debian:12\nUSER appuser\nCMD [\"sh\"]\n"
    analysis = analyze_dockerfile(text, today=TODAY)
    for finding in analysis.findings:
        if finding.rule in ("HT104", "HT103", "HT402"):
            assert dockerfile_fix(finding, text, analysis, TODAY) is None


def test_crlf_file_keeps_its_line_endings() -> None:
    """A fix to a CRLF Dockerfile inserts a CRLF line."""
    text = "FROM debian:12\r\nCMD [\"sh\"]\r\n"
    analysis = analyze_dockerfile(text, today=TODAY)
    finding = next(f for f in analysis.findings if f.rule == "HT101")
    fix = dockerfile_fix(finding, text, analysis, TODAY)
    assert fix is not None and "USER 10001:10001\r\n" in fix.after


@pytest.mark.parametrize("rule", ["HT304", "HT305"])
def test_compose_fix_removes_its_finding(rule: str) -> None:
    """The compose key is added under the right service with its siblings' indentation."""
    text = ("services:\n  db:\n    image: postgres:17\n    cap_drop: [ALL]\n"
            "    security_opt: ['no-new-privileges:true']\n"
            "  web:\n      build: .\n      user: '1000'\n")
    compose = analyze_compose(text)
    finding = next(f for f in compose.findings if f.rule == rule)
    fix = compose_fix(finding, text, compose)
    assert fix is not None and "'web'" in fix.title
    after = analyze_compose(fix.after)
    assert rule not in {f.rule for f in after.findings}
    assert not after.model.problems
    assert "      cap_drop:\n        - ALL\n" in fix.after or "      security_opt:" in fix.after
