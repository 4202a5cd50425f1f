"""One build folder, three ways in: check's files on disk, the workbench's buffers, an exercise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tutor.analysis.config import Config
from tutor.analysis.context import Listing
from tutor.analysis.disk import list_folder
from tutor.analysis.files import analyze_targets, discover
from tutor.analysis.findings import Finding
from tutor.analysis.folder import BuildFolder, analyze_folder
from tutor.analysis.profile import ImageProfile
from tutor.app.workspace import Workspace
from tutor.content.judge import evaluate
from tutor.content.model import Goal
from tutor.errors import InputError

# The Dockerfile's own ignore file keeps .env out and has a broken pattern; the context's
# .dockerignore (which BuildKit does not read here) keeps nothing out. The service's user:
# decides who the image runs as.
OWN_IGNORE = {
    "Dockerfile": "FROM debian:12\nWORKDIR /app\nCOPY . /app\nCMD [\"./run\"]\n",
    "Dockerfile.dockerignore": ".env\n[unclosed\n",
    ".dockerignore": "# nothing\n",
    "compose.yaml": "services:\n  web:\n    build: .\n    user: \"10001\"\n",
    ".env": "TOKEN=x\n",
    "deploy/id_rsa": "key\n",
    "src/app.py": "print()\n",
}
# A service that builds the first stage, which sets no user, from a multi-stage file.
TARGET_STAGE = {
    "Dockerfile": "FROM debian:12 AS build\nRUN make\n\nFROM debian:12\nUSER 10001\n",
    "compose.yaml": "services:\n  web:\n    build:\n      context: .\n      target: build\n",
    ".dockerignore": "*.pem\n!**\n",
}

# An .npmrc that reads its token from the environment beside one that holds a token: only the
# second is a secret file, whoever reads the folder (the content is read with the listing).
NPMRC = {
    "Dockerfile": "FROM node:22\nWORKDIR /app\nCOPY .npmrc ./\nCOPY . .\nUSER 1000\n",
    "compose.yaml": "services:\n  web:\n    build: .\n",
    ".npmrc": "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
    "tools/.npmrc": "//npm.corp.internal/:_authToken=Qm3Vx8Lp2Wz9Rt5Yb7Nc\n",
}

Seen = tuple[list[tuple[str, int, str]], list[tuple[str, int, str]], tuple[object, ...]]


def write(root: Path, files: dict[str, str]) -> None:
    """Lay the files out under ``root``, with a .git folder so no config above is found."""
    (root / ".git").mkdir()
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def seen(dockerfile: list[Finding], compose: list[Finding], profile: ImageProfile) -> Seen:
    """What a learner sees: each file's findings (rule, line, message) and who the image runs as."""
    def rows(findings: list[Finding]) -> list[tuple[str, int, str]]:
        return sorted((f.rule, f.line, f.message) for f in findings)

    return rows(dockerfile), rows(compose), (profile.user, profile.runs_as_root, profile.reason,
                                             profile.final_stage and profile.final_stage.index)


def through_check(root: Path) -> Seen:
    """``hardening-tutor check`` on the folder."""
    reports = analyze_targets(discover([root]), Config(), today=TODAY)
    assert sorted(r.kind for r in reports) == ["compose", "dockerfile"]
    (dockerfile,) = [r for r in reports if r.kind == "dockerfile"]
    (compose,) = [r for r in reports if r.kind == "compose"]
    assert dockerfile.error is None and dockerfile.profile is not None
    return seen(dockerfile.findings, compose.findings, dockerfile.profile)


def through_workbench(root: Path, files: dict[str, str]) -> Seen:
    """The workbench opened on the folder, analysing its buffers."""
    workspace = Workspace.from_path(root)
    buffers = {name: files[name] for name in workspace.files}
    result = workspace.analyze(buffers, TODAY)
    assert result.analysis is not None
    by_file = {name: [item.finding for item in result.findings if item.file == name]
               for name in ("Dockerfile", "compose.yaml")}
    return seen(by_file["Dockerfile"], by_file["compose.yaml"], result.analysis.profile)


def through_exercise(files: dict[str, str]) -> Seen:
    """An exercise's files judged in memory."""
    result = evaluate(Goal(checks=()), files, TODAY)
    assert result.analysis is not None and result.compose is not None
    return seen(result.analysis.findings, result.compose.findings, result.analysis.profile)


@pytest.mark.parametrize("files", [OWN_IGNORE, TARGET_STAGE, NPMRC],
                         ids=["own-ignore", "target", "npmrc"])
def test_check_workbench_and_exercise_agree(tmp_path: Path, files: dict[str, str]) -> None:
    """The same folder gives the same findings and the same profile whichever way it comes in."""
    write(tmp_path, files)
    expected = through_check(tmp_path)
    assert through_workbench(tmp_path, files) == expected
    assert through_exercise(files) == expected


def test_an_npmrc_is_judged_by_what_it_holds(tmp_path: Path) -> None:
    """Only the .npmrc holding a token is reported; COPY .npmrc of the placeholder one is not."""
    write(tmp_path, NPMRC)
    dockerfile, _, _ = through_check(tmp_path)
    assert [(rule, line) for rule, line, _ in dockerfile if rule in ("HT203", "HT205")] == [
        ("HT205", 4)]
    (swept,) = [message for rule, _, message in dockerfile if rule == "HT205"]
    assert "tools/.npmrc" in swept and "Qm3V" not in swept


def test_the_workbench_reads_file_contents_when_it_scans_not_on_an_edit(tmp_path: Path) -> None:
    """A token written into .npmrc after the scan changes nothing until the folder is scanned."""
    files = {**NPMRC}
    del files["tools/.npmrc"]
    write(tmp_path, files)
    workspace = Workspace.from_path(tmp_path)
    buffers = {name: files[name] for name in workspace.files}

    def rules() -> list[str]:
        return sorted(item.finding.rule for item in workspace.analyze(buffers, TODAY).findings
                      if item.finding.rule.startswith("HT2"))

    assert rules() == []
    (tmp_path / ".npmrc").write_text("//registry.npmjs.org/:_authToken=Qm3Vx8Lp2Wz9Rt5Yb7Nc\n")
    assert rules() == []
    workspace.scan()
    assert rules() == ["HT203", "HT205"]


def test_the_agreed_answer_is_buildkits(tmp_path: Path) -> None:
    """The Dockerfile's own ignore file is read, its bad pattern reported, the user: applied."""
    write(tmp_path, OWN_IGNORE)
    dockerfile, _, (user, runs_as_root, _, _) = through_check(tmp_path)
    assert ("HT001", 1, "Dockerfile.dockerignore line 2: pattern '[unclosed' is not a valid "
            "pattern: unterminated character class; Docker rejects the whole build") in dockerfile
    (swept,) = [message for rule, _, message in dockerfile if rule == "HT205"]
    assert "deploy/id_rsa" in swept and ".env" not in swept
    assert (user, runs_as_root) == ("10001", False)


@pytest.mark.parametrize("way", ["check", "workbench", "exercise"])
def test_a_broken_dockerignore_is_reported_every_way(tmp_path: Path, way: str) -> None:
    """A pattern Docker rejects is a warning on line 1 of the Dockerfile, whoever analyses it."""
    files = {"Dockerfile": "FROM debian:12\nUSER 10001\n", ".dockerignore": ".git\n!\n"}
    write(tmp_path, files)
    if way == "check":
        (report,) = analyze_targets(discover([tmp_path]), Config(), today=TODAY)
        findings = report.findings
    elif way == "workbench":
        analysis = Workspace.from_path(tmp_path).analyze(files, TODAY).analysis
        assert analysis is not None
        findings = analysis.findings
    else:
        findings = evaluate(Goal(checks=()), files, TODAY).findings
    (problem,) = [f for f in findings if f.rule == "HT001"]
    assert problem.line == 1 and problem.severity.name == "WARNING"
    assert problem.message.startswith(".dockerignore line 2: pattern '!' is an exception")


def test_a_dockerfiles_ignore_file_is_not_a_dockerfile(tmp_path: Path) -> None:
    """check on a folder does not analyse Dockerfile.dockerignore as one more Dockerfile."""
    write(tmp_path, {"Dockerfile": "FROM debian:12\n", "Dockerfile.dockerignore": ".env\n"})
    assert [t.path.name for t in discover([tmp_path])] == ["Dockerfile"]


def test_the_workbench_reads_an_ignore_file_made_after_it_opened(tmp_path: Path) -> None:
    """A Dockerfile.dockerignore saved by another program counts once the folder is rescanned."""
    files = {"Dockerfile": "FROM debian:12\nCOPY . /app\nUSER 10001\n", ".env": "TOKEN=x\n"}
    write(tmp_path, files)
    workspace = Workspace.from_path(tmp_path)
    buffers = {"Dockerfile": files["Dockerfile"]}
    assert "HT205" in [item.finding.rule for item in workspace.analyze(buffers, TODAY).findings]
    (tmp_path / "Dockerfile.dockerignore").write_text(".env\n")
    workspace.scan()
    assert "HT205" not in [item.finding.rule for item in workspace.analyze(buffers,
                                                                         TODAY).findings]


def test_a_service_target_that_names_no_stage_is_a_finding() -> None:
    """In a folder, a compose target naming no stage is a warning; the last stage is judged."""
    folder = BuildFolder({"Dockerfile": "FROM debian:12\nUSER 10001\n",
                          "compose.yaml": "services:\n  web:\n    build:\n      context: .\n"
                                          "      target: nope\n"},
                         Listing(("Dockerfile", "compose.yaml")), "Dockerfile", "compose.yaml")
    analysis = analyze_folder(folder, today=TODAY).analysis
    assert analysis is not None and analysis.profile.user == "10001"
    (problem,) = [f for f in analysis.findings if f.rule == "HT001"]
    assert "service 'web' in compose.yaml builds target 'nope'" in problem.message
    with pytest.raises(InputError, match="no build stage named 'nope'"):
        analyze_folder(folder, today=TODAY, target="nope")


def test_the_listing_skips_tooling_and_marks_fifos(tmp_path: Path) -> None:
    """One walk: others' code is skipped, a FIFO is listed as special, files come in order."""
    write(tmp_path, {"b.txt": "", "a/z.txt": "", "node_modules/m/.env": "", "vendor/x": ""})
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "id_rsa")
    listing = list_folder(tmp_path)
    fifo = ("id_rsa",) if hasattr(os, "mkfifo") else ()
    assert listing.paths == ("b.txt", *fifo, "a/z.txt")
    assert listing.special == frozenset(fifo) and not listing.truncated
    assert list_folder(tmp_path, limit=1) == Listing(("b.txt",), truncated=True)


def test_an_unlistable_subfolder_is_passed_over(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A subfolder that cannot be listed is reported to the caller and the rest is listed."""
    write(tmp_path, {"Dockerfile": "", "locked/Dockerfile": ""})
    real = os.scandir

    def scandir(path: str | Path = ".") -> os._ScandirIterator[str]:
        if os.path.abspath(path) == str(tmp_path / "locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    unlisted: list[Path] = []
    listing = list_folder(tmp_path, unlisted=lambda folder, error: unlisted.append(folder))
    assert listing.paths == ("Dockerfile",) and unlisted == [tmp_path / "locked"]
    with pytest.raises(InputError, match="cannot list this directory: permission denied"):
        list_folder(tmp_path / "locked")
