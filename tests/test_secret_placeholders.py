"""Placeholders in compose files (issue 19): quiet only in a file named as a template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tutor.analysis.compose_names import is_template_name, without_template_suffix
from tutor.analysis.engine import analyze_compose
from tutor.analysis.files import kind_of
from tutor.analysis.secrets import is_placeholder, is_substituted
from tutor.cli import main

# Lines 5 to 10; the first three are obvious placeholders, the next two references a tool
# replaces, the last a real-looking password.
COMPOSE = """\
services:
  db:
    image: postgres:18
    environment:
      POSTGRES_PASSWORD: example
      ADMIN_PASSWORD: <your-password>
      API_TOKEN: your-token-here
      JWT_SECRET: ${JWT_SECRET}
      SESSION_SECRET: "{{ session_secret }}"
      REPLICA_PASSWORD: Sup3rS3cret!2024
"""
PLACEHOLDER_LINES = [5, 6, 7]
REAL_LINE = 10
TEMPLATE_NAMES = ["compose.example.yaml", "docker-compose.example.yml",
                  "compose.template.yaml", "docker-compose.yml.dist",
                  "docker-compose.yml.sample", "docker-compose-example.yml",
                  "compose.prod.tpl.yaml"]
DEPLOYED_NAMES = ["compose.yaml", "docker-compose.yml", "docker-compose.test.yml",
                  "docker-compose.images.yml", "compose.override.yaml"]


def ht206_lines(text: str, name: str | None) -> list[int]:
    """The lines HT206 reports in a compose file of this name."""
    return [f.line for f in analyze_compose(text, today=TODAY, name=name).findings
            if f.rule == "HT206"]


@pytest.mark.parametrize("name", [*DEPLOYED_NAMES, None])
def test_a_placeholder_in_a_deployed_compose_file_is_a_literal_password(name: str | None,
                                                                         ) -> None:
    """`POSTGRES_PASSWORD: example` is reported like `Sup3rS3cret!2024` in a file someone
    deploys (an unnamed text, such as a test's, counts as one); references are not."""
    assert ht206_lines(COMPOSE, name) == [*PLACEHOLDER_LINES, REAL_LINE]


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_a_template_keeps_quiet_about_placeholders_only(name: str) -> None:
    """In compose.example.yaml and the like, placeholders are fine; a real password is not."""
    assert ht206_lines(COMPOSE, name) == [REAL_LINE]


def test_the_finding_says_why_a_placeholder_counts() -> None:
    """The message names the placeholder case and the file name that would make it a
    template; the real password's message does not."""
    findings = {f.line: f.message for f in analyze_compose(COMPOSE, name="compose.yaml").findings
                if f.rule == "HT206"}
    assert "reads like a placeholder" in findings[5] and "compose.example.yaml" in findings[5]
    assert "placeholder" not in findings[REAL_LINE]


def test_a_placeholder_on_a_command_line_follows_the_same_rule() -> None:
    """`--requirepass example` on a command is reported in compose.yaml, not in a template."""
    text = ("services:\n  cache:\n    image: redis:8\n"
            "    command: redis-server --requirepass example\n")
    assert ht206_lines(text, "compose.yaml") == [4]
    assert ht206_lines(text, "compose.example.yaml") == []


def test_the_corpus_sample_that_deploys_a_placeholder_password(corpus: Path) -> None:
    """docker/awesome-compose's aspnet-mssql sets SA_PASSWORD: example_123 in the compose.yaml
    its README deploys with `docker compose up -d`: HT206 on line 9, masked; and its
    healthcheck passes the same value to `sqlcmd -P`: HT206 on line 16, masked."""
    path = corpus / "real" / "docker__awesome-compose" / "aspnet-mssql__compose.yaml"
    text = (path / "compose.yaml").read_text()
    environment, healthcheck = [f for f in analyze_compose(text, name="compose.yaml").findings
                                if f.rule == "HT206"]
    assert environment.line == 9 and "SA_PASSWORD" in environment.message
    assert healthcheck.line == 16 and "healthcheck" in healthcheck.message
    assert all("example_123" not in f.message for f in (environment, healthcheck))
    assert ht206_lines(text, "compose.example.yaml") == []


def test_check_judges_by_the_name_on_disk(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`check` of the same text as compose.yaml and as docker-compose.yml.dist: only the
    first reports the placeholders, and neither prints a value whole."""
    (tmp_path / ".git").mkdir()
    for name in ("compose.yaml", "docker-compose.yml.dist"):
        (tmp_path / name).write_text(COMPOSE)
    main(["check", "--no-config", "--format", "json", str(tmp_path / "compose.yaml"),
          str(tmp_path / "docker-compose.yml.dist")])
    out, _ = capsys.readouterr()
    files = {Path(f["path"]).name: sorted(x["line"] for x in f["findings"] if x["rule"] == "HT206")
             for f in json.loads(out)["files"]}
    assert files == {"compose.yaml": [*PLACEHOLDER_LINES, REAL_LINE],
                     "docker-compose.yml.dist": [REAL_LINE]}
    for value in ("Sup3rS3cret!2024", "<your-password>", "your-token-here"):
        assert value not in out


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_template_names(name: str) -> None:
    """Each template name is one, and is still a compose file to `check`."""
    assert is_template_name(name)
    assert kind_of(Path(name)) == "compose"


@pytest.mark.parametrize("name", [*DEPLOYED_NAMES, "examples/compose.yaml",
                                  "docker-compose.distributed.yml", "sampler/compose.yml"])
def test_names_that_are_deployed(name: str) -> None:
    """A folder's name does not count, nor a word that only starts with a template word."""
    assert not is_template_name(name)


def test_a_template_suffix_is_looked_through() -> None:
    """docker-compose.yml.dist is for docker-compose.yml; Dockerfile.example stays one."""
    assert without_template_suffix("docker-compose.yml.dist") == "docker-compose.yml"
    assert without_template_suffix("compose.yaml.example.dist") == "compose.yaml"
    assert without_template_suffix("compose.yaml") == "compose.yaml"
    assert kind_of(Path("Dockerfile.example")) == "dockerfile"


@pytest.mark.parametrize("value", ["", "  ", "${DB_PASSWORD}", "$DB_PASSWORD",
                                   "{{ .Values.password }}", "%DB_PASSWORD%",
                                   "__DB_PASSWORD__", "@DB_PASSWORD@", "'${X}'"])
def test_references_a_tool_replaces_are_substituted(value: str) -> None:
    """Empty values and references are no literal in any file (and still placeholders)."""
    assert is_substituted(value) and is_placeholder(value)


@pytest.mark.parametrize("value", ["example", "<password>", "[password]", "xxxxxxxx",
                                   "your-token-here", "changeme", "Sup3rS3cret!2024"])
def test_everything_else_is_a_literal(value: str) -> None:
    """A placeholder is a string that works as written; it is not a reference."""
    assert not is_substituted(value)
