"""Capability advice that fits who runs the process: cap_add alone does nothing for non-root.

Docker puts an added capability only in a non-root process's bounding set
(moby/moby#36587), so advice to "grant it with cap_add" must say what else a non-root
program needs (issue 17 §3).
"""

from __future__ import annotations

from tests.conftest import REPO
from tutor.analysis.engine import analyze_compose
from tutor.analysis.rules import RULES

SERVICE = """services:
  probe:
    image: registry.example.com/probe:1.2.0
{user}    read_only: true
    cap_drop: [ALL]
    cap_add: [NET_RAW]
    security_opt: ["no-new-privileges:true"]
"""


def fix_for(user_line: str) -> str:
    """The HT303 fix a learner sees for NET_RAW added to the service."""
    findings = analyze_compose(SERVICE.format(user=user_line)).findings
    (added,) = [f for f in findings if f.rule == "HT303"]
    return added.fix


def test_non_root_service_is_told_cap_add_alone_does_nothing() -> None:
    """With user: 10001 the fix names the user, the bounding set and the file capability."""
    fix = fix_for('    user: "10001"\n')
    assert "user 10001" in fix and "bounding set" in fix
    assert "setcap cap_net_raw=+ep" in fix and "moby/moby#36587" in fix


def test_root_service_gets_the_general_advice() -> None:
    """As root, cap_add works; the documented fix still says when it would not."""
    fix = fix_for('    user: "0"\n')
    assert "user 0" not in fix
    assert fix == " ".join(RULES["HT303"].doc().fix.split())
    assert "non-root" in fix and "bounding set" in fix


def test_no_rule_advises_cap_add_without_saying_for_whom() -> None:
    """The fixes of HT301 to HT304, which all lead to cap_add, say what a non-root user needs."""
    for rule_id in ("HT301", "HT302", "HT303", "HT304"):
        fix = " ".join(RULES[rule_id].doc().fix.split())
        assert "non-root" in fix and ("setcap" in fix or "file capability" in fix), rule_id


def test_the_capabilities_lesson_says_cap_add_needs_root() -> None:
    """Lesson 04 explains the bounding set where it recommends --cap-add and cap_add."""
    text = (REPO / "lessons" / "04-capabilities.md").read_text(encoding="utf-8")
    recipe = text.index("--cap-add=NET_BIND_SERVICE shop/legacy")
    assert "bounding" in text[recipe:recipe + 800]
    setcap = text.index("Delete the `setcap` line")
    assert "`cap_add` alone will not" in text[setcap:setcap + 600]
