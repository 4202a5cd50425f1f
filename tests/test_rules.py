"""The registry and each rule's documentation: its examples are run, not just printed."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TODAY
from tutor.analysis.context import BuildContext, SecretFile
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules import _ALL, RULES, rule_for
from tutor.analysis.rules.base import LESSONS, Rule

# Rules a failing example may trigger beside its own, because the mistake implies them:
# a USER left in the builder means the final image runs as root.
COMPANIONS = {"HT102": {"HT101"}, "HT103": set(), "HT204": {"HT203"}}
# Digest pinning is informational and fires on every tagged FROM; examples stay readable.
ALWAYS_ALLOWED = {"HT402"}


# The build context an example describes in its comments (rules that read the context).
EXAMPLE_CONTEXTS = {
    "HT205": BuildContext(".", (SecretFile(".env", "environment file"),)),
}


def run_example(rule: Rule, text: str) -> list[Finding]:
    """Analyse a documented example as the kind of file the rule reads."""
    if rule.applies_to == "compose":
        return analyze_compose(text).findings
    return analyze_dockerfile(text, today=TODAY, context=EXAMPLE_CONTEXTS.get(rule.id)).findings


def test_ids_are_unique_and_well_formed() -> None:
    """Every rule id is unique and follows HTnnn."""
    assert len({cls.id for cls in _ALL}) == len(_ALL)
    for rule_id in RULES:
        assert re.fullmatch(r"HT\d{3}", rule_id)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_metadata(rule_id: str) -> None:
    """Each rule has a name, a topic, a severity, a known lesson and its documented sections."""
    rule = RULES[rule_id]
    assert re.fullmatch(r"[a-z][a-z0-9-]+", rule.name)
    assert isinstance(rule.topic, Topic) and isinstance(rule.severity, Severity)
    assert rule.lesson in LESSONS
    doc = rule.doc()
    for section in (doc.summary, doc.why, doc.failing, doc.passing, doc.fix):
        assert section.strip()


@pytest.mark.parametrize("rule_id", list(RULES))
def test_failing_example_triggers_the_rule(rule_id: str) -> None:
    """The documented failing Dockerfile triggers this rule and nothing unrelated."""
    rule = RULES[rule_id]
    findings = run_example(rule, rule.doc().failing)
    fired = {f.rule for f in findings}
    assert rule_id in fired
    assert fired - {rule_id} <= COMPANIONS.get(rule_id, set()) | ALWAYS_ALLOWED, findings


@pytest.mark.parametrize("rule_id", list(RULES))
def test_passing_example_triggers_nothing(rule_id: str) -> None:
    """The documented passing Dockerfile (or compose file) is clean."""
    findings = run_example(RULES[rule_id], RULES[rule_id].doc().passing)
    assert {f.rule for f in findings} <= ALWAYS_ALLOWED - {rule_id}, findings


def test_aliases_resolve_to_their_rule() -> None:
    """A peer id such as DL3002 finds our rule, so `explain DL3002` and ignores work."""
    assert rule_for("DL3002") is RULES["HT101"]
    assert rule_for("ckv_docker_7") is RULES["HT401"]
    assert rule_for("nope") is None


def test_messages_say_what_an_attacker_gains() -> None:
    """Root-topic findings explain the consequence, not just the pattern."""
    text = "FROM debian:13-slim\nCMD [\"sh\"]\n"
    (finding,) = [f for f in analyze_dockerfile(text, today=TODAY).findings if f.rule == "HT101"]
    assert "uid 0" in finding.message and "host" in finding.message
    assert finding.fix.startswith("Create an unprivileged user")
