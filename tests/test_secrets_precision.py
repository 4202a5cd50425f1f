"""Secrets read more closely: config files by their content, example keys, real corpus files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import TODAY
from tutor.analysis.context import Listing, build_context
from tutor.analysis.disk import list_folder
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.secret_contents import CONTENT_LIMIT, holds_secret
from tutor.analysis.source import decode
from tutor.cli import main

CLEAN_BASE = "FROM node:22-slim@sha256:" + "a" * 64 + "\n"
NPM_TOKEN = "npm_" + "Zq3xK9vLm2Pw8RtY5bN1cD4fG7hJ0sA6eU2i"
# An .npmrc that only names the registry and reads the token from the build's environment.
PLACEHOLDER_NPMRC = ("registry=https://registry.npmjs.org/\n"
                     "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nalways-auth=true\n")
# Random, so that it is no placeholder; nobody's token.
PYPI_TAIL = "Qm3Vx8Lp2Wz9Rt5Yb7NcH9xdreYrmVM1JIJ5iqQt6wukvg6KLYrvadWw"
DOCKERFILE = CLEAN_BASE + "WORKDIR /app\nCOPY .npmrc package.json ./\nCOPY . .\nUSER 1000\n"


def secret_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """HT203 and HT205 findings of ``check`` on the Dockerfile in ``tmp_path``."""
    (tmp_path / ".git").mkdir(exist_ok=True)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "package.json").write_text("{}\n")
    main(["check", "--format", "json", str(tmp_path / "Dockerfile")])
    out, _ = capsys.readouterr()
    return [f for file in json.loads(out)["files"] for f in file["findings"]
            if f["rule"] in ("HT203", "HT205")]


def test_an_npmrc_that_reads_its_token_from_the_environment_is_no_secret_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """COPY of an .npmrc holding only ${NPM_TOKEN} is neither HT203 nor HT205."""
    (tmp_path / ".npmrc").write_text(PLACEHOLDER_NPMRC)
    assert secret_findings(tmp_path, capsys) == []


@pytest.mark.parametrize("line", [f"//registry.npmjs.org/:_authToken={NPM_TOKEN}",
                                  "_auth=ZGVwbG95OlpxM3hLOXZMbTI=",
                                  "registry=https://deploy:Zq3xK9vLm2@npm.corp.internal/"])
def test_an_npmrc_holding_a_credential_is_still_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str) -> None:
    """A token, an _auth pair or a password in a registry URL keeps both findings, masked."""
    (tmp_path / ".npmrc").write_text(PLACEHOLDER_NPMRC + line + "\n")
    found = secret_findings(tmp_path, capsys)
    assert sorted((f["rule"], f["line"]) for f in found) == [("HT203", 3), ("HT205", 4)]
    assert all(NPM_TOKEN not in f["message"] for f in found)


def test_an_npmrc_too_big_to_read_is_judged_by_its_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Past the read limit the content is not read, and the name decides, as before."""
    (tmp_path / ".npmrc").write_text(PLACEHOLDER_NPMRC + ";" * CONTENT_LIMIT + "\n")
    assert len(secret_findings(tmp_path, capsys)) == 2


def test_only_config_files_are_read_and_only_when_asked(tmp_path: Path) -> None:
    """The listing reads .npmrc and .pypirc, nothing else, and not when contents=False."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".npmrc").write_text(PLACEHOLDER_NPMRC)
    (tmp_path / ".pypirc").write_text("[pypi]\nusername = __token__\n")
    (tmp_path / ".env").write_text("A=b\n")
    listing = list_folder(tmp_path)
    assert dict(listing.contents) == {"sub/.npmrc": PLACEHOLDER_NPMRC,
                                      ".pypirc": "[pypi]\nusername = __token__\n"}
    assert listing.cleared() == {"sub/.npmrc", ".pypirc"}
    assert [f.path for f in listing.secret_files()] == [".env"]
    assert list_folder(tmp_path, contents=False).contents == ()


def test_content_is_judged_without_reading_the_disk() -> None:
    """A listing handed its texts (an exercise, the workbench) clears a placeholder .npmrc."""
    listing = Listing((".npmrc", ".pypirc"), contents=((".npmrc", PLACEHOLDER_NPMRC),))
    context = build_context(listing, None, None)
    assert context.cleared == {".npmrc"}
    assert [f.path for f in context.secret_files] == [".pypirc"]


@pytest.mark.parametrize(("text", "secret"), [
    (PLACEHOLDER_NPMRC, False),
    ('npmRegistryServer: "https://npm.corp.internal"\nnpmAuthToken: "${NPM_TOKEN}"\n', False),
    ("[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc" + PYPI_TAIL + "\n", True),
    ("[pypi]\nusername = deploy\npassword: Tr0ub4dor-and-3\n", True),
    ('"//registry.npmjs.org/:_authToken" "Qm3Vx8Lp2Wz9Rt5Yb7Nc"\n', True),
    ("_password=${NPM_PASSWORD}\nemail=dev@corp.internal\n", False),
])
def test_config_file_content(text: str, secret: bool) -> None:
    """A literal credential is a secret; a ${VAR} npm expands at run time is not."""
    assert holds_secret(text) is secret


def test_aws_documentation_keys_name_the_practice_and_are_no_leak() -> None:
    """AWS's example keys give one warning about setting keys with ENV, and no HT202."""
    text = ("FROM alpine:3.22\nENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
            "RUN aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE\nUSER 10001\n")
    found = [f for f in analyze_dockerfile(text, today=TODAY).findings
             if f.rule.startswith("HT2")]
    assert [(f.rule, f.line, f.severity.value) for f in found] == [("HT201", 2, "warning")]
    assert "documentation example" in found[0].message
    assert "EXAMPLEKEY" not in found[0].message


def real(corpus: Path, path: str) -> str:
    """The text of a real corpus file."""
    return decode((corpus / "real" / path).read_bytes(), path).text


@pytest.mark.parametrize(("path", "line"), [("OWASP__wrongsecrets/Dockerfile.web/Dockerfile", 43),
                                            ("OWASP__wrongsecrets/Dockerfile/Dockerfile", 23)])
def test_a_drive_document_id_is_not_a_secret(corpus: Path, path: str, line: int) -> None:
    """ARG GOOGLE_DRIVE_DOCUMENT_ID holds an identifier: no HT202 on its line (issue 17)."""
    findings = analyze_dockerfile(real(corpus, path), today=TODAY).findings
    assert [f.rule for f in findings if f.line == line and f.rule.startswith("HT2")] == []
    # The base64 webhook URL of challenge 59 in the same file is still a secret.
    assert any(f.rule == "HT202" and "ARG challenge59_webhook_url" in f.message
               for f in findings)


def test_the_key_of_a_key_value_pair_is_not_a_secret(corpus: Path) -> None:
    """ENV KEY_FOR_PY="work" is not HT201; ACCESS_KEY on the next line still is."""
    findings = analyze_dockerfile(real(corpus, "shaygef123__Test_repo/Dockerfile/Dockerfile"),
                                  today=TODAY).findings
    assert sorted(f.line for f in findings if f.rule == "HT201") == [3, 3]


def test_a_password_on_a_compose_command_line_is_found(corpus: Path) -> None:
    """redis-server --requirepass "…" on line 13 is HT206, and its value is never printed."""
    path = "vulhub__vulhub/budibase__CVE-2026-31816__docker-compose.yml/docker-compose.yml"
    text = real(corpus, path)
    (found,) = [f for f in analyze_compose(text).findings if f.rule == "HT206" and f.line == 13]
    assert "password on the command line" in found.message
    assert "budibase_redis_password" not in found.message
