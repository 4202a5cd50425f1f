"""The registry and each rule's documentation: its examples are run, not just printed."""

from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TODAY
from tutor.analysis.context import BuildContext, SecretFile
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules import _TABLE, KINDS, RULES, rule_for, rules_for_alias
from tutor.analysis.rules.base import LESSONS, ComposeRule, DockerfileRule, Rule

# Rules a failing example may trigger beside its own, because the mistake implies them:
# a USER left in the builder means the final image runs as root.
COMPANIONS = {"HT102": {"HT101"}, "HT103": set(), "HT204": {"HT203"}}
# Digest pinning is informational and fires on every tagged FROM; examples stay readable.
ALWAYS_ALLOWED = {"HT402"}


# The build context an example describes in its comments (rules that read the context).
EXAMPLE_CONTEXTS = {
    "HT205": BuildContext(".", (SecretFile(".env", "environment file"),)),
}


def run_example(rule: Rule[Any], text: str) -> list[Finding]:
    """Analyse a documented example as the kind of file the rule reads."""
    if rule.kind == "compose":
        return analyze_compose(text).findings
    return analyze_dockerfile(text, today=TODAY, context=EXAMPLE_CONTEXTS.get(rule.id)).findings


def test_ids_are_unique_and_well_formed() -> None:
    """Every rule id is unique and follows HTnnn."""
    classes = [type(RULES[rule_id]) for rule_id in RULES]
    assert len(set(classes)) == len(classes) == len({cls.id for cls in classes})
    for rule_id in RULES:
        assert re.fullmatch(r"HT\d{3}", rule_id)


def test_the_table_says_what_each_rule_class_says() -> None:
    """Each row names, for each kind of file, a class of that kind with the row's id and name."""
    from tutor.analysis.rules.base import ComposeRule, DockerfileRule

    of_kind = {"dockerfile": DockerfileRule, "compose": ComposeRule}
    dockerfile, compose = RULES.dockerfile_rules(), RULES.compose_rules()
    for rule_id, (module, slug, *classes) in _TABLE.items():
        kinds = RULES.kinds(rule_id)
        assert kinds == tuple(k for k, name in zip(KINDS, classes, strict=True) if name)
        for kind, name in zip(KINDS, classes, strict=True):
            rules = [r for r in (dockerfile if kind == "dockerfile" else compose)
                     if r.id == rule_id]
            if name is None:
                assert rules == []
                continue
            (rule,) = rules
            assert type(rule).__module__ == f"tutor.analysis.rules.{module}"
            assert type(rule).__name__ == name and isinstance(rule, of_kind[kind])
            assert (rule.id, rule.name, rule.kind, rule.doc()) == (
                rule_id, slug, kind, RULES[rule_id].doc())
        # The rule as documented is the class of its first kind; its examples are of that kind.
        assert RULES[rule_id].kind == kinds[0]
        assert RULES.name_of(rule_id) == slug


def test_a_rule_of_two_kinds_is_one_rule() -> None:
    """HT401 reads Dockerfiles and compose files alike: one id, one documentation, both checks."""
    assert RULES.kinds("HT401") == ("dockerfile", "compose")
    dockerfile = analyze_dockerfile("FROM node:latest\nUSER 10001\n").findings
    compose = analyze_compose("services:\n  web:\n    image: node:latest\n    user: '1'\n"
                              "    read_only: true\n    cap_drop: [ALL]\n"
                              "    security_opt: ['no-new-privileges:true']\n").findings
    assert [f.rule for f in dockerfile] == [f.rule for f in compose] == ["HT401"]
    assert dockerfile[0].fix == compose[0].fix == " ".join(RULES["HT401"].doc().fix.split())
    assert "each pull may fetch" in compose[0].message


def test_a_rule_implements_check_or_cannot_be_made() -> None:
    """check is abstract: a rule class that forgets it fails when made, not when it runs."""
    from tutor.analysis.rules.base import ComposeRule, DockerfileRule

    for kind in (DockerfileRule, ComposeRule):
        forgetful = type("Forgetful", (kind,), {"id": "HT999"})
        with pytest.raises(TypeError, match="abstract"):
            forgetful()


def test_every_rule_module_is_in_the_table() -> None:
    """A rule class for a kind of file, in any module of tutor/analysis/rules, has a row: none
    is left unregistered."""
    folder = Path(importlib.import_module("tutor.analysis.rules").__file__ or "").parent
    registered = {type(rule) for rule in (*RULES.dockerfile_rules(), *RULES.compose_rules())}
    for path in sorted(folder.glob("*.py")):
        if path.stem.startswith("_") or path.stem == "base":
            continue
        module = importlib.import_module(f"tutor.analysis.rules.{path.stem}")
        defined = {value for value in vars(module).values()
                   if isinstance(value, type) and issubclass(value, (DockerfileRule, ComposeRule))
                   and not inspect.isabstract(value) and value.__module__ == module.__name__}
        assert defined and defined <= registered, path.name


def test_no_alias_is_one_of_our_ids() -> None:
    """A peer alias never spells an HT id, so looking an id up needs no other rule's module."""
    for rule in RULES.values():
        assert not any(re.fullmatch(r"HT\d{3}", alias) for alias in rule.aliases), rule.id
    assert rules_for_alias(" ht101 ") == [RULES["HT101"]]
    assert {r.id for r in rules_for_alias("CKV_SECRET_6")} >= {"HT201", "HT202"}


def test_a_rule_module_is_imported_when_first_asked_for() -> None:
    """Listing the ids imports no rule; a Dockerfile's rules never import a compose rule."""
    script = (
        "import sys\nfrom tutor.analysis.rules import RULES\n"
        "ids = list(RULES); assert 'HT311' in RULES and 'HT999' not in RULES\n"
        "loaded = lambda: {m for m in sys.modules if m.startswith('tutor.analysis.rules.')}\n"
        "print(sorted(loaded()))\n"
        "RULES.dockerfile_rules()\n"
        "print(sorted(m for m in loaded() if 'compose' in m))\n"
        "print(len(ids), sum(1 for r in RULES.values()))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False)
    assert result.stdout.splitlines() == [
        "[]", "[]",
        f"{len(_TABLE)} {len(_TABLE)}"], result.stderr


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
