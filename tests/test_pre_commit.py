"""The pre-commit hook, as a team adds it beside hadolint's: its file filter and a real run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tutor.analysis.files import _is_compose_name, is_dockerfile_name

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
BAD = "FROM debian:13-slim\nCMD [\"sh\"]\n"
GOOD = "FROM debian:13-slim@sha256:" + "a" * 64 + "\nUSER 10001\n"


def hook() -> dict[str, object]:
    """The one hook the repository offers."""
    (entry,) = yaml.safe_load(HOOKS.read_text())
    assert isinstance(entry, dict)
    return entry


def test_hook_is_described_as_pre_commit_expects() -> None:
    """id, name, entry and language, with entry running `check` (hadolint's hook has the same)."""
    entry = hook()
    assert entry["id"] == "hardening-tutor" and entry["language"] == "python"
    assert entry["entry"] == "hardening-tutor check" and entry["name"]


@pytest.mark.parametrize(("path", "selected"), [
    ("Dockerfile", True), ("docker/Dockerfile", True), ("Dockerfile.prod", True),
    ("app.Dockerfile", True), ("svc/api.dockerfile", True), ("Containerfile", True),
    ("compose.yaml", True), ("deploy/docker-compose.yml", True),
    ("compose.override.yaml", True), ("docker-compose.prod.yml", True),
    ("Dockerfile.dockerignore", False), ("app.Dockerfile.dockerignore", False),
    (".dockerignore", False), ("README.md", False), (".github/workflows/ci.yml", False),
    ("values.yaml", False), ("not-a-Dockerfile.txt", False), ("Dockerfiles/notes.md", False),
])
def test_hook_selects_the_files_check_would_find(path: str, selected: bool) -> None:
    """The hook's files/exclude pick what `check DIR` looks for, and nothing else."""
    entry = hook()
    files, exclude = str(entry["files"]), str(entry["exclude"])
    chosen = bool(re.search(files, path)) and not re.search(exclude, path)
    assert chosen is selected
    name = Path(path).name
    assert (is_dockerfile_name(name) or _is_compose_name(name)) is selected


def git(repo: Path, *args: str) -> None:
    """Run git in ``repo``."""
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


# Slow (pre-commit builds a virtualenv and pip-installs this repository into it, ~15 s
# here); `pytest -m "not slow"` skips it, the full suite runs it.
@pytest.mark.slow
def test_pre_commit_try_repo_fails_a_bad_dockerfile_and_passes_a_good_one(
        tmp_path: Path) -> None:
    """`pre-commit try-repo` installs the hook and runs it: the bad file fails, the good passes."""
    pre_commit = Path(sys.executable).parent / "pre-commit"
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (it is in the test extra)")
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "Dockerfile").write_text(BAD)
    (project / "app" / "Dockerfile").write_text(GOOD)
    (project / "app" / "Dockerfile.dockerignore").write_text(".git\n")
    (project / "notes.txt").write_text("not a Dockerfile\n")
    git(project, "init", "-q")
    git(project, "add", ".")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "NO_COLOR": "1"}

    def run(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(pre_commit), "try-repo", str(ROOT), "hardening-tutor",
                               "--color", "never", "--files", *files],
                              cwd=project, env=env, capture_output=True, text=True, timeout=600)

    bad = run("Dockerfile", "notes.txt")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert re.search(r"hardening-tutor\.+Failed", bad.stdout), bad.stdout
    assert "Dockerfile:1:1: error HT101 " in bad.stdout
    assert "1 file: 1 error" in bad.stdout  # notes.txt was not handed to the hook
    good = run("app/Dockerfile", "app/Dockerfile.dockerignore", "notes.txt")
    assert good.returncode == 0, good.stdout + good.stderr
    assert re.search(r"hardening-tutor\.+Passed", good.stdout), good.stdout
