"""The shipped course: valid, complete, agreeing with its published schemas, and packaged."""

from __future__ import annotations

import compileall
import json
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, TODAY
from tutor.analysis.rules import RULES
from tutor.analysis.rules.base import LESSONS
from tutor.cli import main
from tutor.content.check import check_course
from tutor.content.cues import measure_cues
from tutor.content.loader import load_course
from tutor.content.model import QUESTION_TYPES, Course
from tutor.content.schema import published
from tutor.yamllines import load

FIXTURE = Path(__file__).parent / "fixtures" / "course"


def test_shipped_course_has_no_errors(course: Course) -> None:
    """Every check passes on the shipped course (on the day the tests pin)."""
    assert [str(e) for e in check_course(course, today=TODAY)] == []


def test_course_size(course: Course) -> None:
    """Six or more lessons, two or more exercises each, twelve or more questions a topic."""
    assert len(course.lessons) >= 6
    assert {lesson.id for lesson in course.lessons} >= {*LESSONS, "putting-it-together"}
    assert len(course.exercises) >= 12
    for lesson in course.lessons:
        assert len(lesson.exercises) >= 2, lesson.id
    assert len(course.questions) >= 60
    per_topic = Counter(q.topic for q in course.questions)
    assert {t.id for t in course.topics} == set(LESSONS)
    assert all(per_topic[t.id] >= 12 for t in course.topics), per_topic
    assert {q.type for q in course.questions} == set(QUESTION_TYPES)


def test_every_rule_is_taught_by_its_own_lesson(course: Course) -> None:
    """Each rule's lesson slug names a lesson that lists the rule."""
    for rule in RULES.values():
        lesson = course.lesson(rule.lesson)
        assert lesson is not None and rule.id in lesson.rules, rule.id


def test_seed_knowledge_checks_are_in_the_banks(course: Course) -> None:
    """The hardening article's three knowledge checks are there, in our words."""
    ids = {q.id: q for q in course.questions}
    assert ids["secrets-env-db-password"].topic == "secrets"
    assert ids["root-default-user-risk"].topic == "root-risks"
    port_3000 = ids["caps-node-api-port-3000"]
    assert port_3000.topic == "capabilities" and "3000" in port_3000.prompt


def test_shipped_banks_give_a_guesser_nothing(course: Course) -> None:
    """The shipped banks raise no answer-cue warning and the longest option is right no
    more often than chance would have it."""
    cues = measure_cues(course)
    assert [str(w) for w in cues.warnings] == []
    assert cues.correct_longest <= 0.3 * cues.single
    assert cues.common_set_count == 1


def test_low_ports_and_cap_add_are_taught_as_they_are(course: Course) -> None:
    """The port-80 questions say a container binds low ports without a capability and that
    cap_add gives a non-root user nothing; the old high-port-only answers are gone."""
    ids = {q.id: q for q in course.questions}
    recipe = ids["caps-bind-service-recipe"]
    assert recipe.type == "single" and recipe.answer == (2,)
    assert "ip_unprivileged_port_start" in recipe.explanation
    as_user = ids["root-low-port-as-user"]
    assert as_user.type == "multiple" and as_user.answer == (1, 3)
    assert not {"root-low-port", "caps-drop-then-add", "caps-low-port-mapping",
                "caps-fix-setcap-port", "caps-spot-setcap-node"} & ids.keys()


def test_exercise_goals_are_hands_on(course: Course) -> None:
    """Every exercise has three hints, a starter that fails and files to edit."""
    for exercise in course.exercises.values():
        assert len(exercise.hints) == 3
        assert exercise.edit[0] in exercise.solved_files()


def _front_matter(text: str) -> Any:
    return load(text.split("---\n", 2)[1])


def test_content_agrees_with_the_published_schemas(course: Course) -> None:
    """A standard JSON Schema validator accepts every shipped file against our schemas."""
    jsonschema = pytest.importorskip("jsonschema")
    schemas = {kind: published(kind) for kind in ("course", "lesson", "exercise", "quiz")}
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)
    root = REPO
    files: list[tuple[str, Any]] = [("course", load((root / "lessons/course.yaml").read_text()))]
    files += [("lesson", _front_matter(p.read_text()))
              for p in sorted((root / "lessons").glob("[0-9]*.md"))]
    files += [("exercise", load(p.read_text()))
              for p in sorted((root / "lessons/exercises").glob("*/exercise.yaml"))]
    files += [("quiz", load(p.read_text())) for p in sorted((root / "quizzes").glob("*.yaml"))]
    assert len(files) == 1 + len(course.lessons) + len(course.exercises) + 5
    for kind, data in files:
        jsonschema.validate(json.loads(json.dumps(data)), schemas[kind])


def test_the_schema_rejects_what_the_checker_rejects() -> None:
    """The published schema, like the checker, refuses unknown keys and two-kind checks."""
    jsonschema = pytest.importorskip("jsonschema")
    exercise = load((FIXTURE / "lessons/exercises/tiny-user/exercise.yaml").read_text())
    exercise = json.loads(json.dumps(exercise))
    jsonschema.validate(exercise, published("exercise"))
    for broken in ({**exercise, "hint": ["x"]},
                   {**exercise, "goal": [{"stages": 2, "runs_as_root": False}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, published("exercise"))


def test_no_course_file_is_ignored_by_git() -> None:
    """A clean clone has every course file (a .gitignore in an exercise once hid one)."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    paths = [str(p.relative_to(REPO)) for folder in ("lessons", "quizzes")
             for p in (REPO / folder).rglob("*") if p.is_file()]
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=REPO,
                             capture_output=True, text=True).stdout.split()
    assert ignored == []


def test_content_hash_follows_the_files(tmp_path: Path) -> None:
    """The course digest is stable, and changes when any file changes."""
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE, pack)
    first = load_course(pack).content_hash
    assert load_course(pack).content_hash == first and len(first) == 64
    starter = pack / "lessons/exercises/tiny-user/starter/Dockerfile"
    starter.write_text(starter.read_text() + "# changed\n")
    assert load_course(pack).content_hash != first


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_content_check_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    """content check --format json reports counts and an empty error list for the fixture."""
    code, out, _ = run(capsys, "content", "check", str(FIXTURE), "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert {key: report[key] for key in ("lessons", "exercises", "questions", "errors",
                                         "warnings")} == {
        "lessons": 1, "exercises": 1, "questions": 5, "errors": [], "warnings": []}
    assert report["cues"]["single_choice"]["questions"] == 1


def test_content_check_fails_on_a_broken_pack(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A broken pack exits 1 and lists each error with file, line and message."""
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE, pack)
    quiz = pack / "quizzes/users.yaml"
    quiz.write_text(quiz.read_text().replace("answer: b", "answer: z"))
    code, out, _ = run(capsys, "content", "check", str(pack), "-f", "json")
    report = json.loads(out)
    assert code == 1
    assert report["errors"] == [{"file": "quizzes/users.yaml", "line": 12, "message":
                                 "question 'users-default': answer 'z' names no option: use a "
                                 "letter from a to b"}]
    code, out, _ = run(capsys, "content", "check", str(pack))
    assert code == 1
    assert "quizzes/users.yaml:12: question 'users-default'" in out
    assert "1 lessons" not in out and "1 error" in out


def test_content_check_on_a_folder_that_is_not_a_pack(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A folder without lessons/ is a usage error (exit 2) that says what a pack holds."""
    code, out, err = run(capsys, "content", "check", str(tmp_path))
    assert code == 2 and out == ""
    assert "not a course pack: it has no lessons/ folder" in err
    code, _, err = run(capsys, "content", "check", str(tmp_path / "missing"))
    assert code == 2 and "no such folder" in err


def test_content_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    """content schema prints a JSON Schema document for the kind asked for."""
    code, out, _ = run(capsys, "content", "schema", "quiz")
    schema = json.loads(out)
    assert code == 0 and schema["$schema"].endswith("2020-12/schema")
    assert schema["properties"]["questions"]["items"]["properties"]["type"]["enum"] == list(
        QUESTION_TYPES)


def test_content_check_does_not_import_textual() -> None:
    """The headless content check stays free of the UI toolkit."""
    code = ("import sys; from tutor.cli import main; rc = main(['content', 'check', "
            f"{str(FIXTURE)!r}]); assert 'textual' not in sys.modules, 'textual imported'; "
            "sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_wheel_ships_and_finds_the_course(tmp_path: Path) -> None:
    """A built wheel holds the course, and the packaged copy loads and validates from it."""
    pytest.importorskip("hatchling")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path / "dist"), str(REPO)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    # pip byte-compiles every .py it installs, the exercises' sample apps included.
    compileall.compile_dir(site, quiet=1)
    assert list(site.rglob("starter/__pycache__/*.pyc"))
    assert "tutor/content/course/lessons/course.yaml" in names
    assert any(n.endswith("/starter/.dockerignore") for n in names)
    assert "tutor/serve/templates/app_index.html" in names  # the workshop server's page
    code = ("import sys, json; sys.path.insert(0, sys.argv[1]); "
            "from tutor.content.loader import load_course; "
            "from tutor.content.check import check_course; import datetime as dt; "
            "c = load_course(); "
            "print(json.dumps([c.root, len(c.questions), "
            "[str(e) for e in check_course(c, today=dt.date(2026, 11, 22))]]))")
    result = subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root, questions, errors = json.loads(result.stdout)
    assert root.startswith(str(site)) and questions >= 60 and errors == []


def test_content_without_a_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """'content' alone says which commands exist and exits 2."""
    code, _, err = run(capsys, "content")
    assert code == 2 and "content check [DIR]" in err


def test_loading_the_course_imports_no_rule_and_no_analysis() -> None:
    """The first screen needs the course, not the analyzer: rule names come from the
    registry's table, so no rule module (and no image model) is imported to label goals."""
    code = ("import sys; from tutor.content.loader import load_course; c = load_course(); "
            "assert not c.errors, c.errors; "
            "print(sorted(m for m in sys.modules if m.startswith(('tutor.analysis.rules.', "
            "'tutor.analysis.image_')) or m == 'tutor.analysis.engine'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
