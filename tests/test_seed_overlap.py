"""The copying check: the course shares only command fragments with the seed articles."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO, SHARED

SEEDS = SHARED / "seeds"


def _script() -> ModuleType:
    path = REPO / "scripts" / "seed_overlap.py"
    spec = importlib.util.spec_from_file_location("seed_overlap", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["seed_overlap"] = module
    spec.loader.exec_module(module)
    return module


overlap = _script()

SEED = ("Running your application as the root user inside a container is a bad idea because "
        "an attacker who escapes the process gets root on the whole container. Use "
        "docker run --rm -it --user 1000:1000 --cap-drop=ALL --cap-add=NET_BIND_SERVICE my-image "
        "to keep one capability.")


def test_a_copied_sentence_is_prose_and_a_shared_command_is_a_fragment() -> None:
    course = {
        "lessons/x.md": "Intro.\n\nAn attacker who escapes the process gets root on the whole "
                        "container, they say.\n\n```sh\ndocker run --rm -it --user 1000:1000 "
                        "--cap-drop=ALL --cap-add=NET_BIND_SERVICE my-image\n```\n",
    }
    runs = overlap.shared_runs(course, {"seed.txt": SEED}, 8)
    assert [(run.kind, run.line) for run in runs] == [("prose", 3), ("command", 6)]


def test_a_command_quoted_in_a_yaml_block_is_a_fragment() -> None:
    course = {"quizzes/x.yaml": "code: |\n  docker run --rm -it --user 1000:1000 --cap-drop=ALL "
                                "--cap-add=NET_BIND_SERVICE my-image\n"}
    runs = overlap.shared_runs(course, {"seed.txt": SEED}, 8)
    assert [run.kind for run in runs] == ["command"]


def test_own_words_share_nothing() -> None:
    course = {"lessons/x.md": "A process that breaks out as uid 0 starts with every privilege "
                              "the kernel hands the container's root.\n"}
    assert overlap.shared_runs(course, {"seed.txt": SEED}, 8) == []


def test_the_course_copies_no_sentence_from_the_seeds() -> None:
    if not any(SEEDS.glob("*.txt")):
        pytest.skip("../shared/seeds is not present")
    runs = overlap.shared_runs(overlap.course_files(REPO), {
        path.name: path.read_text(encoding="utf-8", errors="replace")
        for path in SEEDS.glob("*.txt")}, 8)
    prose = [f"{run.file}:{run.line}: {run.text}" for run in runs if run.kind == "prose"]
    assert prose == []


def test_the_script_refuses_a_missing_seeds_folder(tmp_path: Path) -> None:
    assert overlap.main([str(tmp_path / "absent")]) == 2
