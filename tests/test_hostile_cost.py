"""Hostile input costs what its text costs: alias bombs, loops, deep nesting, many secrets,
tens of thousands of findings (issue 13, section 3)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.analysis.engine import analyze_compose
from tutor.analysis.scrub import Scrubber
from tutor.app.workspace import Workspace
from tutor.cli import main
from tutor.content.check import check_course
from tutor.content.loader import load_course

T = TypeVar("T")
FIXTURE = Path(__file__).parent / "fixtures" / "course"
# Before the bound, the 12-level bomb took 5 s and 350 MB; each level multiplies that by 4.
HANG = 30


def alias_bomb(levels: int, indent: str = "") -> str:
    """Anchors that are each four aliases of the one before; the eighth crosses the bound."""
    lines = [f"{indent}x-b0: &b0 [SYS_ADMIN, SYS_ADMIN, SYS_ADMIN, SYS_ADMIN]"]
    lines += [f"{indent}x-b{n}: &b{n} [*b{n - 1}, *b{n - 1}, *b{n - 1}, *b{n - 1}]"
              for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def compose_bomb(levels: int) -> str:
    """A compose file whose one service adds the expansion of the last anchor as capabilities."""
    return alias_bomb(levels) + (f"services:\n  app:\n    image: example/app:1.0\n"
                                 f"    cap_add: *b{levels - 1}\n")


def finishes(call: Callable[[], T], seconds: float = HANG) -> T:
    """The call's result; fails instead of hanging the suite when the call never returns."""
    results: list[T] = []
    thread = threading.Thread(target=lambda: results.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert results, f"still running after {seconds} s"
    return results[0]


def syntax_findings(text: str) -> list[tuple[int, str]]:
    """(line, message) of each HT001 finding for a compose text."""
    analysis = finishes(lambda: analyze_compose(text))
    return [(f.line, f.message) for f in analysis.findings if f.rule == "HT001"]


# --- YAML: alias bombs, loops and deep nesting ------------------------------------------


def test_check_refuses_an_alias_bomb_at_its_anchor(tmp_path: Path) -> None:
    """`check` on a 20-level bomb exits at once with an HT001 error on the anchor's line."""
    (tmp_path / "compose.yaml").write_text(compose_bomb(20))
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "check", "--no-config", "--format", "json",
         "compose.yaml"], capture_output=True, text=True, cwd=tmp_path, timeout=HANG)
    (entry,) = json.loads(result.stdout)["files"]
    (finding,) = entry["findings"]
    assert (finding["rule"], finding["severity"], finding["line"]) == ("HT001", "error", 8)
    assert "alias bomb" in finding["message"] and "100,000 values" in finding["message"]
    assert result.returncode == 1


def test_aliases_below_the_bound_still_work() -> None:
    """Ordinary anchors, merge keys and a few hundred aliased values analyse as before."""
    text = alias_bomb(4) + ("x-base: &base\n  read_only: true\nservices:\n  app:\n"
                            "    <<: *base\n    image: example/app:1.0\n    cap_add: *b0\n")
    analysis = finishes(lambda: analyze_compose(text))
    assert analysis.model.services[0].spec["read_only"] is True
    assert {(f.rule, f.line) for f in analysis.findings} >= {("HT303", 1)}
    assert not [f for f in analysis.findings if f.rule == "HT001"]


def test_an_anchor_inside_itself_is_a_finding() -> None:
    """A self-referencing anchor is an HT001 finding on its line, not an exception."""
    (finding,) = syntax_findings("services:\n  app:\n    image: x\n    cap_add: &loop\n"
                                 "      - *loop\n")
    assert finding[0] == 4 and "loop" in finding[1]
    (finding,) = syntax_findings("services: &s\n  app: *s\n")
    assert finding[0] == 1 and "loop" in finding[1]


def test_deep_nesting_is_a_finding() -> None:
    """10,000 nested brackets, or 400 nested block lists, give a finding, not a RecursionError."""
    (brackets,) = syntax_findings("services:\n  app:\n    cap_add: " + "[" * 10_000 + "\n")
    assert brackets[0] == 3 and "nesting" in brackets[1]
    (dashes,) = syntax_findings("services:\n  app:\n    cap_add:\n      " + "- " * 400 + "x\n")
    assert dashes[0] == 4 and "nested more than 100 levels" in dashes[1]


def test_workspace_analyses_a_bomb_to_its_finding(tmp_path: Path) -> None:
    """The workbench's analysis (what its worker runs on every edit) returns the HT001 at once."""
    (tmp_path / "compose.yaml").write_text(compose_bomb(12))
    workspace = Workspace.from_path(tmp_path / "compose.yaml")
    result = finishes(lambda: workspace.analyze({"compose.yaml": compose_bomb(12)}))
    assert [(item.file, item.finding.rule, item.finding.line) for item in result.findings] == \
        [("compose.yaml", "HT001", 8)]


async def test_workbench_shows_the_bomb_finding(tmp_path: Path, make_app: Any) -> None:
    """Opening a bomb in the app lists the HT001 error on the anchor's line and stays usable."""
    from tests.test_app_workbench import settle
    from tutor.app.widgets.findings import FindingsList

    (tmp_path / "compose.yaml").write_text(compose_bomb(12))
    app = make_app(tmp_path / "compose.yaml")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await settle(pilot)
        findings = screen.query_one("#findings", FindingsList)
        first = str(findings.get_option_at_index(0).prompt)
        assert first.startswith("✖ error   HT001 L8")
        await pilot.press("ctrl+q")


def test_a_bomb_in_a_course_pack_is_a_content_error(tmp_path: Path) -> None:
    """A billion-laughs quiz or lesson front matter is an error with its file and line."""
    root = tmp_path / "pack"
    shutil.copytree(FIXTURE, root)
    (root / "quizzes" / "laughs.yaml").write_text(alias_bomb(20))
    lesson = root / "lessons" / "01-users.md"
    lesson.write_text(lesson.read_text().replace("---\n", "---\n" + alias_bomb(9), 1))
    errors = finishes(lambda: check_course(load_course(root)))
    bombs = sorted((e.file, e.line) for e in errors if "alias bomb" in e.message)
    assert bombs == [("lessons/01-users.md", 9), ("quizzes/laughs.yaml", 8)]


def test_a_loop_in_a_course_pack_is_a_content_error(tmp_path: Path) -> None:
    """A self-referencing anchor in a quiz is an error on its line, not an exception."""
    root = tmp_path / "pack"
    shutil.copytree(FIXTURE, root)
    (root / "quizzes" / "loop.yaml").write_text("topic: users\nquestions: &q\n  - *q\n")
    errors = finishes(lambda: check_course(load_course(root)))
    assert [(e.file, e.line) for e in errors if "loop" in e.message] == [("quizzes/loop.yaml", 2)]


# --- secrets: the last guard masks every value, in one pass -----------------------------


def test_a_reused_secret_is_masked_in_every_service() -> None:
    """Each of 300 passwords, repeated where a rule quotes it, is shown only masked."""
    services = "".join(f"  svc{n}:\n    image: example/svc:1.0\n    cap_add: [Pw{n:04d}-k3yZ!q]\n"
                       f"    environment:\n      DB_PASSWORD: Pw{n:04d}-k3yZ!q\n"
                       for n in range(300))
    analysis = analyze_compose("services:\n" + services)
    quoted = [f.message for f in analysis.findings if f.rule == "HT303"]
    assert len(quoted) == 300
    assert all("'P…'" in message for message in quoted)
    assert not any(f"Pw{n:04d}-k3yZ!q" in f.message + f.fix
                   for f in analysis.findings for n in range(300))


def test_overlapping_and_prefix_sharing_secrets_are_all_masked() -> None:
    """Values that overlap are masked as one; values sharing a prefix are each masked."""
    scrub = Scrubber(["correct-horse-battery", "battery-staple-42x", "S3cr3t-Passw0rd-0001",
                      "S3cr3t-Passw0rd-0002"])
    assert scrub("x correct-horse-battery-staple-42x y") == "x co…2x y"
    assert scrub("a S3cr3t-Passw0rd-0002, b S3cr3t-Passw0rd-0001") == "a S3…02, b S3…01"
    assert scrub("S3cr3t-Passw0rd-0003 is not one") == "S3cr3t-Passw0rd-0003 is not one"


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.text(alphabet="ab-", min_size=8, max_size=20), min_size=1,
                       max_size=6), data=st.data())
def test_no_secret_survives_scrubbing(values: list[str], data: st.DataObject) -> None:
    """Whatever the values (8 characters or more, as the engine passes) and however they
    overlap in the text, none is left whole in what is shown."""
    pieces = data.draw(st.lists(st.one_of(st.sampled_from(values),
                                          st.text(alphabet="ab- x", max_size=6)), max_size=8))
    text = "".join(pieces)
    shown = Scrubber(values)(text)
    assert not [value for value in values if value in shown]
    if not any(value in text for value in values):
        assert shown == text


# --- the text report: one row a finding, alike syntax findings counted -------------------


def check_output(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """What `check` prints for the arguments, run in ``folder`` at 80 columns."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("COLUMNS", "80")
        main(["check", "--no-config", *args])
    return capsys.readouterr().out


def terminal_check_output(folder: Path, *args: str) -> str:
    """What `check` shows in an 80-column terminal (NO_COLOR set, styles stripped)."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("COLUMNS", "80")
        patch.setenv("NO_COLOR", "1")
        patch.setenv("TERM", "xterm")
        patch.setattr(sys, "stdout", screen)
        main(["check", "--no-config", *args])
    return re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue())


def test_alike_syntax_findings_are_counted_not_printed(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Text shows 20 rows of one syntax error and a count of the rest; JSON keeps them all."""
    (tmp_path / "Dockerfile").write_text("`\n" * 500)
    text = check_output(tmp_path, capsys, "--format", "text", "Dockerfile")
    assert text.count("✖ error   HT001 unknown instruction '`'") == 20
    assert "… and 480 more like this, the last on line 500" in text
    assert "1 file: 501 errors, 0 warnings, 0 info" in text
    compact = check_output(tmp_path, capsys, "Dockerfile").splitlines()
    assert compact.count("Dockerfile:3:1: error HT001 unknown instruction '`'") == 1
    assert len(compact) == 1 + 20 + 1 + 1  # no FROM, 20 alike, the count, the summary
    assert compact[-2] == "Dockerfile: … and 480 more like this, the last on line 500 (HT001)"
    findings = json.loads(check_output(tmp_path, capsys, "--format", "json",
                                       "Dockerfile"))["files"][0]["findings"]
    assert len(findings) == 501


def test_distinct_findings_are_all_printed(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Syntax errors that differ are each a row; only alike ones are counted."""
    (tmp_path / "Dockerfile").write_text("".join(f"WORD{n} x\n" for n in range(30)))
    text = check_output(tmp_path, capsys, "--format", "text", "Dockerfile")
    assert all(f"unknown instruction 'WORD{n}'" in text for n in range(30))
    assert "more like this" not in text


def test_rows_keep_their_columns_and_hanging_indent(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Line, icon and word, rule id, then the message wrapped under itself, as before."""
    image = "example/app:1.0@sha256:" + "ab" * 32  # pinned: no HT402 row before HT303's
    (tmp_path / "compose.yaml").write_text(f"services:\n  app:\n    image: {image}\n"
                                           "    user: '10001'\n    read_only: true\n"
                                           "    cap_drop: [ALL]\n    cap_add: [NET_ADMIN]\n"
                                           "    security_opt: ['no-new-privileges:true']\n")
    lines = terminal_check_output(tmp_path, "compose.yaml").splitlines()
    assert lines[:8] == [
        "compose.yaml  (compose)",
        "     7 ✖ error   HT303 service 'app' adds NET_ADMIN: control of network ",
        "                       interfaces, routes and firewall rules.",
        "                       fix: This service runs as user 10001, and Docker puts an ",
        "                       added capability only in a non-root process's bounding ",
        "                       set, not its effective set, so the program cannot use ",
        "                       NET_ADMIN as written (moby/moby#36587). If it can do ",
        "                       without, remove the line. If it truly needs it, keep the ",
    ]


def test_fifty_thousand_alike_findings_print_briefly(tmp_path: Path) -> None:
    """50,000 lines of one backtick print a short report (it took 30 s and 350 MB as a table)."""
    (tmp_path / "Dockerfile").write_text("`\n" * 50_000)
    result = subprocess.run([sys.executable, "-m", "tutor", "check", "--no-config",
                             "Dockerfile"], capture_output=True, text=True, cwd=tmp_path,
                            timeout=HANG)
    assert "… and 49980 more like this, the last on line 50000" in result.stdout
    assert len(result.stdout.splitlines()) < 200
