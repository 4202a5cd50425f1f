"""The scan checks judge a CI gate against a recorded Trivy report, as Trivy would run it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tutor.cli import main
from tutor.content.goals import parse_goal
from tutor.content.judge import evaluate
from tutor.content.loader import load_course
from tutor.content.model import Exercise
from tutor.content.scan.ignore_files import Purl, read_ignore_file
from tutor.content.scan.shell import trivy_commands
from tutor.content.scan.trivy import TrivyError, read_report
from tutor.yamllines import load

TODAY = dt.date(2026, 12, 6)
EXERCISE = "scan-ci-gate"
FOLDER = Path(__file__).resolve().parents[1] / "lessons" / "exercises" / EXERCISE
WORKFLOW = ".github/workflows/scan.yml"
IGNORE = ".trivyignore.yaml"
IMAGE = "registry.example.com/logs/collector:1.4.2"
CHECKOUT_SHA = "d23441a48e516b6c34aea4fa41551a30e30af803"


@cache
def exercise() -> Exercise:
    return load_course().exercises[EXERCISE]


def solved(**changes: str) -> dict[str, str]:
    """The reference solution laid over the starter, with whole files replaced."""
    return {**exercise().solved_files(), **changes}


def edited(name: str, old: str, new: str, files: dict[str, str] | None = None
           ) -> dict[str, str]:
    """The solution with one text replaced in one file (which must hold it)."""
    files = dict(files or solved())
    assert old in files[name], f"{name} no longer holds {old!r}"
    files[name] = files[name].replace(old, new, 1)
    return files


def results(files: dict[str, str], today: dt.date = TODAY) -> dict[str, tuple[bool, str]]:
    return {r.check.kind: (r.passed, r.detail)
            for r in evaluate(exercise().goal, files, today).results}


def failing(files: dict[str, str], kind: str, today: dt.date = TODAY) -> str:
    """The detail of a check that must fail."""
    passed, detail = results(files, today)[kind]
    assert not passed, f"{kind} passed"
    assert detail
    return detail


def step(with_lines: str, uses: str = "aquasecurity/trivy-action@"
         "ed142fd0673e97e23eac54620cfb913e5ce36c25", extra: str = "") -> str:
    """A workflow around one scan step."""
    return ("on: [pull_request]\njobs:\n  scan:\n    runs-on: ubuntu-24.04\n" + extra +
            "    steps:\n"
            f"      - uses: actions/checkout@{CHECKOUT_SHA}\n"
            f"      - uses: {uses}\n        with:\n" +
            "".join(f"          {line}\n" for line in with_lines.strip().splitlines()))


GATE = (f"image-ref: {IMAGE}\ntrivyignores: {IGNORE}\nseverity: HIGH,CRITICAL\n"
        f"ignore-unfixed: true\nexit-code: \"1\"")


# --- the exercise itself ------------------------------------------------------------------

def test_starter_fails_every_scan_check_and_the_solution_passes() -> None:
    """The starter's report-only, unpinned, silenced scan fails all three; the solution none."""
    starter = results(dict(exercise().starter))
    assert [k for k, (ok, _) in starter.items() if not ok] == [
        "scan_gate", "scan_ignores", "pinned_actions"]
    assert "exits 0 whatever it finds" in starter["scan_gate"][1]
    assert "CVE-2019-18224" in starter["scan_gate"][1]
    assert "@master" in starter["pinned_actions"][1]
    assert all(ok for ok, _ in results(solved()).values())


def test_the_report_is_the_recorded_one_not_the_learners_copy() -> None:
    """Emptying trivy-report.json in the folder changes nothing: the bound copy is judged."""
    emptied = solved(**{"trivy-report.json": '{"SchemaVersion": 2, "Results": []}'})
    starter = {**exercise().starter, "trivy-report.json": emptied["trivy-report.json"]}
    assert all(ok for ok, _ in results(emptied).values())
    assert "CVE-2019-18224" in failing(starter, "scan_gate")


def test_recorded_report_holds_the_real_findings() -> None:
    """Three findings of Trivy's fluentd golden: a LOW without fix, a CRITICAL, a HIGH."""
    report = read_report(exercise().starter["trivy-report.json"])
    assert [(v.id, v.severity, v.fixable) for v in report] == [
        ("CVE-2019-18276", "LOW", False), ("CVE-2019-18224", "CRITICAL", True),
        ("CVE-2020-8165", "HIGH", True)]
    assert report[1].fixed == "2.0.5-1+deb10u1" and report[2].kind == "lang-pkgs"


# --- scan_gate: what the gate fails on ----------------------------------------------------

@pytest.mark.parametrize(("old", "new", "says"), [
    ("severity: HIGH,CRITICAL", "severity: LOW", "reports only LOW (severity), not CRITICAL"),
    ("severity: HIGH,CRITICAL\n          ignore-unfixed: true",
     "severity: CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN",
     "also fails the build on CVE-2019-18276 in bash (LOW, no fix yet: affected)"),
    ("exit-code: \"1\"", "exit-code: \"0\"", "exits 0 whatever it finds"),
    ("exit-code: \"1\"", "exit-code: \"256\"", "reaches the runner as 0"),
    ("exit-code: \"1\"", "exit-code: one", "exits 0 whatever it finds"),
    ("severity: HIGH,CRITICAL", "severity: HIGH, CRITICAL", "refuses severity ' CRITICAL'"),
    ("severity: HIGH,CRITICAL", "severity: high,critical", "refuses severity 'high'"),
    ("        with:\n", "        continue-on-error: true\n        with:\n",
     "continue-on-error: true lets the workflow pass"),
    ("        with:\n", "        if: github.event_name == 'schedule'\n        with:\n",
     "runs only if `github.event_name == 'schedule'`"),
    ("        with:\n", "        continue-on-error: ${{ github.event_name == 'push' }}\n"
     "        with:\n", "continue-on-error is worked out when the workflow runs"),
    ("severity: HIGH,CRITICAL", "severity: ${{ vars.SEVERITY }}",
     "worked out when the workflow runs"),
    ("ignore-unfixed: true", "ignore-unfixed: true\n          trivy-config: trivy.yaml",
     "a Trivy config file"),
    ("ignore-unfixed: true", "ignore-unfixed: true\n          skip-dirs: var/lib/gems",
     "skip-dirs"),
    ("ignore-unfixed: true", "format: sarif", "bash (LOW"),
    ("trivyignores: .trivyignore.yaml", "trivyignores: .trivyignore.yml",
     "no .trivyignore.yml in the repository"),
    ("trivyignores: .trivyignore.yaml", "trivyignores: .trivyignore.yaml,.trivyignore",
     "mixes YAML and plain"),
    ("trivyignores: .trivyignore.yaml", "trivyignores: ../../etc/passwd",
     "no ../../etc/passwd in the repository"),
    ("image-ref: registry.example.com/logs/collector:1.4.2", "image-ref: alpine:3.23",
     "no step in .github/workflows/scan.yml scans registry.example.com"),
    ("  pull_request:\n  push:\n    branches: [main]\n", "  workflow_dispatch:\n",
     "starts only on workflow_dispatch, schedule"),
])
def test_a_weakened_gate_fails_and_says_why(old: str, new: str, says: str) -> None:
    """Each way of weakening the solution's gate fails scan_gate with the reason."""
    assert says in failing(edited(WORKFLOW, old, new), "scan_gate")


def test_an_unfixed_finding_need_not_block_but_may_be_left_out_by_severity() -> None:
    """Without ignore-unfixed, severity HIGH,CRITICAL already leaves out the unfixed LOW."""
    files = edited(WORKFLOW, "          ignore-unfixed: true\n", "")
    assert results(files)["scan_gate"] == (True, "")


def test_sarif_keeps_the_severity_filter_only_when_asked() -> None:
    """trivy-action drops severity: for SARIF unless limit-severities-for-sarif is true."""
    sarif = edited(WORKFLOW, "          ignore-unfixed: true\n", "          format: sarif\n")
    assert "bash (LOW" in failing(sarif, "scan_gate")
    limited = edited(WORKFLOW, "format: sarif", "format: sarif\n          "
                     "limit-severities-for-sarif: true", sarif)
    assert results(limited)["scan_gate"] == (True, "")


def test_variables_apply_where_the_input_is_left_at_its_default() -> None:
    """A job's TRIVY_SEVERITY counts when severity: is absent, as trivy-action passes it on."""
    files = edited(WORKFLOW, "          severity: HIGH,CRITICAL\n", "")
    files = edited(WORKFLOW, "    runs-on: ubuntu-24.04\n",
                   "    runs-on: ubuntu-24.04\n    env:\n      TRIVY_SEVERITY: LOW\n", files)
    assert "reports only LOW" in failing(files, "scan_gate")
    files = edited(WORKFLOW, "TRIVY_SEVERITY: LOW", "TRIVY_SEVERITY: HIGH,CRITICAL", files)
    assert results(files)["scan_gate"] == (True, "")


def test_package_types_that_skip_the_gems_hide_a_high_finding() -> None:
    """vuln-type: os leaves the Ruby gems out, so an unaccepted HIGH there ships."""
    files = edited(WORKFLOW, "ignore-unfixed: true", "ignore-unfixed: true\n"
                   "          vuln-type: os")
    files[IGNORE] = "vulnerabilities: []\n"
    assert "package types leave out lang-pkgs" in failing(files, "scan_gate")


def test_a_job_without_checkout_makes_trivy_action_fail_every_run() -> None:
    """trivyignores names a file the runner never checked out: the step always errors."""
    files = edited(WORKFLOW, f"      - uses: actions/checkout@{CHECKOUT_SHA} # v6.1.0\n", "")
    assert "does not check out this repository" in failing(files, "scan_gate")
    elsewhere = edited(WORKFLOW, "# v6.1.0\n", "# v6.1.0\n        with:\n          path: src\n")
    assert "does not check out this repository" in failing(elsewhere, "scan_gate")


def test_a_trivy_yaml_in_the_repository_is_not_guessed_at() -> None:
    """Trivy reads trivy.yaml from its working directory; the check refuses to guess."""
    files = solved(**{"trivy.yaml": "severity: [LOW]\n"})
    assert "trivy.yaml" in failing(files, "scan_gate")


def test_an_ignore_entry_that_hides_the_critical_fails_the_gate() -> None:
    """Accepting the fixable CRITICAL, even with a reason and a date, lets it ship."""
    entry = ("  - id: CVE-2019-18224\n    statement: The collector never parses untrusted "
             "domain names at all.\n    expired_at: 2027-01-31\n")
    files = edited(IGNORE, "vulnerabilities:\n", "vulnerabilities:\n" + entry)
    assert "a CRITICAL with a fix is to be fixed, not accepted" in failing(files, "scan_gate")
    assert "a CRITICAL with a fix is fixed" in failing(files, "scan_ignores")


def test_an_expired_entry_brings_the_finding_back_and_the_gate_stops_it() -> None:
    """After expired_at Trivy reports the HIGH again; the gate failing on it is right."""
    after = dt.date(2027, 3, 31)
    assert all(ok for ok, _ in results(solved(), after).values())
    assert all(ok for ok, _ in results(solved(), dt.date(2027, 3, 30)).values())


# --- scan_ignores: what an accepted finding needs ----------------------------------------

@pytest.mark.parametrize(("old", "new", "says"), [
    ("    expired_at: 2027-03-31\n", "", "never expires: add expired_at"),
    ("expired_at: 2027-03-31", "expired_at: 2029-01-01",
     "expires on 2029-01-01, more than a year away"),
    ("expired_at: 2027-03-31", "expired_at: someday", "not a date"),
    ("    statement: >-\n      The collector configures no MemCacheStore or RedisCacheStore, "
     "the only\n      ActiveSupport code this flaw reaches. activesupport 6.0.3.1 comes with\n"
     "      the next gem update.\n", "    statement: ok\n", "gives only 'ok' as its reason"),
    ("vulnerabilities:\n", "vulnerabilities:\n  - id: CVE-2019-18276\n",
     "line 3 (CVE-2019-18276) gives no reason"),
    ("vulnerabilities:\n  - id: CVE-2020-8165\n    purls:\n      - pkg:gem/activesupport@6.0.2.1\n",
     "vulnerabilities: {}\nother:\n  - id: CVE-2020-8165\n    purls:\n"
     "      - pkg:gem/activesupport@6.0.2.1\n", "must be a list"),
    ("  - id: CVE-2020-8165", "  - id: [CVE-2020-8165]", "needs an id"),
    ("pkg:gem/activesupport@6.0.2.1", "activesupport", "not a package URL"),
    ("  - id: CVE-2020-8165\n", "  - id: CVE-2020-8165\n    paths: ['[unclosed']\n",
     "not a valid path pattern"),
    ("vulnerabilities:\n", "vulnerabilities:\n  - id: [unclosed\n", "not valid YAML"),
])
def test_an_unjustified_or_broken_ignore_file_fails(old: str, new: str, says: str) -> None:
    """Each weakened or broken ignore file fails scan_ignores, naming the problem."""
    assert says in failing(edited(IGNORE, old, new), "scan_ignores")


def test_the_accepted_finding_must_be_ignored_by_a_file_the_scan_reads() -> None:
    """An entry in a file trivyignores does not name accepts nothing."""
    unwired = edited(WORKFLOW, "          trivyignores: .trivyignore.yaml\n", "")
    assert "never reads that file" in failing(unwired, "scan_ignores")
    emptied = solved(**{IGNORE: "vulnerabilities: []\n"})
    assert "nothing in .trivyignore.yaml accepts CVE-2020-8165" in failing(emptied,
                                                                          "scan_ignores")


def test_a_narrowing_purl_must_match_the_package() -> None:
    """An entry whose purl names another package hides nothing, so the HIGH must block."""
    files = edited(IGNORE, "pkg:gem/activesupport@6.0.2.1", "pkg:gem/rails@6.0.2.1")
    assert "accepts CVE-2020-8165" in failing(files, "scan_ignores")


def test_a_plain_trivyignore_with_a_comment_and_a_date_is_accepted() -> None:
    """.trivyignore: the comment above an id is its reason, exp: its end."""
    plain = ("# The collector configures no MemCacheStore or RedisCacheStore, the only code\n"
             "# this flaw reaches; the gem update is planned.\nCVE-2020-8165 exp:2027-03-31\n")
    files = edited(WORKFLOW, "trivyignores: .trivyignore.yaml", "trivyignores: .trivyignore")
    files[".trivyignore"] = plain
    assert all(ok for ok, _ in results(files).values())
    files[".trivyignore"] = "CVE-2020-8165 exp:2027-03-31\n"
    assert "write in a # comment above it" in failing(files, "scan_ignores")


# --- other ways to run Trivy ------------------------------------------------------------

CLI_SCRIPT = (f"trivy image --severity HIGH,CRITICAL --ignore-unfixed --exit-code 1 "
              f"--ignorefile {IGNORE} {IMAGE}")
SETUP = ("aquasecurity/setup-trivy@3fb12ec12f41e471780db15c232d5dd185dcb514",
         "version: v0.70.0")


def cli_workflow(script: str, setup: tuple[str, str] | None = SETUP) -> str:
    setup_step = (f"      - uses: {setup[0]}\n        with:\n          {setup[1]}\n"
                  if setup else "")
    return ("on:\n  pull_request:\njobs:\n  scan:\n    runs-on: ubuntu-24.04\n    steps:\n"
            f"      - uses: actions/checkout@{CHECKOUT_SHA}\n{setup_step}"
            f"      - name: Scan\n        run: |\n          {script}\n")


def test_the_trivy_command_line_is_judged_like_the_action() -> None:
    """`trivy image` flags in a run: script meet the goal; a weaker flag set does not."""
    assert all(ok for ok, _ in results(solved(**{WORKFLOW: cli_workflow(CLI_SCRIPT)})).values())
    weak = cli_workflow(CLI_SCRIPT.replace("--exit-code 1", "--exit-code 0"))
    assert "--exit-code is 0 or not set" in failing(solved(**{WORKFLOW: weak}), "scan_gate")
    unfiltered = CLI_SCRIPT.replace("--severity HIGH,CRITICAL ", "")
    env_only = cli_workflow(f"TRIVY_SEVERITY=LOW {unfiltered}")
    assert "reports only LOW" in failing(solved(**{WORKFLOW: env_only}), "scan_gate")


def test_a_trivy_command_needs_a_pinned_installation() -> None:
    """Trivy installed by setup-trivy's default (latest) or a curl pipe is not pinned."""
    latest = cli_workflow(CLI_SCRIPT, (SETUP[0], "version: latest"))
    assert "installs the latest Trivy release" in failing(solved(**{WORKFLOW: latest}),
                                                         "pinned_actions")
    piped = cli_workflow("curl -sfL https://raw.githubusercontent.com/aquasecurity/trivy/main/"
                         f"contrib/install.sh | sh -s -- -b /usr/local/bin\n          "
                         f"{CLI_SCRIPT}", None)
    detail = failing(solved(**{WORKFLOW: piped}), "pinned_actions")
    assert "pipes a download into a shell" in detail and "runs trivy, but no earlier" in detail


def test_the_trivy_image_must_be_pinned_by_digest() -> None:
    """docker run of a Trivy image: judged as a scan, and pinned only by @sha256 digest."""
    digest = "sha256:" + "ab" * 32
    script = (f"docker run --rm -v \"$PWD:/src\" -w /src aquasec/trivy:0.69.3@{digest} image "
              f"--severity HIGH,CRITICAL --ignore-unfixed --exit-code 1 --ignorefile "
              f"{IGNORE} {IMAGE}")
    assert all(ok for ok, _ in results(solved(**{WORKFLOW: cli_workflow(script, None)}))
               .values())
    tagged = cli_workflow(script.replace(f"@{digest}", ""), None)
    assert "runs a Trivy image by tag" in failing(solved(**{WORKFLOW: tagged}),
                                                  "pinned_actions")


def test_shell_commands_are_split_as_a_shell_would() -> None:
    """Assignments before a command are its variables; &&, ; and | end a command, and mark
    the commands they join as ones whose exit status may be swallowed."""
    found = [(c.how, c.args, c.env, c.guard) for c in trivy_commands(
        "TRIVY_EXIT_CODE=1 trivy image a; echo trivy | cat\ntrivy i b || true\n"
        "if trivy image c; then echo; fi\nset +e\ntrivy image d", {"A": "1"})]
    assert found == [("trivy", ["image", "a"], {"A": "1", "TRIVY_EXIT_CODE": "1"}, ""),
                     ("trivy", ["i", "b"], {"A": "1"}, "`||`"),
                     ("trivy", ["image", "c"], {"A": "1"}, "`if`"),
                     ("trivy", ["image", "d"], {"A": "1"}, "`set +e`")]


@pytest.mark.parametrize(("script", "says"), [
    (CLI_SCRIPT + " || true", "trivy runs under `||`"),
    (CLI_SCRIPT + " | tee scan.txt", "trivy runs under `|`"),
    (CLI_SCRIPT.replace("--severity HIGH,CRITICAL", "-sLOW"), "reports only LOW"),
    (CLI_SCRIPT.replace("--exit-code 1", "--exit-code=0x100"), "reaches the runner as 0"),
    (CLI_SCRIPT.replace("--exit-code 1", "--exit-code one"), "not a number"),
])
def test_a_weakened_command_line_fails(script: str, says: str) -> None:
    """A swallowed exit status or a weaker flag fails scan_gate with the reason."""
    assert says in failing(solved(**{WORKFLOW: cli_workflow(script)}), "scan_gate")


# --- pinned_actions ----------------------------------------------------------------------

@pytest.mark.parametrize(("uses", "says"), [
    ("aquasecurity/trivy-action@v0.36.0", "names a tag or branch"),
    ("aquasecurity/trivy-action@ed142fd", "is a short SHA"),
    ("aquasecurity/trivy-action", "names no version at all"),
    ("docker://aquasec/trivy:0.69.3", "is not pinned by digest"),
])
def test_a_loose_reference_is_not_a_pin(uses: str, says: str) -> None:
    """Tags, branches, short SHAs and undigested images all fail pinned_actions."""
    files = solved(**{WORKFLOW: step(GATE, uses=uses)})
    assert says in failing(files, "pinned_actions")


def test_a_pinned_action_may_not_install_the_latest_trivy() -> None:
    """version: latest undoes the pin: each run fetches whatever Trivy released last."""
    files = solved(**{WORKFLOW: step(GATE + "\nversion: latest")})
    assert "v0.69.4 was a malicious release" in failing(files, "pinned_actions")


def test_local_actions_and_full_shas_are_pinned() -> None:
    """./ actions come with the commit being built; a 40-character SHA is a pin."""
    files = solved(**{WORKFLOW: step(GATE).replace(
        "    steps:\n", "    steps:\n      - uses: ./.github/actions/prepare\n")})
    assert results(files)["pinned_actions"] == (True, "")


# --- hostile and malformed input ----------------------------------------------------------

@pytest.mark.parametrize(("text", "says"), [
    ("on: [push\n", "not valid YAML"),
    ("- just\n- a list\n", "a workflow is a mapping"),
    ("on: push\n", "jobs: must map job ids to jobs"),
    ("jobs:\n  a:\n    steps: []\n", "has no on:"),
    ("on: push\njobs:\n  a:\n    steps: {x: 1}\n", "steps: of job a must be a list"),
    ("on: push\njobs:\n  a:\n    steps:\n      - just text\n", "must be a mapping"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n", "alias bomb"),
    ("\ufffd\ufffd binary", "a workflow is a mapping"),
])
def test_a_malformed_workflow_is_a_failed_check(text: str, says: str) -> None:
    """Every scan check fails with a message, and nothing raises."""
    outcome = results(solved(**{WORKFLOW: text}))
    for kind in ("scan_gate", "scan_ignores", "pinned_actions"):
        passed, detail = outcome[kind]
        assert not passed and says in detail, (kind, detail)


def test_a_missing_workflow_is_named() -> None:
    files = solved()
    del files[WORKFLOW]
    assert failing(files, "scan_gate") == f"there is no {WORKFLOW}"


def test_control_characters_and_secrets_in_the_workflow_are_not_shown() -> None:
    """An escape sequence or a token in a uses: line reaches the checklist made harmless."""
    token = "ghp_" + "A1b2C3d4" * 5
    files = solved(**{WORKFLOW: step(GATE, uses='"evil/act\\e]52;c;Zm9v\\a@' + token + '"')})
    detail = failing(files, "pinned_actions")
    assert "\x1b" not in detail and "\x07" not in detail and "␛" in detail
    assert token not in detail


def test_a_huge_workflow_is_refused_cheaply() -> None:
    """Thousands of steps are a refusal, not a slow walk."""
    steps = "".join("      - run: echo hi\n" for _ in range(2_500))
    text = f"on: push\njobs:\n  a:\n    steps:\n{steps}"
    assert "more than 2,000 steps" in failing(solved(**{WORKFLOW: text}), "scan_gate")


@pytest.mark.parametrize(("report", "says"), [
    ("{not json", "not valid JSON"),
    ('{"SchemaVersion": 1, "Results": []}', "SchemaVersion"),
    ('{"SchemaVersion": 2, "Results": "x"}', "not a list"),
    ('{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [1]}]}',
     "not an object"),
    ('{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": '
     '[{"VulnerabilityID": "CVE-1", "Severity": "SEVERE"}]}]}', "severity 'SEVERE'"),
    ('{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": '
     '[{"VulnerabilityID": 7}]}]}', "is not text"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
])
def test_a_malformed_report_is_a_content_error(report: str, says: str) -> None:
    """The author hears what is wrong with the recorded report, with the check's line."""
    with pytest.raises(TrivyError) as raised:
        read_report(report)
    assert says in str(raised.value)
    items = load(f"- scan_gate: {{workflow: w.yml, report: r.json, image: {IMAGE}}}")
    _, errors = parse_goal(items, "x/exercise.yaml", files={"r.json": report})
    assert len(errors) == 1 and says in errors[0].message and errors[0].line == 1


def test_a_report_with_too_many_findings_is_refused() -> None:
    vulns = [{"VulnerabilityID": f"CVE-{n}", "Severity": "LOW"} for n in range(10_001)]
    text = json.dumps({"SchemaVersion": 2, "Results": [{"Target": "x",
                                                        "Vulnerabilities": vulns}]})
    with pytest.raises(TrivyError, match="more than 10,000 findings"):
        read_report(text)


@pytest.mark.parametrize(("yaml_text", "says"), [
    ("- scan_gate: {workflow: w.yml, report: missing.json, image: i}", "is not in starter/"),
    ("- scan_gate: {workflow: ../w.yml, report: r.json, image: i}", "not a path inside"),
    ("- scan_ignores: {workflow: w.yml, report: r.json, image: i, accept: [CVE-9]}",
     "accept: CVE-9 is not in r.json"),
])
def test_a_scan_check_that_cannot_work_is_a_content_error(yaml_text: str, says: str) -> None:
    report = exercise().starter["trivy-report.json"]
    _, errors = parse_goal(load(yaml_text), "x/exercise.yaml", files={"r.json": report})
    assert [says in e.message for e in errors] == [True]


def test_a_question_cannot_hold_a_scan_check() -> None:
    """A fix-it question judges one Dockerfile; a scan check there is a content error."""
    _, errors = parse_goal(load("- pinned_actions: w.yml\n- scan_gate: "
                                "{workflow: w.yml, report: r.json, image: i}"), "q.yaml")
    assert len(errors) == 1 and "use them in an exercise" in errors[0].message


# --- ignore file and purl details ---------------------------------------------------------

def test_plain_ignore_files_read_as_trivy_reads_them() -> None:
    """Comments above are the reason, a bad date drops the line, a blank line ends a block."""
    entries = read_ignore_file(".trivyignore", (
        "# Accept: the flaw needs a feature we do not build\nCVE-1\nCVE-2 exp:2027-01-01\n"
        "CVE-3 exp:2027-13-01\n\nCVE-4 # trailing reason here\n# new block\nCVE-5\n"))
    assert [(e.id, e.statement, e.expires, e.line) for e in entries] == [
        ("CVE-1", "Accept: the flaw needs a feature we do not build", None, 2),
        ("CVE-2", "Accept: the flaw needs a feature we do not build", dt.date(2027, 1, 1), 3),
        ("CVE-4", "trailing reason here", None, 6),
        ("CVE-5", "new block", None, 8)]


@pytest.mark.parametrize(("constraint", "target", "matches"), [
    ("pkg:gem/activesupport", "pkg:gem/activesupport@6.0.2.1", True),
    ("pkg:gem/activesupport@6.0.2.1", "pkg:gem/activesupport@6.0.2.1", True),
    ("pkg:gem/activesupport@6.0.3.1", "pkg:gem/activesupport@6.0.2.1", False),
    ("pkg:deb/debian/bash?distro=debian-10.2", "pkg:deb/debian/bash@5.0-4?distro=debian-10.2",
     True),
    ("pkg:deb/debian/bash?distro=debian-11", "pkg:deb/debian/bash@5.0-4?distro=debian-10.2",
     False),
    ("pkg:deb/ubuntu/bash", "pkg:deb/debian/bash@5.0-4", False),
])
def test_purls_match_as_trivy_matches_them(constraint: str, target: str, matches: bool) -> None:
    assert Purl.parse(constraint).matches(Purl.parse(target)) is matches


def test_paths_narrow_an_entry_with_doublestar_patterns() -> None:
    """paths: match the result's target or the package's path, ** across folders."""
    report = read_report(exercise().starter["trivy-report.json"])
    gem = report[2]
    for pattern, hit in (("var/lib/gems/**", True), ("**/*.gemspec", True),
                         ("var/lib/*/activesupport*", False), ("Ruby", True),
                         ("usr/{lib,share}/**", False)):
        entry = read_ignore_file("i.yaml", f"vulnerabilities:\n  - id: CVE-2020-8165\n"
                                           f"    paths: ['{pattern}']\n")[0]
        assert entry.matches(gem) is hit, pattern


# --- the command line, the schema, the app ------------------------------------------------

def _folder(tmp_path: Path, solved_too: bool) -> Path:
    folder = tmp_path / EXERCISE
    shutil.copytree(FOLDER / "starter", folder)
    if solved_too:
        shutil.copytree(FOLDER / "solution", folder, dirs_exist_ok=True)
    return folder


def test_exercise_check_judges_a_folder_without_a_dockerfile(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Starter exits 1, starter plus solution 0; the workflow and ignore file are read."""
    assert main(["exercise", "check", EXERCISE, str(_folder(tmp_path, False))]) == 1
    assert "goal not met: 3 of 3" in capsys.readouterr().out
    assert main(["exercise", "check", EXERCISE, str(_folder(tmp_path / "b", True)),
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["met"] is True


def test_exercise_check_reads_nothing_outside_the_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An ignore file named outside the folder is not read, however the workflow names it."""
    folder = _folder(tmp_path, True)
    (tmp_path / "outside.yaml").write_text("vulnerabilities: []\n")
    workflow = folder / WORKFLOW
    workflow.write_text(workflow.read_text().replace("trivyignores: .trivyignore.yaml",
                                                     "trivyignores: ../outside.yaml"))
    assert main(["exercise", "check", EXERCISE, str(folder), "--format", "json"]) == 1
    checks = json.loads(capsys.readouterr().out)["checks"]
    assert "no ../outside.yaml in the repository" in checks[0]["detail"]


def test_the_published_schema_lists_the_scan_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "schema", "exercise"]) == 0
    goal = json.loads(capsys.readouterr().out)["properties"]["goal"]["items"]["properties"]
    assert {"scan_gate", "scan_ignores", "pinned_actions"} <= set(goal)
    assert goal["scan_gate"]["required"] == ["workflow", "report", "image"]


def test_only_a_goal_that_judges_a_dockerfile_needs_one(tmp_path: Path) -> None:
    """content check asks for starter/Dockerfile only when a check reads it."""
    from tutor.content.check import check_course

    course = load_course()
    messages = [e.message for e in check_course(course, today=TODAY)
                if e.file.startswith(f"lessons/exercises/{EXERCISE}/")]
    assert messages == []
    pack = tmp_path / "pack"
    shutil.copytree(FOLDER.parents[2] / "lessons", pack / "lessons")
    shutil.copytree(FOLDER.parents[2] / "quizzes", pack / "quizzes")
    spec = pack / "lessons" / "exercises" / EXERCISE / "exercise.yaml"
    spec.write_text(spec.read_text().replace("  - pinned_actions:",
                                             "  - runs_as_root: false\n  - pinned_actions:"))
    errors = check_course(load_course(pack), today=TODAY)
    assert any("starter/ has no Dockerfile" in e.message for e in errors)


async def test_the_workbench_opens_the_exercise_and_turns_green(make_app: Any) -> None:
    """The three files open as YAML tabs, and typing the solution meets the goal."""
    from tests.test_app_workbench import settle, text_of

    app = make_app()
    async with app.run_test(size=(110, 34)) as pilot:
        app.open_exercise(EXERCISE)
        screen = await settle(pilot)
        assert [screen.workspace.files[n].kind for n in screen.names] == ["yaml"] * 3
        assert "to do" in text_of(screen, "#goal")
        for name, text in exercise().solution.items():
            editor = screen.editor(name)
            editor.replace(text, (0, 0), editor.document.end)
        screen = await settle(pilot)
        assert "Goal reached!" in text_of(screen, "#goal")


def test_mutated_workflows_ignore_files_and_reports_never_raise() -> None:
    """Hundreds of seeded mutations of the solution's files give failed checks or content
    errors, never exceptions."""
    import random

    from tests.mutator import _mutate_once

    rng = random.Random(18)
    base = solved()
    names = [WORKFLOW, IGNORE, "trivy-report.json"]
    goal_yaml = load(f"- scan_gate: {{workflow: {WORKFLOW}, report: r.json, image: {IMAGE}}}")
    for _ in range(600):
        name = rng.choice(names)
        data = base[name].encode()
        for _ in range(rng.randint(1, 4)):
            data = _mutate_once(rng, data, base[rng.choice(names)].encode())
        text = data.decode("utf-8", errors="replace")
        if name == "trivy-report.json":
            parse_goal(goal_yaml, "x.yaml", files={"r.json": text})
        else:
            evaluate(exercise().goal, {**base, name: text}, TODAY)
