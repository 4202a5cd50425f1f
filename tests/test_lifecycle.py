"""HT403's end-of-life table: generated from endoflife.date's data, and what findings say."""

from __future__ import annotations

import datetime as dt
import json
import runpy
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED, TODAY
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.images import parse_image_ref
from tutor.analysis.lifecycle import supports
from tutor.analysis.source import decode
from tutor.cli import main

TABLE = REPO / "tutor" / "analysis" / "data" / "eol.json"
DATA = SHARED / "data" / "eol-docker.json"


def eol_messages(text: str, today: dt.date = TODAY) -> list[str]:
    """The HT403 messages for a Dockerfile."""
    return [f.message for f in analyze_dockerfile(text, today=today).findings
            if f.rule == "HT403"]


def test_table_is_what_the_script_makes_of_the_data() -> None:
    """The shipped table is scripts/build_eol.py's output for the shared snapshot, unedited."""
    if not DATA.is_file():
        pytest.skip("../shared/data is not present")
    script = runpy.run_path(str(REPO / "scripts" / "build_eol.py"))
    data = json.loads(DATA.read_text(encoding="utf-8"))
    assert script["render"](script["build"](data)) == TABLE.read_text(encoding="utf-8")


def test_table_records_its_snapshot() -> None:
    """The table names the endoflife.date commit and date it was built from."""
    source = json.loads(TABLE.read_text(encoding="utf-8"))["source"]
    assert source["name"] == "endoflife.date"
    assert len(source["commit"]) == 40
    assert dt.date.fromisoformat(source["date"])


def test_explain_says_how_current_the_table_is(capsys: pytest.CaptureFixture[str]) -> None:
    """`explain HT403` gives the snapshot's date and commit, so a reader can judge it."""
    source = json.loads(TABLE.read_text(encoding="utf-8"))["source"]
    assert main(["explain", "HT403"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"endoflife.date's data as of {source['date']}" in out
    assert source["commit"][:7] in out


def test_two_products_in_one_tag_are_both_named() -> None:
    """python:3.8-slim-buster names Python 3.8 and Debian 10, and which Debian date is used."""
    (message,) = eol_messages("FROM python:3.8-slim-buster\nUSER 1\n")
    assert "is Python 3.8, which reached end of life on 2024-10-07" in message
    assert "built on Debian 10 (buster), whose Debian LTS support ended on 2024-06-30" in message
    assert "regular security support ended on 2022-09-10" in message
    assert "neither gets security fixes" in message


def test_only_the_ended_product_is_named() -> None:
    """A supported runtime on an ended system names only the system."""
    (message,) = eol_messages("FROM python:3.13-slim-buster\nUSER 1\n")
    assert "Python" not in message and "Debian 10 (buster)" in message


def test_a_release_the_data_does_not_know_is_not_end_of_life() -> None:
    """Releases newer than the snapshot, and unknown cycles, are never reported as ended."""
    far = dt.date(2099, 1, 1)
    for ref in ("node:99-alpine", "python:3.99", "redis:4.0.14-alpine", "golang:1.99"):
        assert not [s for s in supports(parse_image_ref(ref)) if s.ended(far)], ref


def test_deprecated_image_says_so() -> None:
    """openjdk:8 is reported as a deprecated image, with a maintained image to move to."""
    (finding,) = [f for f in analyze_dockerfile("FROM openjdk:8-jre\nUSER 1\n",
                                                today=TODAY).findings if f.rule == "HT403"]
    assert "is from the openjdk image, which is deprecated" in finding.message
    assert "eclipse-temurin" in finding.fix


def test_non_lts_java_is_called_so() -> None:
    """Java 26 is a non-LTS release; Java 25 (LTS) is supported."""
    (message,) = eol_messages("FROM eclipse-temurin:26-jre-alpine\nUSER 1\n")
    assert "Eclipse Temurin 26, a non-LTS release that reached end of life on 2026-09-15" in message
    assert not eol_messages("FROM eclipse-temurin:25-jre-alpine\nUSER 1\n")


def test_windows_1809_follows_the_container_lifecycle() -> None:
    """nanoserver:1809 is the Windows Server 2019 image: supported until 2029-01-09."""
    text = "FROM mcr.microsoft.com/windows/nanoserver:1809\nUSER ContainerUser\n"
    assert not eol_messages(text)
    (message,) = eol_messages(text, today=dt.date(2029, 1, 9))
    assert "Microsoft Nano Server 2019" in message


def test_distroless_debian12_ends_with_its_builds() -> None:
    """distroless *-debian12 images were deprecated on 2026-09-01 (distroless#2129)."""
    text = "FROM gcr.io/distroless/static-debian12:nonroot\n"
    assert not eol_messages(text, today=dt.date(2026, 8, 31))
    (message,) = eol_messages(text, today=dt.date(2026, 9, 1))
    assert "distroless on Debian 12, which reached end of life on 2026-09-01" in message


def test_compose_service_names_its_image_and_line() -> None:
    """A compose image: past its end is reported on that line, naming the service."""
    text = "services:\n  db:\n    image: mysql:5.5\n"
    (finding,) = [f for f in analyze_compose(text, today=TODAY).findings if f.rule == "HT403"]
    assert finding.line == 3
    assert finding.message.startswith("service 'db': mysql:5.5 is MySQL 5.5")


def test_compose_default_is_named() -> None:
    """An image chosen by a variable's default says where it came from."""
    text = "services:\n  web:\n    image: ${WEB:-nginx}\n"
    (finding,) = [f for f in analyze_compose(text, today=TODAY).findings if f.rule == "HT401"]
    assert "nginx (from ${WEB:-nginx}) has no tag" in finding.message


@pytest.mark.parametrize(("path", "rule", "line"), [
    ("jessfraz__dockerfiles/gcloud__Dockerfile/Dockerfile", "HT403", 1),
    ("vulhub__vulhub/base__thinkphp__2.1__Dockerfile/Dockerfile", "HT403", 1),
    ("dockersamples__example-voting-app/worker__Dockerfile/Dockerfile", "HT403", 25),
    ("StefanScherer__dockerfiles-windows/golang__Dockerfile/Dockerfile", "HT403", 1),
    ("OWASP__wrongsecrets/Dockerfile/Dockerfile", "HT403", 9),
    ("GoogleContainerTools__distroless/examples__go__Dockerfile/Dockerfile", "HT403", 12),
    ("vulhub__vulhub/ecshop__collection_list-sqli__docker-compose.yml/docker-compose.yml",
     "HT403", 9),
    ("docker__awesome-compose/react-express-mongodb__compose.yaml/compose.yaml", "HT403", 35),
    ("docker__awesome-compose/nginx-golang-mysql__compose.yaml/compose.yaml", "HT403", 14),
    ("docker__awesome-compose/prometheus-grafana__compose.yaml/compose.yaml", "HT401", 3),
])
def test_real_files(corpus: Path, path: str, rule: str, line: int) -> None:
    """Real files the review found missed now get the finding on the right line."""
    case = corpus / "real" / path
    text = decode(case.read_bytes()).text
    if case.name == "Dockerfile":
        findings = analyze_dockerfile(text, today=TODAY).findings
    else:
        findings = analyze_compose(text, today=TODAY).findings
    assert (line, rule) in {(f.line, f.rule) for f in findings}
