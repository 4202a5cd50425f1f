"""Proof on real files: the shared corpus of real Dockerfiles and peers' labelled cases."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from tests.conftest import TODAY
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.rules import rules_for_alias
from tutor.analysis.source import decode

# Cases where we disagree with the peer on purpose, and why. The test fails if a case
# disagrees without being listed here, or is listed but now agrees.
INTENDED_DISAGREEMENTS = {
    "DL3002__07_warns-on-multiple-stages":
        "hadolint flags a root builder stage; only the final image ships, and its stage ends "
        "with USER foo, so HT101 stays silent (hadolint#405, #1014).",
    "DL3002__08_does-not-warn-when-switching-in-multiple-stages":
        "the USER foo is in the builder; the final stage is FROM scratch with no USER, so the "
        "image runs as uid 0. hadolint only looks for an explicit root USER and misses it.",
    "DL3066__02_not-ok-non-numeric-UID":
        "the snippet has no FROM, so it builds no image: we report HT001 instead of judging "
        "a USER that belongs to no stage.",
    "DL3066__03_not-ok-non-numeric-UID-and-GID":
        "same as above: a USER line with no FROM is a syntax problem, not an image to judge.",
}

AGREEMENT: Counter[tuple[str, str, str]] = Counter()


def manifest(corpus: Path) -> list[dict[str, Any]]:
    """Every row of the corpus manifest."""
    return [json.loads(line) for line in (corpus / "MANIFEST.jsonl").read_text().splitlines()]


def test_every_real_dockerfile_is_analysed_with_a_profile(corpus: Path) -> None:
    """All real-world Dockerfiles parse without an exception and get a one-sentence reason."""
    rows = [r for r in manifest(corpus) if r["kind"] == "real"]
    dockerfiles = [r for r in rows if r.get("file_type", "dockerfile") == "dockerfile"]
    assert len(dockerfiles) > 500
    verdicts: Counter[object] = Counter()
    for row in dockerfiles:
        source = decode((corpus / row["path"]).read_bytes(), row["path"])
        analysis = analyze_dockerfile(source.text, today=TODAY, extra_problems=source.problems)
        assert analysis.profile.reason, row["path"]
        verdicts[analysis.profile.runs_as_root] += 1
    # Most public images run as root; some are non-root or depend on build arguments.
    assert verdicts[True] > verdicts[False] > 0 and verdicts[None] > 0


def test_every_real_compose_file_is_analysed(corpus: Path) -> None:
    """Real compose files load and run through every compose rule without exceptions."""
    rows = [r for r in manifest(corpus) if r.get("file_type") == "compose"]
    assert rows
    fired: Counter[str] = Counter()
    for row in rows:
        analysis = analyze_compose(decode((corpus / row["path"]).read_bytes()).text)
        assert analysis.model.data is not None or analysis.model.problems, row["path"]
        assert all(f.line >= 1 for f in analysis.findings)
        fired.update(f.rule for f in analysis.findings)
    # Public compose files are rarely hardened: the capability rules must have fired.
    assert fired["HT304"] and fired["HT305"] and fired["HT307"]


def test_buildkit_secret_names_line_for_line(corpus: Path) -> None:
    """BuildKit's SecretsUsedInArgOrEnv case: our HT201 warns on exactly its lines."""
    (row,) = [r for r in manifest(corpus) if r.get("check") == "SecretsUsedInArgOrEnv"]
    text = decode((corpus / row["path"]).read_bytes()).text
    ours = sorted(f.line for f in analyze_dockerfile(text, today=TODAY).findings
                  if f.rule == "HT201")
    assert ours == sorted(w["line"] for w in row["expected_warnings"])


def test_labelled_cases_agree_with_peers(corpus: Path) -> None:
    """For every peer check one of our rules claims as an alias, we agree except where listed."""
    disagreements: dict[str, str] = {}
    for row in manifest(corpus):
        if row["kind"] != "labelled":
            continue
        rules = rules_for_alias(row["check"])
        if not rules:
            continue
        source = decode((corpus / row["path"]).read_bytes())
        findings = analyze_dockerfile(source.text, today=TODAY,
                                      extra_problems=source.problems).findings
        fired = any(f.rule in {r.id for r in rules} for f in findings)
        agrees = fired == (row["expect"] == "fail")
        AGREEMENT[(row["tool"], row["check"], "agree" if agrees else "differ")] += 1
        if not agrees:
            disagreements[Path(row["path"]).parent.name] = row["expect"]
    assert set(disagreements) == set(INTENDED_DISAGREEMENTS), disagreements
    assert sum(AGREEMENT.values()) > 50
