"""Run the rules over parsed text: the one entry point the CLI, the app and exercises share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tutor.analysis.base_images import BaseImages, BuiltLookup
from tutor.analysis.compose_names import is_template_name
from tutor.analysis.config import Config
from tutor.analysis.context import BuildContext
from tutor.analysis.findings import Finding
from tutor.analysis.image_model import ImageModel
from tutor.analysis.interrupt import checkpoint
from tutor.analysis.model import Dockerfile, ParseProblem
from tutor.analysis.parse import parse
from tutor.analysis.profile import ImageProfile, UserOverride, apply_override, compute_profile
from tutor.analysis.rules import RULES
from tutor.analysis.rules._secrets import dockerfile_secret_values
from tutor.analysis.rules.base import ComposeContext, Ctx, DockerfileContext, Rule
from tutor.analysis.scrub import Scrubber
from tutor.analysis.suppress import Suppressions, collect, collect_yaml

if TYPE_CHECKING:  # the compose model is imported only when a compose file is analysed
    from tutor.analysis.compose import ComposeModel


@dataclass(slots=True)
class Analysis:
    """The result for one Dockerfile: model, profile and findings sorted by line."""

    dockerfile: Dockerfile
    profile: ImageProfile
    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0
    # Users, who runs each step, owners and modes: what HT111-HT114 and goals judge by.
    model: ImageModel | None = None


@dataclass(slots=True)
class ComposeAnalysis:
    """The result for one compose file."""

    model: ComposeModel
    findings: list[Finding] = field(default_factory=list)
    suppressed: int = 0


def analyze_dockerfile(
    text: str,
    config: Config | None = None,
    *,
    target: str | None = None,
    today: dt.date | None = None,
    extra_problems: tuple[ParseProblem, ...] = (),
    context: BuildContext | None = None,
    user_override: UserOverride | None = None,
    built: BuiltLookup | None = None,
) -> Analysis:
    """Parse once and run every Dockerfile rule; does no I/O of its own.

    ``context`` is the already-scanned build context, ``user_override`` a compose service's
    ``user:``, ``built`` what images the checked folders build set (it may read their
    Dockerfiles). Raises ``InputError`` only when ``target`` names no stage.
    """
    config = config or Config()
    dockerfile = parse(text, BaseImages(config.trusted_nonroot, built))
    if extra_problems:
        dockerfile.problems = sorted([*extra_problems, *dockerfile.problems],
                                     key=lambda p: p.line)
    profile = apply_override(compute_profile(dockerfile, target), user_override)
    ctx = DockerfileContext(dockerfile=dockerfile, profile=profile,
                            today=today or dt.date.today(), build_context=context)
    findings, suppressed = _run(RULES.dockerfile_rules(), ctx, collect(dockerfile), config)
    secrets = dockerfile_secret_values(ctx)
    return Analysis(dockerfile, profile, _scrubbed(findings, secrets), suppressed, ctx.model)


def analyze_compose(
    text: str,
    config: Config | None = None,
    *,
    today: dt.date | None = None,
    extra_problems: tuple[ParseProblem, ...] = (),
    built: BuiltLookup | None = None,
    name: str | None = None,
) -> ComposeAnalysis:
    """Parse a compose file once and run every compose rule; does no I/O of its own.

    ``name`` is the file's name: one named as an example or a template
    (``compose.example.yaml``) may hold obvious placeholders for its secrets.
    """
    from tutor.analysis.compose import parse_compose
    from tutor.analysis.rules._compose_secrets import compose_secret_values

    config = config or Config()
    model = parse_compose(text)
    if extra_problems:
        model = replace(model, problems=(*extra_problems, *model.problems))
    ctx = ComposeContext(model, BaseImages(config.trusted_nonroot, built),
                         today or dt.date.today(),
                         template=name is not None and is_template_name(name))
    # YAML problems are HT001's (its compose class), so they go through the same ignore,
    # pragma and severity handling as any rule's findings.
    findings, suppressed = _run(RULES.compose_rules(), ctx, collect_yaml(text), config)
    return ComposeAnalysis(model, _scrubbed(findings, compose_secret_values(ctx)), suppressed)


def _run(rules: Sequence[Rule[Ctx]], ctx: Ctx, suppressions: Suppressions,
         config: Config) -> tuple[list[Finding], int]:
    """Run each rule's check on the context, drop suppressed findings, apply severity
    overrides, sort by line."""
    findings: list[Finding] = []
    suppressed = 0
    for rule in rules:
        checkpoint()
        if rule.id in config.ignore:
            continue
        for finding in rule.check(ctx):
            if suppressions.hides(finding, rule.aliases):
                suppressed += 1
                continue
            override = config.severity.get(rule.id)
            findings.append(replace(finding, severity=override) if override else finding)
    findings.sort(key=lambda f: (f.line, -f.severity.rank, f.rule))
    return findings, suppressed


def _scrubbed(findings: list[Finding], secrets: Iterable[str]) -> list[Finding]:
    """A last guard: no finding's text may carry a secret value whole, whatever a rule wrote."""
    scrub = Scrubber(secrets)
    if not scrub.values:
        return findings
    cleaned: list[Finding] = []
    for finding in findings:
        message, fix = scrub(finding.message), scrub(finding.fix)
        cleaned.append(finding if (message, fix) == (finding.message, finding.fix)
                       else replace(finding, message=message, fix=fix))
    return cleaned
