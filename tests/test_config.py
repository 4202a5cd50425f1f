"""Configuration files and inline suppression, as a team migrating from other linters uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TODAY
from tutor.analysis.config import Config, find_config, load_config, parse_config
from tutor.analysis.engine import analyze_dockerfile
from tutor.analysis.model import Severity
from tutor.errors import ConfigError

ROOT_UNTAGGED = "FROM ubuntu\nRUN sudo true\n"


def rules_of(text: str, config: Config | None = None) -> list[str]:
    """Rule ids reported for the text."""
    return [f.rule for f in analyze_dockerfile(text, config, today=TODAY).findings]


def test_ignore_accepts_our_ids_and_peer_ids() -> None:
    """`ignore` takes HT ids and hadolint/Checkov ids alike."""
    config = parse_config({"ignore": ["DL3007", "HT106"]})
    assert config.ignore == {"HT401", "HT106"}
    assert rules_of(ROOT_UNTAGGED, config) == ["HT101"]


def test_severity_override_and_threshold() -> None:
    """Severity overrides change the reported level; the threshold is parsed."""
    config = parse_config({"severity": {"HT101": "info"}, "failure-threshold": "error"})
    (finding,) = [f for f in analyze_dockerfile(ROOT_UNTAGGED, config, today=TODAY).findings
                  if f.rule == "HT101"]
    assert finding.severity is Severity.INFO
    assert config.failure_threshold is Severity.ERROR
    assert parse_config({"failure-threshold": "none"}).failure_threshold is None


def test_trusted_nonroot_images() -> None:
    """A project's own non-root base image is trusted when configured."""
    text = "FROM registry.example.com/base/python:3.13\n"
    assert "HT101" in rules_of(text)
    config = parse_config({"trusted-nonroot-images": ["registry.example.com/base/*"]})
    assert "HT101" not in rules_of(text, config)


@pytest.mark.parametrize("data, message", [
    ({"ignores": ["HT101"]}, "unknown setting 'ignores'"),
    ({"ignore": ["HT999"]}, "'HT999' is not a rule id"),
    ({"ignore": "HT101"}, "ignore must be"),
    ({"severity": {"HT101": "fatal"}}, "severity.HT101"),
    ({"failure-threshold": "high"}, "failure-threshold must be"),
    ({"trusted-nonroot-images": "x"}, "trusted-nonroot-images must be"),
])
def test_bad_config_names_the_problem(data: dict[str, Any], message: str) -> None:
    """Every config error names the key and what is allowed."""
    with pytest.raises(ConfigError, match=message):
        parse_config(data, Path("proj/.hardening-tutor.toml"))


def test_config_file_discovery(tmp_path: Path) -> None:
    """.hardening-tutor.toml wins; pyproject.toml needs our table; the search stops at .git."""
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "svc" / "api"
    sub.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    assert find_config(sub) is None
    (tmp_path / "pyproject.toml").write_text("[tool.hardening-tutor]\nignore = ['HT402']\n")
    assert find_config(sub) == tmp_path / "pyproject.toml"
    assert load_config(tmp_path / "pyproject.toml").ignore == {"HT402"}
    (tmp_path / "svc" / ".hardening-tutor.toml").write_text("failure-threshold = 'error'\n")
    found = find_config(sub)
    assert found == tmp_path / "svc" / ".hardening-tutor.toml"
    assert load_config(found).failure_threshold is Severity.ERROR


def test_invalid_toml(tmp_path: Path) -> None:
    """A TOML syntax error is a ConfigError naming the file."""
    path = tmp_path / ".hardening-tutor.toml"
    path.write_text("ignore = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_inline_pragma_covers_only_the_next_instruction() -> None:
    """`# hardening-tutor ignore=` hides the next instruction's findings, not later ones."""
    text = ("FROM debian:13-slim\n# hardening-tutor ignore=HT106\nRUN sudo a && \\\n  sudo b\n"
            "RUN sudo c\nUSER 10001\n")
    assert [(f.rule, f.line) for f in analyze_dockerfile(text, today=TODAY).findings
            if f.rule == "HT106"] == [("HT106", 5)]


def test_hadolint_and_checkov_pragmas() -> None:
    """hadolint ignore is per instruction; checkov:skip and hadolint global are file-wide."""
    text = "# hadolint ignore=DL3002\nFROM debian:13-slim\nUSER root\n"
    assert "HT101" in rules_of(text)  # the pragma sits above FROM, the finding is on USER
    text = "FROM debian:13-slim\n# hadolint ignore=DL3002\nUSER root\n"
    assert "HT101" not in rules_of(text)
    text = "FROM debian:13-slim\nUSER root\n# checkov:skip=CKV_DOCKER_8:reviewed\n"
    assert "HT101" not in rules_of(text)
    text = "# hadolint global ignore=DL3006\nFROM ubuntu\nFROM alpine\nUSER 1\n"
    assert "HT401" not in rules_of(text)


def test_buildkit_check_skip() -> None:
    """BuildKit's `# check=skip=` works as a file directive and above an instruction."""
    text = "# check=skip=HT401\nFROM ubuntu\nUSER 1\n"
    assert "HT401" not in rules_of(text)
    text = "FROM debian:13-slim\n# check=skip=HT106\nRUN sudo x\nRUN sudo y\nUSER 1\n"
    assert [f.line for f in analyze_dockerfile(text, today=TODAY).findings
            if f.rule == "HT106"] == [4]


def test_suppressed_findings_are_counted() -> None:
    """The analysis reports how many findings comments hid."""
    text = "FROM debian:13-slim\n# hardening-tutor ignore=HT101\nUSER root\n"
    assert analyze_dockerfile(text, today=TODAY).suppressed == 1


def test_a_peer_family_id_ignores_every_rule_that_claims_it() -> None:
    """`ignore = ["CKV_SECRET_2"]` turns off both secret rules that stand for Checkov's."""
    config = parse_config({"ignore": ["CKV_SECRET_2"]})
    assert {"HT201", "HT202"} <= config.ignore


def test_compose_syntax_problems_obey_severity_overrides() -> None:
    """A YAML error in a compose file is HT001 and takes the configured severity."""
    from tutor.analysis.engine import analyze_compose

    config = parse_config({"severity": {"HT001": "warning"}})
    (finding,) = analyze_compose("services:\n  web: [unclosed\n", config).findings
    assert finding.rule == "HT001" and finding.severity == Severity.WARNING
    assert analyze_compose("services:\n  web: [unclosed\n",
                           parse_config({"ignore": ["HT001"]})).findings == []
