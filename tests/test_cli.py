"""The command line as a CI user runs it: exit codes, formats, help and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.cli import main

ROOT_FILE = "FROM debian:13-slim\nCMD [\"sh\"]\n"
CLEAN_FILE = ("FROM debian:13-slim@sha256:" + "a" * 64 + "\nUSER 10001\n")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process and return (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory as the working directory (no config file above it)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_exit_1_when_findings_reach_the_threshold(workdir: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A root image fails the default threshold, with the verdict and finding printed."""
    (workdir / "Dockerfile").write_text(ROOT_FILE)
    code, out, err = run(capsys, "check", "Dockerfile")
    assert code == 1
    assert "runs as root" in out and "HT101" in out and "error" in out
    assert err == ""


def test_exit_0_for_a_clean_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A non-root, digest-pinned image passes."""
    (workdir / "Dockerfile").write_text(CLEAN_FILE)
    code, out, _ = run(capsys, "check", "--format", "text", "Dockerfile")
    assert code == 0
    assert "no findings" in out and "runs as non-root" in out
    code, out, _ = run(capsys, "check", "Dockerfile")  # piped: one line a finding, none here
    assert code == 0 and out == "1 file: 0 errors, 0 warnings, 0 info\n"


def test_a_dockerfiles_own_ignore_file_is_not_checked_as_a_dockerfile(
        workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A clean project with Dockerfile.dockerignore passes CI (issue 17: three HT001 errors)."""
    (workdir / "Dockerfile").write_text(CLEAN_FILE)
    (workdir / "Dockerfile.dockerignore").write_text(".git\n*.log\nnode_modules/\n")
    (workdir / "app.Dockerfile").write_text(CLEAN_FILE)
    (workdir / "app.Dockerfile.dockerignore").write_text("**/.env\n")
    code, out, _ = run(capsys, "check", ".")
    assert code == 0 and "HT001" not in out
    assert ".dockerignore  (" not in out and "2 files" in out


def test_failure_threshold_flag(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--failure-threshold none never fails; info fails on info findings."""
    (workdir / "Dockerfile").write_text(ROOT_FILE)
    assert run(capsys, "check", "--failure-threshold", "none", "Dockerfile")[0] == 0
    (workdir / "Dockerfile").write_text("FROM debian:13-slim\nUSER 10001\n")
    assert run(capsys, "check", "Dockerfile")[0] == 0
    assert run(capsys, "check", "-t", "info", "Dockerfile")[0] == 1


def test_target_selects_the_stage(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--target judges the named stage; an unknown stage is a usage error naming the stages."""
    (workdir / "Dockerfile").write_text(
        "FROM debian:13-slim AS runtime\nUSER 10001\nFROM runtime AS test\nUSER root\n")
    assert run(capsys, "check", "-t", "warning", "Dockerfile")[0] == 1
    assert run(capsys, "check", "--target", "runtime", "Dockerfile")[0] == 0
    code, out, err = run(capsys, "check", "--target", "nope", "Dockerfile")
    assert code == 2 and "nope" in (out + err) and "runtime" in (out + err)


def test_json_contract(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON has the documented shape, on stdout only."""
    (workdir / "Dockerfile").write_text(
        "ARG BASE=node:22-alpine\nFROM ${BASE} AS build\nFROM build AS runtime\nUSER app\n")
    code, out, err = run(capsys, "check", "--format", "json", "Dockerfile")
    assert err == ""
    doc = json.loads(out)
    assert doc["version"] == 1
    (entry,) = doc["files"]
    assert entry["path"] == "Dockerfile" and entry["kind"] == "dockerfile"
    assert entry["error"] is None
    profile = entry["profile"]
    assert profile["final_stage"] == {"index": 1, "name": "runtime", "line": 3}
    assert profile["user"] == "app" and profile["user_line"] == 4
    assert profile["runs_as_root"] is False and profile["reason"]
    assert profile["base_images"] == [{
        "stage": 0, "line": 2, "ref": "node:22-alpine", "name": "node", "tag": "22-alpine",
        "digest": None, "registry": None, "repository": "node"}]
    keys = {"rule", "name", "topic", "severity", "line", "end_line", "message", "fix",
            "lesson", "aliases"}
    for finding in entry["findings"]:
        assert keys <= set(finding)
        assert finding["severity"] in ("error", "warning", "info")
        assert finding["topic"] in ("root", "secrets", "capabilities", "scanning", "general")
    assert {"HT104", "HT402"} <= {f["rule"] for f in entry["findings"]}
    assert code == 0


def test_sarif_is_valid(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SARIF output validates against the official 2.1.0 schema."""
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = Path(__file__).resolve().parents[2] / "shared" / "schemas" / \
        "sarif-schema-2.1.0.json"
    if not schema_path.is_file():
        pytest.skip("../shared/schemas is not present")
    (workdir / "Dockerfile").write_text(ROOT_FILE + "EXPOSE 22\n")
    (workdir / "bad.Dockerfile").write_bytes(b"\x00\x01\x02binary")
    code, out, err = run(capsys, "check", "--format", "sarif", "Dockerfile", "bad.Dockerfile")
    log = json.loads(out)
    jsonschema.validate(log, json.loads(schema_path.read_text()))
    run_ = log["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert "HT101" in rule_ids
    assert all(r["help"]["text"] for r in run_["tool"]["driver"]["rules"])
    results = {(r["ruleId"], r["level"]) for r in run_["results"]}
    assert ("HT101", "error") in results and ("HT402", "note") in results
    region = run_["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1
    assert run_["invocations"][0]["executionSuccessful"] is False
    assert code == 2 and "binary" in err


def test_text_has_no_colour_with_no_color(workdir: Path) -> None:
    """NO_COLOR (and a pipe) give plain text, with severity as a word."""
    (workdir / "Dockerfile").write_text(ROOT_FILE)
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": ""}
    result = subprocess.run([sys.executable, "-m", "tutor", "check", "Dockerfile"],
                            capture_output=True, text=True, env=env, cwd=workdir)
    assert "\x1b[" not in result.stdout
    assert "error" in result.stdout and result.returncode == 1


def test_markup_in_dockerfile_is_printed_literally(workdir: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Rich markup inside a Dockerfile is text, not styling or a crash."""
    (workdir / "Dockerfile").write_text("FROM debian:13-slim\nUSER [bold]x[/]\n")
    code, out, _ = run(capsys, "check", "Dockerfile")
    assert "[bold]x[/]" in out


# --- bad input: a clear one-line message, exit 2, never a traceback ---------------------


def test_missing_path(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist."""
    code, out, err = run(capsys, "check", "nope/Dockerfile")
    assert code == 2 and "no such file" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_directory_without_dockerfile(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A directory with nothing to analyse."""
    (workdir / "src").mkdir()
    (workdir / "src" / "main.py").write_text("print()\n")
    code, _, err = run(capsys, "check", "src")
    assert code == 2 and "no Dockerfile or compose file" in err


def test_binary_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A binary file is refused."""
    (workdir / "Dockerfile").write_bytes(bytes(range(256)) * 4)
    code, out, err = run(capsys, "check", "--format", "text", "Dockerfile")
    assert code == 2 and "binary file" in out
    assert err == ("hardening-tutor: error: Dockerfile: binary file, not a Dockerfile or "
                   "compose file\n")


def test_non_utf8_file_is_analysed_with_a_warning(workdir: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Latin-1 text is analysed, with a finding that says where the bad byte is."""
    (workdir / "Dockerfile").write_bytes(b"FROM debian:13-slim\nLABEL author=\xe9\nUSER 0\n")
    code, out, _ = run(capsys, "check", "--format", "json", "Dockerfile")
    findings = json.loads(out)["files"][0]["findings"]
    syntax = [f for f in findings if f["rule"] == "HT001"]
    assert syntax and "UTF-8" in syntax[0]["message"] and syntax[0]["line"] == 2
    assert "HT101" in {f["rule"] for f in findings}


def test_empty_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An empty Dockerfile is a syntax finding with an unknown profile."""
    (workdir / "Dockerfile").write_text("")
    code, out, _ = run(capsys, "check", "--format", "json", "Dockerfile")
    entry = json.loads(out)["files"][0]
    assert [f["rule"] for f in entry["findings"]] == ["HT001"]
    assert entry["profile"]["runs_as_root"] is None
    assert code == 1


def test_unterminated_heredoc_and_continuation(workdir: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """Both are findings at the line where the problem starts."""
    (workdir / "a.Dockerfile").write_text("FROM debian:13-slim\nUSER 1\nRUN <<EOF\necho hi\n")
    (workdir / "b.Dockerfile").write_text("FROM debian:13-slim\nUSER 1\nRUN echo \\")
    code, out, _ = run(capsys, "check", "--format", "json", "a.Dockerfile", "b.Dockerfile")
    files = json.loads(out)["files"]
    heredoc = [f for f in files[0]["findings"] if f["rule"] == "HT001"][0]
    assert heredoc["line"] == 3 and "never closed" in heredoc["message"]
    continuation = [f for f in files[1]["findings"] if f["rule"] == "HT001"][0]
    assert continuation["line"] == 3 and "continuation" in continuation["message"]


def test_huge_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 10 MB file is refused, with the limit in the message."""
    (workdir / "Dockerfile").write_bytes(b"FROM debian:13-slim\n" + b"RUN true\n" * 1_200_000)
    code, out, _ = run(capsys, "check", "--format", "text", "Dockerfile")
    assert code == 2 and "too large" in out and "MB" in out


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root can read any file")
def test_unreadable_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file without read permission."""
    path = workdir / "Dockerfile"
    path.write_text(ROOT_FILE)
    path.chmod(0)
    code, out, _ = run(capsys, "check", "--format", "text", "Dockerfile")
    assert code == 2 and "permission denied" in out


def test_unreadable_file_via_oserror(workdir: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A read that fails (as for an unreadable file when running as root) is reported."""
    path = workdir / "Dockerfile"
    path.write_text(ROOT_FILE)
    real_open = os.open

    def deny(file, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(file).name == "Dockerfile":
            raise PermissionError(13, "Permission denied")
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    code, out, err = run(capsys, "check", "--format", "text", "Dockerfile")
    assert code == 2 and "permission denied" in out
    assert "hardening-tutor: error: Dockerfile: permission denied" in err


def test_directory_finds_dockerfiles_and_compose(workdir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A directory yields its Dockerfiles, its compose file and what the compose file builds."""
    (workdir / "Dockerfile").write_text(CLEAN_FILE)
    (workdir / "api").mkdir()
    (workdir / "api" / "Containerfile").write_text(ROOT_FILE)
    (workdir / "compose.yaml").write_text(
        "services:\n  web:\n    build: ./web\n  api:\n    build:\n      context: api\n"
        "      dockerfile: Containerfile\n")
    (workdir / "web").mkdir()
    (workdir / "web" / "Dockerfile").write_text(ROOT_FILE)
    (workdir / ".devcontainer").mkdir()
    (workdir / ".devcontainer" / "Dockerfile").write_text(ROOT_FILE)
    (workdir / "node_modules" / "pkg").mkdir(parents=True)
    (workdir / "node_modules" / "pkg" / "Dockerfile").write_text(ROOT_FILE)
    code, out, _ = run(capsys, "check", "--format", "json", ".")
    paths = {f["path"]: f["kind"] for f in json.loads(out)["files"]}
    assert paths == {"Dockerfile": "dockerfile", "api/Containerfile": "dockerfile",
                     "compose.yaml": "compose", "web/Dockerfile": "dockerfile",
                     ".devcontainer/Dockerfile": "dockerfile"}


def test_compose_syntax_error_is_a_finding(workdir: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Invalid YAML is reported at its line."""
    (workdir / "compose.yaml").write_text("services:\n  web:\n    image: [unclosed\n")
    code, out, _ = run(capsys, "check", "--format", "json", "compose.yaml")
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert finding["rule"] == "HT001" and "YAML" in finding["message"]


# --- help, version, rules and explain ------------------------------------------------


@pytest.mark.parametrize("command", [[], ["check"], ["rules"], ["explain"]])
def test_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """Every command answers --help."""
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: hardening-tutor" in capsys.readouterr().out


def test_help_lists_the_apps_options_one_line_each(capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """--help shows --data-dir, --content and --learner with their help, each on one line."""
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("usage: hardening-tutor [--data-dir DIR] [--content DIR]")
    section = lines[lines.index("options of the app (with no COMMAND, or with a PATH):") + 1:]
    options = {line.split()[0]: line for line in section if line.startswith("  --")}
    assert {"--data-dir", "--content", "--learner", "--confined", "--learner-name"} <= set(
        options)
    for name, line in options.items():
        assert len(line) <= 80 and len(line.split(maxsplit=2)) == 3, line  # help beside it
        following = section[section.index(line) + 1] if section.index(line) + 1 < len(
            section) else ""
        assert not following.startswith("    "), f"{name}'s help runs onto a second line"
    assert "keep progress under NAME" in options["--learner"]


def test_an_apps_option_before_a_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """--data-dir before 'check' is a usage error that says whose option it is."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--data-dir", "somewhere", "check", "Dockerfile"])
    assert exit_info.value.code == 2
    assert "--data-dir is an option of the app, not of 'check'" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the version."""
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("hardening-tutor 0.")


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown format is a usage error."""
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--format", "xml", "Dockerfile"])
    assert exit_info.value.code == 2


def test_rules_piped_is_one_rule_a_line_without_trailing_spaces(
        capsys: pytest.CaptureFixture[str]) -> None:
    """Piped into grep or a file, the catalogue has a line per rule and no padding."""
    from tutor.analysis.rules import RULES

    code, out, _ = run(capsys, "rules")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(list(RULES)) + 1  # the header, then one line each
    assert all(line == line.rstrip() for line in lines)
    assert lines[0].split() == ["id", "name", "topic", "severity", "lesson", "aliases"]


def test_rules_json_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules --format json` has id, name, topic, severity, lesson and aliases."""
    code, out, _ = run(capsys, "rules", "--format", "json")
    rules = json.loads(out)
    assert {"HT101", "HT401"} <= {r["id"] for r in rules}
    assert {"id", "name", "topic", "severity", "lesson", "aliases"} <= set(rules[0])


def test_explain_by_alias(capsys: pytest.CaptureFixture[str]) -> None:
    """`explain DL3002` explains HT101 with both examples."""
    code, out, _ = run(capsys, "explain", "DL3002")
    assert code == 0 and "HT101" in out
    assert "Failing example" in out and "Passing example" in out and "USER 10001" in out
    code, _, err = run(capsys, "explain", "XX999")
    assert code == 2 and "no rule" in err


def test_headless_commands_never_import_textual(tmp_path: Path) -> None:
    """check, rules and explain leave textual out of sys.modules (fast, CI-safe)."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(ROOT_FILE)
    script = (
        "import sys\nfrom tutor.cli import main\n"
        f"main(['check', '--format', 'json', {str(dockerfile)!r}])\n"
        "main(['rules'])\nmain(['explain', 'HT101'])\n"
        "sys.stdout = sys.__stdout__\n"
        "print('TEXTUAL' if any(m == 'textual' or m.startswith('textual.') "
        "for m in sys.modules) else 'CLEAN')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.stdout.strip().endswith("CLEAN"), result.stderr


# Packages a one-file `check` must not import (issue 19: each costs every start): the app,
# the course, exams and the server, YAML and the compose model for a Dockerfile, and
# importlib.resources (pkgutil reads the data tables for a sixth of the cost).
NOT_FOR_A_DOCKERFILE = ("textual", "yaml", "tutor.app", "tutor.content", "tutor.exam",
                        "tutor.serve", "tutor.analysis.compose", "tutor.analysis.fixes",
                        "tutor.analysis.rules._compose", "tutor.analysis.rules.compose_",
                        "importlib.resources", "rich.markdown", "pygments")
# Only the terminal view needs rich; json and sarif print without it.
NOT_FOR_JSON = (*NOT_FOR_A_DOCKERFILE, "rich", "typing_extensions")
# SARIF describes every rule in its run (tool.driver.rules), so it loads them all.
NOT_FOR_SARIF = tuple(m for m in NOT_FOR_JSON if "compose" not in m)


def _loaded_by(*argv: str, cwd: Path) -> list[str]:
    """The modules a fresh `hardening-tutor ARGV` process has loaded when it exits."""
    script = (
        "import sys, io, contextlib\nfrom tutor.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main({list(argv)!r})\n"
        "print(code, *sorted(sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=cwd, check=False)
    code, *modules = result.stdout.split()
    assert code == "1", result.stderr  # the file has findings: the analysis ran
    return modules


def _matching(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return [m for m in modules
            if any(m == p or m.startswith(p if p.endswith(("_", ".")) else f"{p}.")
                   for p in prefixes)]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_checking_a_dockerfile_imports_only_what_it_needs(tmp_path: Path, fmt: str) -> None:
    """`check FILE` loads neither the app, the course, YAML nor the compose rules; json and
    sarif not even rich (issue 19: a process per file pays for every import)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "Dockerfile").write_text(ROOT_FILE)
    modules = _loaded_by("check", "--format", fmt, "Dockerfile", cwd=tmp_path)
    assert "tutor.analysis.rules.final_user_root" in modules  # the rules did run
    banned = {"text": NOT_FOR_A_DOCKERFILE, "json": NOT_FOR_JSON, "sarif": NOT_FOR_SARIF}[fmt]
    assert _matching(modules, banned) == []


def test_checking_a_compose_file_imports_the_compose_rules(tmp_path: Path) -> None:
    """The other half: a compose file loads YAML and its rules (the lists above can fail)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n"
                                           "    privileged: true\n")
    modules = _loaded_by("check", "--format", "json", "compose.yaml", cwd=tmp_path)
    assert {"yaml", "tutor.analysis.compose",
            "tutor.analysis.rules.compose_privileged"} <= set(modules)
    assert "tutor.analysis.rules.final_user_root" not in modules
    assert _matching(modules, ("textual", "rich", "tutor.content", "tutor.exam")) == []


def test_check_builds_no_parser_that_imports_its_command() -> None:
    """`check` does not build the exercise, exam, results or serve parsers (building them
    imports the judge, the exam and the server); with no command every one is built."""
    from tutor.cli import COMMANDS, build_parser

    def commands(parser: object) -> set[str]:
        sub = next(a for a in parser._actions if a.dest == "command")  # type: ignore[attr-defined]
        return set(sub.choices)

    assert commands(build_parser("check")) == {"check", "rules", "explain", "content"}
    assert {"exam", "results"} <= commands(build_parser("results"))
    assert "serve" not in commands(build_parser("exam"))
    assert commands(build_parser()) == set(COMMANDS)


@pytest.mark.parametrize("argv", [["--help"], ["-h", "check"]])
def test_help_for_the_tool_lists_every_command(argv: list[str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`hardening-tutor --help` still lists all commands, each with its one-line help."""
    with pytest.raises(SystemExit):
        main(argv)
    out = capsys.readouterr().out
    for command in ("check", "rules", "explain", "content", "exercise", "exam", "results",
                    "serve"):
        assert f"\n    {command} " in out, command


@pytest.mark.parametrize("argv", [["results", "list", "--help"], ["exam", "--help"],
                                  ["exercise", "check", "--help"], ["content", "check", "-h"],
                                  ["serve", "--help"]])
def test_every_other_command_still_parses(argv: list[str],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Building one parser at a time, each command (results with exam) still has its own."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    assert f"usage: hardening-tutor {argv[0]}" in capsys.readouterr().out


def test_bundled_sample_shows_every_topic(capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`check examples/` (the README's first command) shows root, secret, capability and
    base-image findings, and which compose service builds the Dockerfile."""
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    code, out, _ = run(capsys, "check", "--format", "json", "--no-config", "examples")
    assert code == 1
    files = json.loads(out)["files"]
    topics = {f["topic"] for file in files for f in file["findings"]}
    assert {"root", "secrets", "capabilities", "scanning"} <= topics
    assert any(file.get("service") == "app in examples/compose.yaml" for file in files)


def test_app_reports_bad_input_before_taking_the_screen(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A data folder that cannot be made, or a missing file, is exit 2 with one clear line."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code = main(["--data-dir", str(blocker / "data")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot use" in err and "as the data folder" in err
    assert "Traceback" not in err
    code = main(["--data-dir", str(tmp_path / "data"), str(tmp_path / "missing" / "Dockerfile")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
