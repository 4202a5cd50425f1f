"""Run the rules over parsed text: the one entry point the CLI, the app and exercises share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from tutor.analysis.config import Config
from tutor.analysis.findings import Finding
from tutor.analysis.model import Dockerfile, ParseProblem
from tutor.analysis.parse import parse
from tutor.analysis.profile import ImageProfile, compute_profile
from tutor.analysis.rules import RULES
from tutor.analysis.rules.base import DockerfileContext
from tutor.analysis.suppress import collect


@dataclass(slots=True)
class Analysis:
    """The result for one Dockerfile: model, profile and findings sorted by line."""

    dockerfile: Dockerfile
    profile: ImageProfile
    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0


def analyze_dockerfile(
    text: str,
    config: Config | None = None,
    *,
    target: str | None = None,
    today: dt.date | None = None,
    extra_problems: tuple[ParseProblem, ...] = (),
) -> Analysis:
    """Parse once and run every Dockerfile rule; does no I/O.

    Raises ``InputError`` only when ``target`` names no stage.
    """
    config = config or Config()
    dockerfile = parse(text)
    if extra_problems:
        dockerfile.problems = sorted([*extra_problems, *dockerfile.problems],
                                     key=lambda p: p.line)
    profile = compute_profile(dockerfile, target, config.trusted_nonroot)
    ctx = DockerfileContext(dockerfile=dockerfile, profile=profile,
                            today=today or dt.date.today())
    suppressions = collect(dockerfile)
    findings: list[Finding] = []
    suppressed = 0
    for rule_id, rule in RULES.items():
        if rule.applies_to != "dockerfile" or rule_id in config.ignore:
            continue
        for finding in rule.check(ctx):
            if suppressions.hides(finding, rule.aliases):
                suppressed += 1
                continue
            override = config.severity.get(rule_id)
            findings.append(replace(finding, severity=override) if override else finding)
    findings.sort(key=lambda f: (f.line, -f.severity.rank, f.rule))
    return Analysis(dockerfile, profile, findings, suppressed)
