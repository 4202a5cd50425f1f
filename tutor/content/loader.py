"""Read a course pack (the packaged course or an instructor's folder) into typed data.

Loading never raises on bad content: every problem becomes a ``ContentError`` with file,
line and fix, and whatever could be read is still returned. Only a pack that does not exist
at all is a ``TutorError``.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from tutor.content import controls
from tutor.content.goals import parse_goal
from tutor.content.identity import packaged_root
from tutor.content.model import (
    SIGN_OFF,
    ContentError,
    Course,
    ExamDefinition,
    Exercise,
    Lesson,
    Option,
    Question,
    Topic,
)
from tutor.content.schema import COURSE, EXERCISE, LESSON, QUESTION, QUIZ, validate
from tutor.errors import InputError, TutorError
from tutor.safeio import read_limited
from tutor.yamllines import YamlList, YamlMap, YamlRefused, error_line
from tutor.yamllines import load as load_yaml

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

MAX_FILE_BYTES = 1024 * 1024
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_INVALID = object()  # what ``_Loader.yaml`` returns for text it could not parse
# What tools leave beside course files; never part of an exercise.
_TOOL_LEFTOVERS = frozenset({"__pycache__", ".DS_Store", "Thumbs.db"})


def pack_root(directory: Path | None) -> Traversable:
    """The packaged course, or an instructor's course pack folder after checking it is one."""
    if directory is None:
        return packaged_root()
    if not directory.is_dir():
        raise TutorError(f"{directory}: no such folder; give a course pack folder, which "
                         f"holds lessons/course.yaml")
    if not (directory / "lessons").is_dir():
        raise TutorError(f"{directory}: not a course pack: it has no lessons/ folder (see "
                         f"'hardening-tutor content schema course' for the layout)")
    return directory


def load_course(directory: Path | None = None) -> Course:
    """Load the packaged course, or the pack in ``directory``; problems go to ``errors``."""
    return _Loader(pack_root(directory)).load()


class _Loader:
    """One load of one pack: collects errors and a digest of every file it reads."""

    def __init__(self, root: Traversable) -> None:
        self.root = root
        self.errors: list[ContentError] = []
        self.digest: dict[str, bytes] = {}
        self.topics: tuple[Topic, ...] = ()

    def error(self, file: str, line: int, message: str) -> None:
        self.errors.append(ContentError(file, line, message))

    def read(self, node: Traversable, rel: str) -> str | None:
        """A file's text, or None (with an error) unless it is a regular UTF-8 file in bounds."""
        try:
            data = _read_bytes(node)
        except InputError as exc:
            reason = str(exc).removeprefix(f"{node}: ")
            self.error(rel, 1, f"cannot be read: {reason}: course files must be regular files "
                               f"you can read, under {MAX_FILE_BYTES // 1024 // 1024} MB")
            return None
        except OSError as exc:
            self.error(rel, 1, f"cannot be read ({exc.strerror or exc}): check its permissions")
            return None
        self.digest[rel] = data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            self.error(rel, line, "is not UTF-8 text: save it as UTF-8 (course files and "
                                  "exercise files are text)")
            return None
        text, problems = controls.in_text(text)
        for line, message in problems:
            self.error(rel, line, message)
        return text

    def yaml(self, text: str | None, rel: str, offset: int = 0) -> Any:
        """Parsed YAML, or ``_INVALID`` (with an error) when the text is missing or malformed."""
        if text is None:
            return _INVALID
        try:
            data, problems = controls.in_data(load_yaml(text))
        except yaml.YAMLError as exc:
            line, reason = error_line(exc)
            self.error(rel, line + offset, f"not valid YAML: {reason}: fix the syntax "
                                           f"(indentation, or quote text holding ': ')")
        except YamlRefused as exc:
            self.error(rel, exc.line + offset, f"refused: {exc.reason}: {exc.fix}")
        except RecursionError:  # only without libyaml, whose parser caps the nesting
            self.error(rel, 1, "not valid YAML: nested too deeply: flatten it")
        else:
            for line, message in problems:
                self.error(rel, line + offset, message)
            return data
        return _INVALID

    def load(self) -> Course:
        course = Course(root=str(self.root))
        lessons_dir = self.root.joinpath("lessons")
        manifest = lessons_dir.joinpath("course.yaml")
        if manifest.is_file():
            self._manifest(course, manifest)
        else:
            self.error("lessons/course.yaml", 1, "missing: every course pack needs one "
                                                 "(see 'hardening-tutor content schema course')")
        self.topics = course.topics
        course.lessons = tuple(sorted(self._lessons(lessons_dir), key=lambda x: x.order))
        course.exercises = self._exercises(lessons_dir.joinpath("exercises"))
        course.questions = tuple(self._quizzes(self.root.joinpath("quizzes")))
        for lesson in course.lessons:
            for exercise_id in lesson.exercises:
                exercise = course.exercises.get(exercise_id)
                if exercise is not None and exercise.lesson is None:
                    course.exercises[exercise_id] = _with_lesson(exercise, lesson.id)
        course.errors = self.errors
        sha = hashlib.sha256()
        for rel in sorted(self.digest):
            sha.update(rel.encode() + b"\0" + self.digest[rel] + b"\0")
        course.content_hash = sha.hexdigest()
        return course

    def _manifest(self, course: Course, node: Traversable) -> None:
        rel = "lessons/course.yaml"
        data = self.yaml(self.read(node, rel), rel)
        if data is _INVALID:
            return
        problems = validate(data, COURSE, rel, name="course.yaml")
        self.errors.extend(problems)
        if not isinstance(data, dict):
            return
        course.title = str(data.get("title", ""))
        course.scope = str(data.get("scope", "complete"))
        topics = data.get("topics")
        if isinstance(topics, list):
            course.topics = tuple(Topic(str(t["id"]), str(t["title"])) for t in topics
                                  if isinstance(t, dict) and "id" in t and "title" in t)
        if not problems and isinstance(data, YamlMap):
            course.exams = _exam_definitions(data, course.title)
            course.roster = str(data["roster"]) if "roster" in data else None

    def _lessons(self, lessons_dir: Traversable) -> list[Lesson]:
        lessons: list[Lesson] = []
        if not lessons_dir.is_dir():
            self.error("lessons", 1, "missing: a course pack needs a lessons/ folder")
            return lessons
        for node in sorted(lessons_dir.iterdir(), key=lambda n: n.name):
            # Not is_file(): a FIFO or device named like a lesson is reported, not skipped.
            if not node.is_dir() and node.name.endswith(".md") and (
                    node.name.lower() != "readme.md"):
                lesson = self._lesson(node, f"lessons/{node.name}")
                if lesson is not None:
                    lessons.append(lesson)
        return lessons

    def _lesson(self, node: Traversable, rel: str) -> Lesson | None:
        text = self.read(node, rel)
        if text is None:
            return None
        lines = text.split("\n")
        if not lines or lines[0].strip() != "---":
            self.error(rel, 1, "has no front matter: start the file with a '---' line, the "
                               "lesson's id, title, order, summary, objectives, minutes and "
                               "rules, then another '---'")
            return None
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            self.error(rel, 1, "the front matter never ends: add a '---' line after it")
            return None
        data = self.yaml("\n".join(lines[1:end]), rel, offset=1)
        if data is _INVALID:
            return None
        problems = validate(data, LESSON, rel, name="the front matter", line_offset=1)
        self.errors.extend(problems)
        if problems or not isinstance(data, dict):
            return None
        return Lesson(
            id=data["id"], title=data["title"], order=data["order"], summary=data["summary"],
            objectives=tuple(data["objectives"]), minutes=data["minutes"],
            rules=tuple(data["rules"]), exercises=tuple(data.get("exercises", ())),
            body="\n".join(lines[end + 1:]), file=rel, body_line=end + 2,
            key_lines={str(k): n + 1 for k, n in getattr(data, "key_lines", {}).items()})

    def _exercises(self, folder: Traversable) -> dict[str, Exercise]:
        exercises: dict[str, Exercise] = {}
        if not folder.is_dir():
            return exercises
        for node in sorted(folder.iterdir(), key=lambda n: n.name):
            if not node.is_dir():
                continue
            rel = f"lessons/exercises/{node.name}"
            if not _ID.match(node.name):
                self.error(rel, 1, "the folder name is the exercise id: use lowercase letters, "
                                   "digits and hyphens")
                continue
            exercise = self._exercise(node, rel)
            if exercise is not None:
                exercises[exercise.id] = exercise
        return exercises

    def _exercise(self, node: Traversable, rel: str) -> Exercise | None:
        spec_node = node.joinpath("exercise.yaml")
        spec_rel = f"{rel}/exercise.yaml"
        if not spec_node.is_file():
            self.error(spec_rel, 1, "missing: each exercise folder needs an exercise.yaml")
            return None
        data = self.yaml(self.read(spec_node, spec_rel), spec_rel)
        if data is _INVALID:
            return None
        problems = validate(data, EXERCISE, spec_rel, name="exercise.yaml")
        self.errors.extend(problems)
        starter = self._files(node, "starter", rel)
        solution = self._files(node, "solution", rel)
        if problems or not isinstance(data, dict) or starter is None or solution is None:
            return None
        dockerfile = data.get("dockerfile", "Dockerfile")
        goal, goal_problems = parse_goal(data["goal"], spec_rel, dockerfile,
                                         allow=data.get("allow"),
                                         allow_line=data.line_of("allow")
                                         if isinstance(data, YamlMap) else 1, files=starter)
        self.errors.extend(goal_problems)
        return Exercise(
            id=node.name, title=data["title"], summary=data["summary"],
            difficulty=data["difficulty"], edit=tuple(data["edit"]), goal=goal,
            hints=tuple(data["hints"]), debrief=data["debrief"], starter=starter,
            solution=solution, file=spec_rel)

    def _files(self, node: Traversable, which: str, rel: str) -> dict[str, str] | None:
        """Every file under ``starter/`` or ``solution/``, by path relative to that folder."""
        top = node.joinpath(which)
        if not top.is_dir():
            what = ("every file the learner starts from" if which == "starter" else
                    "the files the reference solution changes or adds")
            self.error(f"{rel}/{which}", 1,
                       f"missing: an exercise needs a {which}/ folder ({what})")
            return None
        files: dict[str, str] = {}
        pending: list[tuple[Traversable, str]] = [(top, "")]
        while pending:
            folder, prefix = pending.pop()
            for child in folder.iterdir():
                path = f"{prefix}{child.name}"
                if child.name in _TOOL_LEFTOVERS or child.name.endswith(".pyc"):
                    continue  # pip byte-compiles the exercises' .py files on install
                if isinstance(child, Path) and child.is_symlink():
                    self.error(f"{rel}/{which}/{path}", 1,
                               "is a symbolic link: exercise files must be real files, so "
                               "copy the file in instead")
                elif child.is_dir():
                    pending.append((child, f"{path}/"))
                else:  # a FIFO or device is reported by read(), not skipped
                    text = self.read(child, f"{rel}/{which}/{path}")
                    if text is not None:
                        files[path] = text
        return dict(sorted(files.items()))

    def _quizzes(self, folder: Traversable) -> list[Question]:
        questions: list[Question] = []
        if not folder.is_dir():
            self.error("quizzes", 1, "missing: a course pack needs a quizzes/ folder with one "
                                     "question bank a topic")
            return questions
        for node in sorted(folder.iterdir(), key=lambda n: n.name):
            if not node.is_dir() and node.name.endswith((".yaml", ".yml")):
                questions.extend(self._quiz(node, f"quizzes/{node.name}"))
        return questions

    def _quiz(self, node: Traversable, rel: str) -> list[Question]:
        data = self.yaml(self.read(node, rel), rel)
        if data is _INVALID:
            return []
        # The bank's own keys first; then each question on its own, so one broken question
        # is reported and skipped while the rest of the bank still loads.
        bank = {**QUIZ, "properties": {**QUIZ["properties"], "questions": {
            "type": "array", "minItems": 1}}}
        self.errors.extend(validate(data, bank, rel, name="the question bank"))
        if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
            return []
        topic = str(data.get("topic", ""))
        known = [t.id for t in self.topics]
        if "topic" in data and known and topic not in known:
            self.errors.append(ContentError(
                rel, data.line_of("topic") if isinstance(data, YamlMap) else 1,
                f"topic '{topic}' is not one of the course's topics ({', '.join(known)}): "
                f"use one of them, or add it to topics: in lessons/course.yaml"))
        questions: list[Question] = []
        items: YamlList | list[Any] = data["questions"]
        for index, item in enumerate(items):
            line = items.line_of(index) if isinstance(items, YamlList) else 1
            problems = validate(item, QUESTION, rel, line, name=f"question {index + 1}")
            self.errors.extend(problems)
            if problems or not isinstance(item, YamlMap):
                continue
            question = _question(item, topic, rel, self.errors)
            if question is not None:
                questions.append(question)
        return questions


def _read_bytes(node: Traversable) -> bytes:
    """A course file's bytes, never more than the limit; on disk, only a regular file."""
    if isinstance(node, Path):
        # An instructor's pack may hold anything: a FIFO would block, /dev/zero never ends.
        return read_limited(node, MAX_FILE_BYTES, "course file")
    with node.open("rb") as handle:  # the packaged course, possibly inside a zip
        data: bytes = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{node}: too large to be a course file (the limit is "
                         f"{MAX_FILE_BYTES // 1024 // 1024} MB)")
    return data


def _exam_definitions(data: YamlMap, title: str) -> tuple[ExamDefinition, ...]:
    """The course's exams; an older pack's single ``exam:`` block defines 'sign-off'."""
    if isinstance(data.get("exams"), list):
        items = data["exams"]
        return tuple(ExamDefinition(
            id=str(item["id"]), title=str(item["title"]),
            topics=tuple(str(t) for t in item.get("topics", ())),
            types=tuple(str(t) for t in item.get("types", ())),
            per_topic=None if "questions" in item else int(item.get("per_topic", 3)),
            questions=int(item["questions"]) if "questions" in item else None,
            pass_mark=int(item.get("pass_mark", 80)),
            time_limit_minutes=item.get("time_limit_minutes"),
            attempts=item.get("attempts"), retake_after_days=item.get("retake_after_days"),
            feedback=str(item.get("feedback", "review")), line=items.line_of(index))
            for index, item in enumerate(items))
    legacy = data.get("exam")
    settings = legacy if isinstance(legacy, dict) else {}
    return (ExamDefinition(
        id=SIGN_OFF, title=title or "Exam", per_topic=int(settings.get("per_topic", 3)),
        pass_mark=int(settings.get("pass_mark", 80)),
        time_limit_minutes=settings.get("time_limit_minutes"),
        line=data.line_of("exam")),)


def _with_lesson(exercise: Exercise, lesson_id: str) -> Exercise:
    return replace(exercise, lesson=lesson_id)


_TYPE_KEYS = {
    "single": ({"options", "answer"}, set()),
    "multiple": ({"options", "answer"}, set()),
    "true_false": ({"answer"}, set()),
    "spot_the_line": ({"dockerfile", "answer"}, {"rule"}),
    "fix_it": ({"dockerfile", "goal", "solution"}, set()),
}
_COMMON = {"id", "type", "difficulty", "lesson", "prompt", "explanation"}


def _question(item: YamlMap, topic: str, rel: str,
              errors: list[ContentError]) -> Question | None:
    """One question from its YAML, with the checks that depend on its type."""
    kind = item["type"]
    qid = item["id"]
    required, optional = _TYPE_KEYS[kind]
    found = len(errors)
    for key in sorted(required - item.keys()):
        errors.append(ContentError(rel, item.line, f"question '{qid}' ({kind}) has no '{key}': "
                                                   f"add {key}:"))
    for key in sorted(item.keys() - required - optional - _COMMON):
        errors.append(ContentError(rel, item.line_of(key),
                                   f"question '{qid}': {kind} questions take no '{key}': "
                                   f"remove it, or change the type"))
    if len(errors) > found:
        return None
    common: dict[str, Any] = dict(
        id=qid, type=kind, topic=topic, difficulty=item["difficulty"], lesson=item["lesson"],
        prompt=item["prompt"], explanation=item["explanation"], file=rel, line=item.line,
        key_lines={str(k): n for k, n in item.key_lines.items()})
    answer = item.get("answer")
    at = item.line_of("answer")
    if kind in ("single", "multiple"):
        listed = item["options"]
        options = tuple(Option(o["text"], o.get("why"), listed.line_of(index))
                        for index, o in enumerate(listed))
        indexes = _letters(answer, len(options), qid, kind, rel, at, errors)
        if indexes is None:
            return None
        for index, option in enumerate(options):
            if index not in indexes and option.why is None:
                errors.append(ContentError(
                    rel, item["options"].line_of(index),
                    f"question '{qid}': option {chr(97 + index)} is wrong but has no 'why': "
                    f"add why: saying what is wrong with it"))
        return Question(**common, options=options, answer=indexes)
    if kind == "true_false":
        if not isinstance(answer, bool):
            errors.append(ContentError(rel, at, f"question '{qid}': the answer is '{answer}': "
                                                f"write answer: true or answer: false"))
            return None
        return Question(**common, answer=answer)
    if kind == "spot_the_line":
        lines = [answer] if isinstance(answer, int) and not isinstance(answer, bool) else answer
        if not isinstance(lines, list) or not lines or not all(
                isinstance(n, int) and not isinstance(n, bool) for n in lines):
            errors.append(ContentError(rel, at, f"question '{qid}': give the answer as a line "
                                                f"number, or a list of them: answer: [3, 5]"))
            return None
        return Question(**common, dockerfile=item["dockerfile"], rule=item.get("rule"),
                        answer=tuple(sorted(set(lines))))
    goal, problems = parse_goal(item["goal"], rel, allow=item.get("allow"),
                                allow_line=item.line_of("allow")
                                if isinstance(item, YamlMap) else at)
    errors.extend(problems)
    return Question(**common, dockerfile=item["dockerfile"], goal=goal,
                    solution=item["solution"]) if not problems else None


def _letters(answer: Any, count: int, qid: str, kind: str, rel: str, line: int,
             errors: list[ContentError]) -> tuple[int, ...] | None:
    """Answer letters as option indexes, checking the count the type asks for."""
    letters = [answer] if isinstance(answer, str) else answer
    last = chr(96 + count)
    if kind == "single" and not isinstance(answer, str):
        errors.append(ContentError(rel, line, f"question '{qid}': a single-answer question "
                                              f"has one answer letter (a-{last})"))
        return None
    if not isinstance(letters, list) or not all(isinstance(x, str) for x in letters):
        errors.append(ContentError(rel, line, f"question '{qid}': answer with letters from a "
                                              f"to {last}: answer: [a, c]"))
        return None
    indexes: list[int] = []
    for letter in letters:
        index = ord(letter.strip().lower()) - 97 if len(letter.strip()) == 1 else -1
        if not 0 <= index < count:
            errors.append(ContentError(rel, line, f"question '{qid}': answer '{letter}' names "
                                                  f"no option: use a letter from a to {last}"))
            return None
        indexes.append(index)
    if len(set(indexes)) != len(indexes):
        errors.append(ContentError(rel, line, f"question '{qid}': an answer letter is "
                                              f"repeated: list each letter once"))
        return None
    if kind == "multiple" and not 2 <= len(indexes) < count:
        errors.append(ContentError(
            rel, line, f"question '{qid}': a select-all question needs at least two right "
                       f"options and at least one wrong one (it has {len(indexes)} of {count}): "
                       f"change the answer, or make it type: single"))
        return None
    return tuple(sorted(indexes))

