"""Each kind of goal check passes on a fixed file and fails, with a reason, on a broken one."""

from __future__ import annotations

from typing import Any

import pytest

from tutor.content.goals import parse_goal
from tutor.content.judge import evaluate
from tutor.content.model import Goal
from tutor.content.schema import DEFAULT_CHECKS
from tutor.yamllines import load


def goal(yaml_text: str, dockerfile: str = "Dockerfile", *, defaults: bool = False) -> Goal:
    """A goal from YAML, which must parse without problems.

    Unless ``defaults`` is set, the default checks every goal holds are dropped, so a test
    of one kind of check is not failed by the tiny example's other findings.
    """
    parsed, errors = parse_goal(load(yaml_text), "test.yaml", dockerfile)
    assert errors == []
    if defaults:
        return parsed
    return Goal(tuple(c for c in parsed.checks if c.kind not in DEFAULT_CHECKS),
                parsed.dockerfile, parsed.allow)


def test_every_goal_holds_the_default_checks() -> None:
    """Clean, builds and starts come last, after the author's own checks."""
    parsed = goal("- runs_as_root: false", defaults=True)
    assert [c.kind for c in parsed.checks] == ["runs_as_root", *DEFAULT_CHECKS]


@pytest.mark.parametrize(("starter", "defaults"), [
    ({"Dockerfile": "FROM alpine:3.24\n"}, True),
    ({"compose.yaml": "services: {}\n", "ci.yml": ""}, True),
    ({"scan.yml": "", ".trivyignore": ""}, False),
])
def test_an_exercise_with_no_image_gets_no_default_checks(starter: dict[str, str],
                                                           defaults: bool) -> None:
    """Builds, starts and clean would judge nothing in a CI-workflow exercise, and pass."""
    parsed, problems = parse_goal(load("- pinned_actions: scan.yml\n"), "exercise.yaml",
                                  files=starter)
    assert problems == []
    kinds = [c.kind for c in parsed.checks]
    assert kinds == ["pinned_actions", *(DEFAULT_CHECKS if defaults else ())]


def test_clean_check_fails_on_any_warning_but_the_allowed() -> None:
    files = {"Dockerfile": "FROM debian:13-slim\nRUN useradd -u 10001 app\n"
                           "RUN chmod 777 /srv\nUSER 10001\n"}
    parsed, errors = parse_goal(load("- runs_as_root: false"), "t.yaml")
    assert errors == []
    result = evaluate(parsed, files)
    clean = next(r for r in result.results if r.check.kind == "clean")
    assert not clean.passed and "HT107 (Dockerfile line 3)" in clean.detail
    allowed, errors = parse_goal(load("- runs_as_root: false"), "t.yaml", allow=["HT107"])
    assert errors == [] and evaluate(allowed, files).passed
    assert "besides HT107" in allowed.checks[-3].label


def test_allow_names_real_rules() -> None:
    _, errors = parse_goal(load("- runs_as_root: false"), "t.yaml", allow=["DL3002"],
                           allow_line=7)
    assert [(e.line, "no rule DL3002" in e.message) for e in errors] == [(7, True)]


def test_builds_and_starts_fail_a_broken_image() -> None:
    parsed = goal("- runs_as_root: false", defaults=True)
    broken = {"Dockerfile": "FROM debian:13-slim\nUSER 10001\nRUN apt-get update\n"}
    failed = {r.check.kind: r.detail for r in evaluate(parsed, broken).results
              if not r.passed}
    assert failed["builds"] == "line 3: apt-get update fails, USER is 10001"
    locked = {"Dockerfile": "FROM debian:13-slim\nCOPY --chmod=0700 run /usr/local/bin/run\n"
                            "USER 10001\nENTRYPOINT [\"/usr/local/bin/run\"]\n"}
    failed = {r.check.kind: r.detail for r in evaluate(parsed, locked).results
              if not r.passed}
    assert "cannot execute /usr/local/bin/run" in failed["starts"]


def test_writable_and_not_writable() -> None:
    parsed = goal("- writable: [/app/data]\n- not_writable: [/app]")
    ok = {"Dockerfile": "FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\n"
                        "RUN mkdir data && chown 10001 data\nUSER 10001\n"}
    assert evaluate(parsed, ok).passed
    root_data = {"Dockerfile": ok["Dockerfile"].replace(" && chown 10001 data", "")}
    detail = evaluate(parsed, root_data).results[0].detail
    assert "cannot write /app/data" in detail
    given = {"Dockerfile": ok["Dockerfile"].replace("COPY . .", "COPY --chown=10001 . .")}
    failed = evaluate(parsed, given).results[1]
    assert not failed.passed and "10001 can change the files in /app" in failed.detail


NODE = """FROM node:22-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.* ca-certificates \\
 && rm -rf /var/lib/apt/lists/*
COPY server.js .
{user}
CMD ["node", "server.js"]
"""

# (check YAML, files that pass, files that fail, words in the failure detail)
CASES: list[tuple[str, dict[str, str], dict[str, str], str]] = [
    ("- no_finding: HT101", {"Dockerfile": NODE.format(user="USER 10001")},
     {"Dockerfile": NODE.format(user="")}, "fires on line 1"),
    ("- runs_as_root: false", {"Dockerfile": NODE.format(user="USER 10001")},
     {"Dockerfile": NODE.format(user="USER root")}, "USER root on line 6"),
    ("- user_numeric: true", {"Dockerfile": NODE.format(user="USER 10001:10001")},
     {"Dockerfile": NODE.format(user="USER node")}, "the user is node"),
    ("- command: [node, server.js]",
     {"Dockerfile": NODE.format(user="").replace('CMD ["node", "server.js"]',
                                                 "CMD node server.js")},
     {"Dockerfile": NODE.format(user="").replace('CMD ["node", "server.js"]', "")},
     "nothing (no ENTRYPOINT or CMD)"),
    ("- base_image: node", {"Dockerfile": NODE.format(user="")},
     {"Dockerfile": NODE.format(user="").replace("node:22-slim", "python:3.12-slim")},
     "builds on python"),
    ("- base_image: ['gcr.io/distroless/*']",
     {"Dockerfile": "FROM node:22 AS build\nFROM gcr.io/distroless/nodejs22-debian12\n"},
     {"Dockerfile": "FROM gcr.io/distroless/nodejs22-debian12 AS build\nFROM node:22\n"},
     "builds on node"),
    ("- installs: [curl, ca-certificates]", {"Dockerfile": NODE.format(user="")},
     {"Dockerfile": NODE.format(user="").replace(" ca-certificates", "")},
     "ca-certificates no longer installed"),
    ("- instruction: {keyword: COPY, contains: '--from=build'}",
     {"Dockerfile": "FROM node:22 AS build\nFROM node:22-slim\nCOPY --from=build /a /a\n"},
     {"Dockerfile": "FROM node:22 AS build\nCOPY --from=build /a /a\nFROM node:22-slim\n"},
     "in the final image"),
    ("- instruction: {keyword: RUN, matches: 'npm (ci|install)', stage: any}",
     {"Dockerfile": "FROM node:22 AS build\nRUN npm ci\nFROM node:22-slim\n"},
     {"Dockerfile": "FROM node:22\nRUN yarn\n"}, "no RUN instruction like that"),
    ("- stages: 2", {"Dockerfile": "FROM a:1 AS b\nFROM c:1\n"}, {"Dockerfile": "FROM c:1\n"},
     "has 1 stage"),
    ("- secret_mount: npmrc",
     {"Dockerfile": "FROM node:22\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n"},
     {"Dockerfile": "FROM node:22\nRUN --mount=type=cache,target=/root/.npm npm ci\n"},
     "no RUN uses --mount=type=secret"),
    ("- secret_mount: npmrc",
     {"Dockerfile": "FROM node:22\nRUN --mount=target=/run/secrets/npmrc,type=secret npm ci\n"},
     {"Dockerfile": "FROM node:22\nRUN --mount=type=secret,id=other npm ci\n"},
     "the secret mounts are other"),
    ("- ignored: [.env]", {"Dockerfile": "FROM a:1\n", ".env": "A=1\n", ".dockerignore": ".env\n"},
     {"Dockerfile": "FROM a:1\n", ".env": "A=1\n"}, "there is no .dockerignore"),
    ("- ignored: [.env]",
     {"Dockerfile": "FROM a:1\n", ".env": "A=1\n", "Dockerfile.dockerignore": "*.env\n.env\n"},
     {"Dockerfile": "FROM a:1\n", ".env": "A=1\n", ".dockerignore": "*.env\n!.env\n"},
     ".env would still be sent"),
    ("- sent: [server.js]",
     {"Dockerfile": "FROM a:1\n", "server.js": "", ".dockerignore": ".env\n"},
     {"Dockerfile": "FROM a:1\n", "server.js": "", ".dockerignore": "*\n"},
     ".dockerignore keeps server.js out"),
    ("- services: [api, db]",
     {"Dockerfile": "FROM a:1\n", "compose.yaml": "services:\n  api: {build: .}\n  db: {}\n"},
     {"Dockerfile": "FROM a:1\n", "compose.yaml": "services:\n  api: {build: .}\n"},
     "db is gone"),
]


@pytest.mark.parametrize(("check", "good", "bad", "detail"), CASES,
                         ids=[c[0].strip("- ").split(":")[0] for c in CASES])
def test_goal_check(check: str, good: dict[str, str], bad: dict[str, str], detail: str) -> None:
    """The check passes on the good files and fails on the bad ones, saying why."""
    parsed = goal(check)
    assert evaluate(parsed, good).passed, evaluate(parsed, good).results
    failed = evaluate(parsed, bad)
    assert not failed.passed
    assert detail in failed.results[0].detail


def test_compose_user_counts_for_the_dockerfile_it_builds() -> None:
    """A compose service's user: makes the Dockerfile it builds run as that user."""
    parsed = goal("- runs_as_root: false\n- no_finding: HT101")
    files = {"Dockerfile": "FROM debian:bookworm-slim\nCMD [\"sleep\", \"1\"]\n",
             "compose.yaml": "services:\n  app:\n    build: .\n    user: \"10001\"\n"}
    assert evaluate(parsed, files).passed
    files["compose.yaml"] = "services:\n  app:\n    build: .\n"
    assert not evaluate(parsed, files).passed


DATA_IMAGE = ("FROM python:3.13-slim\nWORKDIR /app\nCOPY app.py .\n"
              "RUN mkdir data && chown 10001 data\nUSER 10001\n")


@pytest.mark.parametrize(("volume", "passes", "words"), [
    ("appdata:/app/data", True, ""),                       # a new volume copies the image's dir
    ("- type: volume\n        source: appdata\n        target: /app/data", True, ""),
    ("/app/data", True, ""),                               # anonymous volume, same copy
    ("./data:/app/data", False, "bind mount of the host's ./data (compose.yaml line 6)"),
    ("/srv/app-data:/app/data", False, "bind mount of the host's /srv/app-data"),
    ("${DATA_DIR:-./data}:/app/data", False, "bind mount of the host's ./data"),
    ("${DATA_DIR}:/app/data", False, "depends on a variable with no default"),
    ("appdata:/app/data:ro", False, "/app/data is mounted read-only"),
    ("- type: volume\n        source: appdata\n        target: /app/data\n"
     "        volume:\n          nocopy: true", False, "nocopy"),
    ("hostdata:/app/data", False, "bind mount of the host's hostdata"),  # driver_opts o=bind
])
def test_compose_mounts_decide_what_the_container_can_write(volume: str, passes: bool,
                                                            words: str) -> None:
    """A bind mount hides the image's directory behind the host's; a new volume copies it."""
    parsed = goal("- writable: [/app/data]\n- not_writable: [/app]")
    item = volume if volume.startswith("- ") else f"- {volume}"
    declared = ("volumes:\n  appdata: {}\n  hostdata:\n    driver_opts:\n      type: none\n"
                "      o: bind\n      device: /srv/data\n")
    files = {"Dockerfile": DATA_IMAGE, "app.py": "",
             "compose.yaml": f"services:\n  app:\n    build: .\n    read_only: true\n"
                             f"    volumes:\n      {item}\n{declared}"}
    result = evaluate(parsed, files)
    assert result.passed is passes, result.results
    if not passes:
        assert words in result.results[0].detail, result.results[0].detail


def test_a_bind_mount_over_the_code_is_the_hosts_code() -> None:
    """not_writable fails when the host's folder replaces the code, unless it is read-only."""
    parsed = goal("- writable: [/app/data]\n- not_writable: [/app]")
    compose = ("services:\n  app:\n    build: .\n    volumes:\n      - {}\n"
               "      - appdata:/app/data\n")
    files = {"Dockerfile": DATA_IMAGE, "app.py": "", "compose.yaml": compose.format(".:/app")}
    detail = evaluate(parsed, files).results[1].detail
    assert "/app is a bind mount of the host's ." in detail
    files["compose.yaml"] = compose.format(".:/app:ro")
    assert evaluate(parsed, files).passed
    files["compose.yaml"] = compose.format("./plugins:/app/plugins")
    detail = evaluate(parsed, files).results[1].detail
    assert "/app/plugins is a bind mount of the host's ./plugins" in detail


def test_mounts_of_a_service_that_builds_another_dockerfile_do_not_count() -> None:
    """Only the service that builds the judged Dockerfile lends it its mounts."""
    parsed = goal("- writable: [/app/data]")
    files = {"Dockerfile": DATA_IMAGE, "app.py": "",
             "compose.yaml": "services:\n  app:\n    build: .\n"
                             "  other:\n    image: a:1\n    volumes:\n      - ./x:/app/data\n"}
    assert evaluate(parsed, files).passed


def test_no_finding_sees_compose_findings() -> None:
    """no_finding covers rules that fire on the compose file too."""
    parsed = goal("- no_finding: HT302")
    files = {"compose.yaml": "services:\n  app:\n    image: a:1\n    privileged: true\n"}
    result = evaluate(parsed, files)
    assert not result.passed and "fires on line 4" in result.results[0].detail


def test_missing_dockerfile_fails_checks_that_need_one() -> None:
    """Without the judged Dockerfile, Dockerfile checks fail and say so."""
    result = evaluate(goal("- runs_as_root: false"), {"compose.yaml": "services: {}\n"})
    assert not result.passed and result.results[0].detail == "there is no Dockerfile"


def test_list_of_rules_becomes_one_checklist_line_each() -> None:
    """no_finding with a list shows one line a rule, labelled with the rule's name."""
    parsed = goal("- no_finding: [HT101, HT104]")
    assert [c.label for c in parsed.checks] == ["No HT101 (final-user-root)",
                                                "No HT104 (user-by-name)"]


def test_custom_label() -> None:
    """A check's label: replaces the generated text."""
    parsed = goal("- stages: 2\n  label: Build in two stages")
    assert parsed.checks[0].label == "Build in two stages"


@pytest.mark.parametrize(("dockerfile", "words"), [
    ('FROM a:1\nENTRYPOINT ["tini", "--"]\nCMD ["app"]\n', ["tini", "--", "app"]),
    ('FROM a:1 AS base\nCMD ["app"]\nFROM base\nENTRYPOINT ["tini"]\n', ["tini"]),
    ('FROM a:1 AS base\nENTRYPOINT ["tini"]\nFROM base\nCMD ["app", "-v"]\n',
     ["tini", "app", "-v"]),
    ("FROM a:1\nCMD exec app --port 'a b'\n", ["exec", "app", "--port", "a b"]),
])
def test_effective_command(dockerfile: str, words: list[str]) -> None:
    """ENTRYPOINT and CMD combine as Docker combines them, including across stages."""
    parsed = goal(f"- command: {words!r}")
    assert evaluate(parsed, {"Dockerfile": dockerfile}).passed


@pytest.mark.parametrize("script", [
    "apk add --no-cache curl", "dnf install -y curl", "python -m pip install curl==1.0",
    "pip3 install 'curl>=1'", "apt install -y curl",
])
def test_installs_reads_package_managers(script: str) -> None:
    """installs recognises the common package managers and strips version pins."""
    parsed = goal("- installs: [curl]")
    assert evaluate(parsed, {"Dockerfile": f"FROM a:1\nRUN {script}\n"}).passed


def test_goal_problems_are_reported() -> None:
    """Bad check values are problems with the check's number, not exceptions."""
    data: Any = load("- no_finding: [HT999]\n- instruction: {keyword: RUN, contains: a, "
                     "matches: b}\n")
    _, errors = parse_goal(data, "x.yaml")
    assert [e.line for e in errors] == [1, 2]
    assert "no rule HT999" in errors[0].message and "not both" in errors[1].message
