"""The report formats a CI user plugs in: compact, github, checkstyle, junit, gitlab and sarif."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.reading import COMPACT, findings, github_commands
from tutor import SOURCE_URL
from tutor.analysis.rules import RULES
from tutor.cli import build_parser, main
from tutor.report import FORMATS
from tutor.report.github import command, escape_data, escape_property
from tutor.report.sarif import security_severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).parent / "fixtures" / "schemas"
SHARED = ROOT.parent / "shared"

# Root, a literal token, SSH exposed and a RUN spanning two lines: errors, warnings, info.
DOCKERFILE = ("FROM debian:13-slim\n"
              "ENV API_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789\n"
              "RUN apt-get update && \\\n    apt-get install -y curl\n"
              "EXPOSE 22\n"
              "CMD [\"sh\"]\n")
CLEAN = "FROM debian:13-slim@sha256:" + "a" * 64 + "\nUSER 10001\n"
COMPOSE = ("services:\n  web:\n    image: nginx:1.27\n    privileged: true\n"
           "    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n")
LONG_NAME = "a-rather-long-directory-name-that-pushes-the-path-past-eighty-columns/Dockerfile"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a bad Dockerfile, a clean one, a compose file and a binary one."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "clean.Dockerfile").write_text(CLEAN)
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``check`` in-process: (exit status, stdout, stderr)."""
    code = main(["check", "--no-config", *args])
    out, err = capsys.readouterr()
    return code, out, err


def expected(capsys: pytest.CaptureFixture[str], *paths: str) -> list[tuple[str, str, int]]:
    """The (path, rule, line) triples the JSON report holds, the reference for the others."""
    _, out, _ = check(capsys, "--format", "json", *paths)
    return findings("json", out)


def test_every_format_is_a_choice_and_its_module_writes() -> None:
    """`check --format` offers exactly the registry's formats, each module with a write()."""
    import importlib

    check_parser = build_parser()._subparsers._group_actions[0].choices["check"]  # type: ignore[union-attr,index]
    choices = next(a.choices for a in check_parser._actions if "--format" in a.option_strings)
    assert list(choices) == list(FORMATS)
    assert set(FORMATS) >= {"text", "compact", "json", "sarif", "github", "checkstyle", "junit",
                            "gitlab"}
    for module in FORMATS.values():
        assert callable(importlib.import_module(module).write)


@pytest.mark.parametrize("fmt", ["compact", "github", "checkstyle", "junit", "gitlab", "sarif"])
def test_each_format_holds_every_finding(project: Path, capsys: pytest.CaptureFixture[str],
                                         fmt: str) -> None:
    """Every finding the JSON report has is in the format, at the same file, rule and line."""
    paths = ("Dockerfile", "clean.Dockerfile", "compose.yaml")
    reference = expected(capsys, *paths)
    assert {"HT101", "HT201", "HT503", "HT302", "HT307"} <= {rule for _, rule, _ in reference}
    code, out, err = check(capsys, "--format", fmt, *paths)
    assert sorted(findings(fmt, out)) == sorted(reference)
    assert code == 1 and err == ""


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_only_the_chosen_format_is_imported(project: Path, fmt: str) -> None:
    """`check --format X` imports X's module and no other format's (start-up stays small)."""
    script = ("import sys\nfrom tutor.cli import main\n"
              f"main(['check', '--no-config', '--format', {fmt!r}, 'clean.Dockerfile'])\n"
              "print('rich' in sys.modules)\n"
              "print(sorted(m for m in sys.modules if m.startswith('tutor.report.')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=project, check=True)
    loaded = {name.rsplit(".", 1)[-1]
              for name in json.loads(result.stdout.splitlines()[-1].replace("'", '"'))}
    other_formats = {module.rsplit(".", 1)[-1] for name, module in FORMATS.items()
                     if name != fmt}
    assert FORMATS[fmt].rsplit(".", 1)[-1] in loaded
    # sarif holds the security-severity the gitlab format also ranks by.
    allowed = {"sarif"} if fmt == "gitlab" else set()
    assert loaded & other_formats <= allowed
    if fmt != "text":  # only the terminal view is drawn with Rich
        assert result.stdout.splitlines()[-2] == "False"


# compact ------------------------------------------------------------------------------


def test_piped_output_is_one_line_per_finding(project: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Not a terminal: `path:line:col: severity RULE message`, a line each, then the summary."""
    long_path = project / LONG_NAME
    long_path.parent.mkdir()
    long_path.write_text(DOCKERFILE)
    _, out, _ = check(capsys, "--format", "json", LONG_NAME, "compose.yaml")
    document = json.loads(out)
    code, out, err = check(capsys, LONG_NAME, "compose.yaml")  # capsys is not a terminal
    lines = out.splitlines()
    wanted = [f"{file['path']}:{f['line']}:1: {f['severity']} {f['rule']} {f['message']}"
              for file in document["files"] for f in file["findings"]]
    assert lines[:-1] == wanted  # no line longer than its finding, none wrapped or split
    assert re.fullmatch(r"2 files: \d+ errors, \d+ warnings, \d+ info", lines[-1])
    assert all(COMPACT.match(line) for line in lines[:-1])
    assert not [line for line in lines if line != line.rstrip()]  # no padding
    assert max(len(line) for line in lines) > 80  # and yet nothing was cut at 80 columns
    assert code == 1 and err == ""


def test_piped_text_format_is_not_wrapped_or_padded(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`--format text` into a pipe keeps the layout but wraps nothing and pads nothing."""
    long_path = project / LONG_NAME
    long_path.parent.mkdir()
    long_path.write_text(DOCKERFILE)
    _, out, _ = check(capsys, "--format", "json", LONG_NAME)
    messages = [f["message"] for f in json.loads(out)["files"][0]["findings"]]
    _, out, _ = check(capsys, "--format", "text", LONG_NAME)
    lines = out.splitlines()
    assert lines[0] == LONG_NAME and "runs as root" in out
    assert all(any(line.endswith(message) for line in lines) for message in messages)
    assert not [line for line in lines if line != line.rstrip()]


class Terminal(io.StringIO):
    """An output stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def terminal_output(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """What `check` writes to a (pretend) colour terminal."""
    screen = Terminal()
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setattr(sys, "stdout", screen)
    main(["check", "--no-config", *args])
    monkeypatch.setattr(sys, "stdout", sys.__stdout__)
    return screen.getvalue()


COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38)(?:;[0-9;]*)?m")


def test_a_terminal_gets_the_rich_view_in_colour(project: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """In a terminal the default is the text view, its severities coloured."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = terminal_output(monkeypatch, "Dockerfile")
    assert "runs as " in out and "fix:" in out and COLOUR.search(out)


@pytest.mark.parametrize("fmt", ["text", "compact"])
def test_no_color_flag_and_environment(project: Path, monkeypatch: pytest.MonkeyPatch,
                                       fmt: str) -> None:
    """--no-color, like NO_COLOR, leaves no colour in either human format."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert COLOUR.search(terminal_output(monkeypatch, "--format", fmt, "Dockerfile"))
    plain = terminal_output(monkeypatch, "--format", fmt, "--no-color", "Dockerfile")
    assert not COLOUR.search(plain) and "HT101" in plain
    monkeypatch.setenv("NO_COLOR", "1")
    assert not COLOUR.search(terminal_output(monkeypatch, "--format", fmt, "Dockerfile"))


def test_compact_in_a_terminal_colours_only_the_severity(project: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """hadolint's tty look: the severity word coloured, the rest of the line as is."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = terminal_output(monkeypatch, "--format", "compact", "Dockerfile")
    first = out.splitlines()[0]
    assert first.startswith("Dockerfile:1:1: \x1b[1;31merror\x1b[0m HT101 ")


# stdin --------------------------------------------------------------------------------


def run_stdin(args: list[str], data: bytes, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`hardening-tutor check ARGS` with ``data`` on standard input (a pipe)."""
    return subprocess.run([sys.executable, "-m", "tutor", "check", "--no-config", *args],
                          input=data.decode("latin-1"), capture_output=True, text=True,
                          cwd=cwd, encoding="latin-1", timeout=60)


def test_dash_reads_a_dockerfile_from_stdin(project: Path) -> None:
    """`check -` analyses standard input, reported as `-` (hadolint's convention)."""
    result = run_stdin(["-"], DOCKERFILE.encode(), project)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("-:1:1: error HT101 ")
    assert "-:2:1: error HT201 " in result.stdout and "-:5:1: warning HT503 " in result.stdout
    as_json = json.loads(run_stdin(["-f", "json", "-"], DOCKERFILE.encode(), project).stdout)
    entry = as_json["files"][0]
    assert entry["path"] == "-" and entry["context"] is None and entry["kind"] == "dockerfile"


def test_stdin_beside_files_and_given_twice(project: Path) -> None:
    """`-` mixes with paths in order, and two dashes read standard input once."""
    result = run_stdin(["-f", "json", "clean.Dockerfile", "-", "-"], DOCKERFILE.encode(),
                       project)
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert paths == ["clean.Dockerfile", "-"]


def test_a_clean_dockerfile_on_stdin_passes(project: Path) -> None:
    """Exit 0 for a clean Dockerfile piped in."""
    result = run_stdin(["-"], CLEAN.encode(), project)
    assert result.returncode == 0 and result.stdout == "1 file: 0 errors, 0 warnings, 0 info\n"


def test_binary_stdin_is_refused_with_exit_2(project: Path) -> None:
    """Binary input on stdin is a usage error naming `-`, like a binary file."""
    result = run_stdin(["-"], bytes(range(256)) * 4, project)
    assert result.returncode == 2
    assert result.stderr == ("hardening-tutor: error: -: binary file, not a Dockerfile or "
                             "compose file\n")


def test_a_file_named_dash_is_still_reachable(project: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`./-` names a file called `-`; only the bare `-` means standard input."""
    (project / "-").write_text(CLEAN)
    code, out, _ = check(capsys, "--format", "json", "./-")
    assert code == 0 and json.loads(out)["files"][0]["context"] is not None


# github -------------------------------------------------------------------------------


def test_github_escaping_follows_the_toolkit() -> None:
    """%, CR and LF are percent-encoded everywhere, : and , in properties (command.ts)."""
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("warning", {"file": "x,y.Dockerfile", "line": 3, "title": "T"}, "m::n") == \
        "::warning file=x%2Cy.Dockerfile,line=3,title=T::m::n\n"
    assert command("error", {}, "bare") == "::error::bare\n"


def test_github_annotations(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A command per finding: level, file, line, col for one line, title, message and fix."""
    code, out, _ = check(capsys, "--format", "github", "Dockerfile", "clean.Dockerfile")
    commands = github_commands(out)
    assert len(commands) == len(out.splitlines()) - 1  # and the summary line
    levels = {props["title"].split()[0]: level for level, props, _ in commands}
    assert levels["HT101"] == "error" and levels["HT402"] == "notice"
    level, props, message = next(c for c in commands if c[1]["title"].startswith("HT201"))
    assert props == {"file": "Dockerfile", "line": "2", "col": "1",
                     "title": "HT201 secret-in-env-or-arg"}
    assert "\n\nFix: " in message and "ghp_abcdefghijklmnopqrstuvwxyz0123456789" not in out
    assert all(line.startswith("::") for line in out.splitlines()[:-1])
    assert code == 1


def test_github_spans_send_an_end_line_and_no_column(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """A finding over several lines has endLine and, as the toolkit requires, no col."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM debian:13-slim\nUSER 10001\n"
                                         "RUN curl -fsSL https://example.com/install.sh \\\n"
                                         "    | sh\n")
    _, out, _ = check(capsys, "--format", "github", "Dockerfile")
    spans = [props for _, props, _ in github_commands(out) if "endLine" in props]
    assert spans and all("col" not in props and int(props["endLine"]) > int(props["line"])
                         for props in spans)


def test_github_escapes_a_hostile_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A file name with a comma, a colon and a newline stays one property of one command."""
    monkeypatch.chdir(tmp_path)
    name = "a,b:c\nd.Dockerfile"
    (tmp_path / name).write_text(DOCKERFILE)
    _, out, _ = check(capsys, "--format", "github", name)
    commands = github_commands(out)
    assert {props["file"] for _, props, _ in commands} == {name}
    assert "file=a%2Cb%3Ac%0Ad.Dockerfile," in out


def test_github_annotates_an_unreadable_file(project: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be analysed is an error annotation on the file, and exit 2."""
    (project / "bad.Dockerfile").write_bytes(bytes(range(256)) * 4)
    code, out, err = check(capsys, "--format", "github", "bad.Dockerfile")
    assert out.startswith("::error file=bad.Dockerfile,title=hardening-tutor%3A cannot analyse::"
                          "bad.Dockerfile: binary file")
    assert code == 2 and "binary file" in err


# checkstyle and junit -----------------------------------------------------------------


def xml_schema(name: str):  # type: ignore[no-untyped-def]
    """One of tests/fixtures/schemas' XML Schemas, loaded by xmlschema."""
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(SCHEMAS / name))


def test_checkstyle_is_valid_and_complete(project: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Checkstyle XML: a <file> per file, an <error> per finding, valid against the schema."""
    (project / "bad.Dockerfile").write_bytes(bytes(range(256)) * 4)
    code, out, err = check(capsys, "--format", "checkstyle", "Dockerfile", "clean.Dockerfile",
                           "bad.Dockerfile")
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">')
    xml_schema("checkstyle.xsd").validate(out)
    root = ET.fromstring(out)
    files = {f.get("name"): f for f in root.iter("file")}
    assert list(files) == ["Dockerfile", "clean.Dockerfile", "bad.Dockerfile"]
    assert len(files["clean.Dockerfile"]) == 0
    first = files["Dockerfile"][0].attrib
    assert first == {"line": "1", "column": "1", "severity": "error",
                     "message": first["message"], "source": "hardening-tutor.HT101"}
    unreadable = files["bad.Dockerfile"][0].attrib
    assert unreadable["source"] == "hardening-tutor.input"
    assert unreadable["message"].startswith("cannot analyse: bad.Dockerfile: binary file")
    assert code == 2 and "binary" in err


# Each schema with a document it accepts and edits its readers refuse: checkstyle readers a
# missing line or an unknown severity, Jenkins (junit-10.xsd) a test case without a name or
# an attribute the schema lacks.
SCHEMA_REFUSALS = {
    "checkstyle.xsd": ('<checkstyle version="4.3"><file name="D"><error line="1" severity="info" '
                       'message="m" source="s"/></file></checkstyle>',
                       [('line="1" ', ""), ('"info"', '"style"')]),
    "junit.xsd": ('<testsuites><testsuite name="D" tests="1" failures="0" errors="0">'
                  '<testcase classname="D" name="n"/></testsuite></testsuites>',
                  [(' name="n"', ""), ('name="n"', 'name="n" id="x"')]),
}


@pytest.mark.parametrize("name", list(SCHEMA_REFUSALS))
def test_schema_refuses_what_readers_would(name: str) -> None:
    """The schema is not a rubber stamp: it takes a good document, not one its readers refuse."""
    schema = xml_schema(name)
    good, refused = SCHEMA_REFUSALS[name]
    assert schema.is_valid(good)
    for old, new in refused:
        bad = good.replace(old, new)
        assert bad != good and not schema.is_valid(bad), bad


def test_junit_is_valid_with_a_test_case_per_finding(project: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """JUnit XML: a suite per file, a failed case per finding, a passing case for a clean file."""
    (project / "bad.Dockerfile").write_bytes(bytes(range(256)) * 4)
    reference = expected(capsys, "Dockerfile", "clean.Dockerfile")
    code, out, _ = check(capsys, "--format", "junit", "Dockerfile", "clean.Dockerfile",
                         "bad.Dockerfile")
    xml_schema("junit.xsd").validate(out)
    root = ET.fromstring(out)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["Dockerfile", "clean.Dockerfile", "bad.Dockerfile"]
    bad = suites["Dockerfile"]
    assert int(bad.get("failures", "")) == len(bad) == len(reference)
    names = [case.get("name") for case in bad]
    assert "HT101 final-user-root (line 1)" in names and len(set(names)) == len(names)
    failure = bad[0].find("failure")
    assert failure is not None and failure.get("type") == "error"
    assert "\nFix: " in (failure.text or "")
    clean = suites["clean.Dockerfile"]
    assert [c.get("name") for c in clean] == ["no findings"] and clean[0].find("*") is None
    assert clean.get("tests") == "1" and clean.get("failures") == "0"
    unreadable = suites["bad.Dockerfile"]
    assert unreadable.get("errors") == "1" and unreadable[0].find("error") is not None
    assert root.get("tests") == str(len(reference) + 2)
    assert root.get("failures") == str(len(reference)) and root.get("errors") == "1"
    assert code == 2


def test_junit_names_stay_unique_for_twin_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Two findings of one rule on one line get distinct test case names."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(
        "FROM debian:13-slim\nUSER 10001\n"
        "ENV A_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 "
        "B_TOKEN=ghp_zyxwvutsrqponmlkjihgfedcba9876543210\n")
    _, out, _ = check(capsys, "--format", "junit", "Dockerfile")
    names = [case.get("name") for case in ET.fromstring(out).iter("testcase")]
    assert len(names) == len(set(names))
    assert sum(name.startswith("HT201") for name in names if name) == 2


# gitlab -------------------------------------------------------------------------------


def test_gitlab_code_quality_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An issue per finding with GitLab's documented fields, valid against their schema."""
    jsonschema = pytest.importorskip("jsonschema")
    reference = expected(capsys, "Dockerfile", "compose.yaml")
    code, out, _ = check(capsys, "--format", "gitlab", "Dockerfile", "compose.yaml")
    issues = json.loads(out)
    jsonschema.validate(issues, json.loads((SCHEMAS / "gitlab-code-quality.json").read_text()))
    assert len(issues) == len(reference)
    assert len({i["fingerprint"] for i in issues}) == len(issues)  # GitLab keys by it
    severities = {i["check_name"]: i["severity"] for i in issues}
    # A secret in the image and the Docker socket are blockers; root is critical.
    assert severities["HT201"] == severities["HT307"] == "blocker"
    assert severities["HT101"] == "critical" and severities["HT402"] == "info"
    assert severities["HT503"] == "major"
    assert all(i["categories"] == ["Security"] for i in issues)
    assert code == 1


def test_gitlab_fingerprints_survive_moved_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Lines added above a finding keep its fingerprint, so GitLab sees no new issue."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    _, before, _ = check(capsys, "--format", "gitlab", "Dockerfile")
    (tmp_path / "Dockerfile").write_text("# a comment\n# another\n" + DOCKERFILE)
    _, after, _ = check(capsys, "--format", "gitlab", "Dockerfile")
    old = {i["fingerprint"]: i["location"]["lines"]["begin"] for i in json.loads(before)}
    new = {i["fingerprint"]: i["location"]["lines"]["begin"] for i in json.loads(after)}
    assert set(old) == set(new)
    assert all(new[key] == old[key] + 2 for key in old if old[key] > 1)


def test_gitlab_report_for_a_syntax_error_is_a_bug_risk(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """HT001 is not a security check: its category is Bug Risk."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM debian:13-slim\nUSER 10001\nBOGUS x\n")
    _, out, _ = check(capsys, "--format", "gitlab", "Dockerfile")
    syntax = [i for i in json.loads(out) if i["check_name"] == "HT001"]
    assert syntax and syntax[0]["categories"] == ["Bug Risk"]


# sarif --------------------------------------------------------------------------------


def sarif_rules(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    """The SARIF log's rule descriptors by id (validated when the schema is present)."""
    _, out, _ = check(capsys, "--format", "sarif", "Dockerfile", "compose.yaml")
    log = json.loads(out)
    schema_path = SHARED / "schemas" / "sarif-schema-2.1.0.json"
    if schema_path.is_file():
        jsonschema = pytest.importorskip("jsonschema")
        jsonschema.validate(log, json.loads(schema_path.read_text()))
    return {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}


def test_sarif_ranks_security_rules_for_code_scanning(project: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """security-severity: a number string in GitHub's bands, by severity; critical where set."""
    rules = sarif_rules(capsys)
    bands = {"error": (7.0, 8.9), "warning": (4.0, 6.9), "info": (0.1, 3.9)}
    critical = {"HT201", "HT202", "HT203", "HT205", "HT207", "HT302", "HT307"}
    for rule_id, descriptor in rules.items():
        properties = descriptor["properties"]
        assert isinstance(properties, dict)
        if rule_id == "HT001":
            assert "security-severity" not in properties and "security" not in properties["tags"]
            continue
        score = float(properties["security-severity"])
        assert properties["security-severity"] == f"{score:.1f}"
        assert "security" in properties["tags"]
        if rule_id in critical:
            assert score > 9.0
        else:
            low, high = bands[RULES[rule_id].severity.value]
            assert low <= score <= high, rule_id
    assert {r for r in RULES if (security_severity(RULES[r]) or 0) > 9.0} == critical


def test_sarif_links_each_rule_to_its_readme_anchor(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """helpUri is the project's home with the rule's anchor, and the README has each anchor."""
    rules = sarif_rules(capsys)
    readme = (ROOT / "README.md").read_text()
    for rule_id, descriptor in rules.items():
        assert descriptor["helpUri"] == f"{SOURCE_URL}#{rule_id.lower()}"
        assert f'<a id="{rule_id.lower()}"></a>{rule_id}' in readme, rule_id
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Source"] == SOURCE_URL


def test_sarif_regions_start_at_column_one(project: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Each result's region has startColumn 1, which GitHub's table lists as required."""
    _, out, _ = check(capsys, "--format", "sarif", "Dockerfile")
    regions = [r["locations"][0]["physicalLocation"]["region"]
               for r in json.loads(out)["runs"][0]["results"]]
    assert regions and all(r["startColumn"] == 1 for r in regions)
