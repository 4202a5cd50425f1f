"""Secret rules end to end: build contexts, .dockerignore, compose builds and redaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests import reading
from tests.conftest import SHARED, TODAY
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.cli import main
from tutor.report import FORMATS

CLEAN_BASE = "FROM debian:13-slim@sha256:" + "a" * 64 + "\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process and return (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory (working directory, no config above it) with secrets lying around."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("print('hi')\n")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "master.key").write_text("x\n")
    (tmp_path / ".env").write_text("DB_PASSWORD=x\n")
    (tmp_path / ".env.example").write_text("DB_PASSWORD=\n")
    (tmp_path / "id_rsa").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def findings(capsys: pytest.CaptureFixture[str], *paths: str) -> list[dict[str, Any]]:
    """The JSON findings of a check run, flattened with their file path."""
    _, out, _ = run(capsys, "check", "--format", "json", *paths)
    return [dict(f, path=file["path"]) for file in json.loads(out)["files"]
            for f in file["findings"]]


def test_copy_dot_names_every_secret_file_it_sweeps_in(project: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """With no .dockerignore, COPY . . is flagged at its line with the files it carries."""
    (project / "Dockerfile").write_text(CLEAN_BASE + "WORKDIR /app\nCOPY . .\nUSER 10001\n")
    (found,) = [f for f in findings(capsys, "Dockerfile") if f["rule"] == "HT205"]
    assert found["line"] == 3 and found["severity"] == "error"
    for name in (".env", "id_rsa", "config/master.key"):
        assert name in found["message"]
    assert ".env.example" not in found["message"]
    assert "there is no .dockerignore" in found["message"]


def test_dockerignore_keeps_files_out(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Files .dockerignore excludes are not reported; the rest still are."""
    (project / "Dockerfile").write_text(CLEAN_BASE + "COPY . /app/\nUSER 10001\n")
    (project / ".dockerignore").write_text("# secrets\n.env\n**/*.key\n")
    (found,) = [f for f in findings(capsys, "Dockerfile") if f["rule"] == "HT205"]
    assert "id_rsa" in found["message"] and "master.key" not in found["message"]
    assert ".dockerignore does not exclude it." in found["message"]
    (project / ".dockerignore").write_text("*\n!src\n")
    assert not [f for f in findings(capsys, "Dockerfile") if f["rule"] == "HT205"]


def test_dockerfile_specific_ignore_file_wins(project: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """BuildKit reads <Dockerfile>.dockerignore before the context's .dockerignore."""
    (project / "app.Dockerfile").write_text(CLEAN_BASE + "COPY . /app/\nUSER 10001\n")
    (project / ".dockerignore").write_text("")
    (project / "app.Dockerfile.dockerignore").write_text("*\n")
    assert not [f for f in findings(capsys, "app.Dockerfile") if f["rule"] == "HT205"]


def test_copying_a_subdirectory_only_reports_what_is_inside(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """COPY src/ carries nothing secret; COPY config/ carries the key."""
    (project / "Dockerfile").write_text(CLEAN_BASE + "COPY src/ /app/\nCOPY ./config /cfg\n"
                                        "USER 10001\n")
    swept = [f for f in findings(capsys, "Dockerfile") if f["rule"] == "HT205"]
    assert [f["line"] for f in swept] == [3]
    assert "config/master.key" in swept[0]["message"] and "id_rsa" not in swept[0]["message"]


def test_builder_stage_sweep_is_a_warning_and_deleting_later_is_flagged(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A swept secret in a throwaway stage warns; rm in a later layer is called out."""
    (project / "Dockerfile").write_text(
        "FROM node:22-slim AS build\nWORKDIR /src\nCOPY . .\nRUN rm -f .env id_rsa\n"
        + CLEAN_BASE + "COPY --from=build /src/src /app\nUSER 10001\n")
    result = findings(capsys, "Dockerfile")
    (sweep,) = [f for f in result if f["rule"] == "HT205"]
    assert sweep["severity"] == "warning" and sweep["line"] == 3
    (removed,) = [f for f in result if f["rule"] == "HT204"]
    assert removed["line"] == 4 and "line 3" in removed["message"]


def test_named_secret_severity_follows_the_final_image() -> None:
    """A literal ENV secret in the final image is an error; in a builder stage a warning."""
    text = ("FROM alpine:3.22 AS build\nENV DB_PASS=builder-only-pass\n"
            "FROM alpine:3.22\nENV API_TOKEN=final-image-token-value\nARG DEPLOY_KEY\n"
            "USER 10001\n")
    by_line = {f.line: f for f in analyze_dockerfile(text, today=TODAY).findings
               if f.rule == "HT201"}
    assert by_line[2].severity.value == "warning"
    assert by_line[4].severity.value == "error"
    assert by_line[5].severity.value == "warning" and "docker history" in by_line[5].message


def compose_project(root: Path, user: str | None) -> None:
    """A compose file whose service builds ./app, optionally with a user: line."""
    (root / "app").mkdir()
    (root / "app" / "Dockerfile").write_text(CLEAN_BASE + "CMD [\"app\"]\n")
    user_line = f"    user: \"{user}\"\n" if user is not None else ""
    (root / "compose.yaml").write_text(
        "services:\n  api:\n    build: ./app\n" + user_line +
        "    read_only: true\n    cap_drop: [ALL]\n"
        "    security_opt: [\"no-new-privileges:true\"]\n")


@pytest.mark.parametrize(("user", "verdict", "rules"), [
    (None, True, {"HT101"}),
    ("10001:10001", False, set()),
    ("0", True, {"HT109"}),
])
def test_compose_user_decides_who_the_built_image_runs_as(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        user: str | None, verdict: bool, rules: set[str]) -> None:
    """The service's user: overrides the Dockerfile's; root is reported on the compose line."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    compose_project(tmp_path, user)
    _, out, _ = run(capsys, "check", "--format", "json", ".")
    files = json.loads(out)["files"]
    assert [f["kind"] for f in files] == ["compose", "dockerfile"]
    built = files[1]
    assert built["service"] == "api in compose.yaml"
    assert built["profile"]["runs_as_root"] is verdict
    if user is not None:
        assert "service 'api'" in built["profile"]["reason"]
    fired = {f["rule"] for f in files[0]["findings"] + built["findings"]} - {"HT402"}
    assert fired == rules


def test_compose_pragma_suppresses_on_the_next_or_same_line() -> None:
    """`# hardening-tutor ignore=` works above a service and at the end of a line."""
    text = ("services:\n  # hardening-tutor ignore=HT304,HT305,HT306\n  app:\n"
            "    image: example/app:1@sha256:" + "ab" * 32 + "\n    user: \"1000\"\n"
            "    privileged: true  # hardening-tutor ignore=HT302\n")
    analysis = analyze_compose(text)
    assert analysis.findings == [] and analysis.suppressed == 4


# A file full of secrets: every format the detectors know, in every place they look.
SECRETS = {
    "aws": "AKIAZ7QH3KX2LMPV4RTN",
    "github": "ghp_" + "Zq3xK9vLm2Pw8RtY5bN1cD4fG7hJ0sA6eU2i",
    "gitlab": "glpat-Qw3rTy7uIo9pAs2dFg4h",
    "slack": "xoxb-" + "2231234567-9876543210-Qw3rTy7uIo9pAs2dFg4hJk6l",
    "stripe": "sk_live_" + "Zq3xK9vLm2Pw8RtY5bN1cD4f",
    "google": "AIza" + "SyD3Qw3rTy7uIo9pAs2dFg4hJk6lZx8cVb1",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.Qw3rTy7uIo9pAs2dFg4hJk6lZx8cVb1nM",
    "password": "correct-horse-battery",
    "url": "Zk8pQ2vLx9w",
    "bearer": "Xq7Lm2Vb9Nc4Zr8Tw1Ys6Kd3Hf5Jg0Pe",
    "entropy": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8Lk3Vt7",
}
LEAKY_DOCKERFILE = f"""FROM alpine:3.22
ARG GH={SECRETS['github']}
ENV AWS_ACCESS_KEY_ID={SECRETS['aws']} \\
    AWS_SECRET_ACCESS_KEY={SECRETS['entropy']}
ENV DB_PASSWORD={SECRETS['password']}
ENV DATABASE_URL=postgres://app:{SECRETS['url']}@db/app
LABEL slack="{SECRETS['slack']}" stripe="{SECRETS['stripe']}"
RUN curl -H "Authorization: Bearer {SECRETS['bearer']}" https://example.com/x
RUN echo {SECRETS['google']} > /key && echo {SECRETS['jwt']} > /jwt
RUN git clone https://oauth2:{SECRETS['gitlab']}@gitlab.com/org/app.git
USER 10001
"""
LEAKY_COMPOSE = f"""services:
  app:
    build: .
    environment:
      DB_PASSWORD: {SECRETS['password']}
      GITHUB: {SECRETS['github']}
      - ignored
"""


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_output_format_prints_a_secret_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str],
                                                fmt: str) -> None:
    """Every secret is found, and every output shows only its masked form."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(LEAKY_DOCKERFILE)
    (tmp_path / "compose.yaml").write_text(LEAKY_COMPOSE.replace("      - ignored\n", ""))
    code, out, err = run(capsys, "check", "--format", fmt, ".")
    assert code == 1
    for name, value in SECRETS.items():
        assert value not in out and value not in err, name
    if fmt not in ("text", "json"):  # the same findings as JSON, none lost on the way
        secret_rules = [rule for _, rule, _ in reading.findings(fmt, out)
                        if rule in ("HT201", "HT202", "HT206")]
        assert len(secret_rules) >= 11
    if fmt == "json":
        messages = " ".join(f["message"] for file in json.loads(out)["files"]
                            for f in file["findings"])
        assert "ghp_…" in messages and "AKIA" in messages
        # One finding per secret-bearing assignment or command, none missed.
        secret_rules = [f["rule"] for file in json.loads(out)["files"] for f in file["findings"]
                        if f["rule"] in ("HT201", "HT202", "HT206")]
        assert len(secret_rules) >= 11
    if fmt == "sarif":
        schema_path = SHARED / "schemas" / "sarif-schema-2.1.0.json"
        if schema_path.is_file():
            jsonschema.validate(json.loads(out), json.loads(schema_path.read_text()))


def test_broken_dockerignore_pattern_is_reported(project: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A pattern Docker rejects is a warning naming the ignore file's line."""
    (project / "Dockerfile").write_text(CLEAN_BASE + "COPY src/ /app/\nUSER 10001\n")
    (project / ".dockerignore").write_text(".git\n[unclosed\n")
    (problem,) = [f for f in findings(capsys, "Dockerfile") if f["rule"] == "HT001"]
    assert problem["severity"] == "warning" and ".dockerignore line 2" in problem["message"]


def test_secrets_in_heredocs_and_exec_form_commands() -> None:
    """A token in a COPY or python here-document, or a CMD's arguments, is found and masked."""
    token = "glpat-" + "Qw3rTy7uIo9pAs2dFg4h"
    text = (f"FROM alpine:3.22\nCOPY <<EOF /etc/app.conf\ntoken = {token}\nEOF\n"
            f'CMD ["app", "--password", "Zx9-vL2m-Qp7w-Rt4y"]\n'
            f"RUN <<EOF python3\nprint('{token}')\nEOF\nUSER 10001\n")
    found = [f for f in analyze_dockerfile(text, today=TODAY).findings if f.rule == "HT202"]
    assert [f.line for f in found] == [2, 5, 6]
    assert all(token not in f.message and "Zx9-vL2m-Qp7w-Rt4y" not in f.message
               for f in found)
    assert "glpat-…" in found[0].message
