"""Read a course pack (the packaged course or an instructor's folder) into typed data.

Loading never raises on bad content: every problem becomes a ``ContentError`` with file,
line and fix, and whatever could be read is still returned. Only a pack that does not exist
at all is a ``TutorError``. Here: the manifest, the lessons and the exercises; each file is
read through ``pack_reader``, and each quiz file by ``question_bank``.
"""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

from tutor.content.goals import parse_goal
from tutor.content.identity import packaged_root
from tutor.content.model import SIGN_OFF, Course, ExamDefinition, Exercise, Lesson, Question, Topic
from tutor.content.pack_reader import INVALID, PackReader
from tutor.content.question_bank import read_bank
from tutor.content.schema import COURSE, EXERCISE, LESSON, validate
from tutor.errors import TutorError
from tutor.yamllines import YamlMap

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
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


def load_lessons(directory: Path | None = None) -> tuple[Lesson, ...]:
    """Only the pack's lessons, in order (a finding's explanation names its lesson's title).

    The rest of the pack is not read, so this is no check of it, and the lessons are not
    linked to their exercises; ``load_course`` does both.
    """
    return _Loader(pack_root(directory)).lessons()


class _Loader:
    """One load of one pack: its reader collects the errors and the digest of every file."""

    def __init__(self, root: Traversable) -> None:
        self.root = root
        self.reader = PackReader()

    def load(self) -> Course:
        course = Course(root=str(self.root))
        lessons_dir = self.root.joinpath("lessons")
        manifest = lessons_dir.joinpath("course.yaml")
        if manifest.is_file():
            self._manifest(course, manifest)
        else:
            self.reader.error("lessons/course.yaml", 1,
                              "missing: every course pack needs one (see 'hardening-tutor "
                              "content schema course')")
        course.lessons = self.lessons()
        course.exercises = self._exercises(lessons_dir.joinpath("exercises"))
        course.questions = tuple(self._quizzes(self.root.joinpath("quizzes"), course.topics))
        for lesson in course.lessons:
            for exercise_id in lesson.exercises:
                exercise = course.exercises.get(exercise_id)
                if exercise is not None and exercise.lesson is None:
                    course.exercises[exercise_id] = _with_lesson(exercise, lesson.id)
        course.errors = self.reader.errors
        course.content_hash = self.reader.content_hash()
        return course

    def lessons(self) -> tuple[Lesson, ...]:
        """The pack's lessons, in their order."""
        lessons = self._lessons(self.root.joinpath("lessons"))
        return tuple(sorted(lessons, key=lambda lesson: lesson.order))

    def _manifest(self, course: Course, node: Traversable) -> None:
        rel = "lessons/course.yaml"
        data = self.reader.yaml(self.reader.read(node, rel), rel)
        if data is INVALID:
            return
        problems = validate(data, COURSE, rel, name="course.yaml")
        self.reader.errors.extend(problems)
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
            self.reader.error("lessons", 1, "missing: a course pack needs a lessons/ folder")
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
        text = self.reader.read(node, rel)
        if text is None:
            return None
        lines = text.split("\n")
        if not lines or lines[0].strip() != "---":
            self.reader.error(rel, 1, "has no front matter: start the file with a '---' line, "
                                      "the lesson's id, title, order, summary, objectives, "
                                      "minutes and rules, then another '---'")
            return None
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            self.reader.error(rel, 1, "the front matter never ends: add a '---' line after it")
            return None
        data = self.reader.yaml("\n".join(lines[1:end]), rel, offset=1)
        if data is INVALID:
            return None
        problems = validate(data, LESSON, rel, name="the front matter", line_offset=1)
        self.reader.errors.extend(problems)
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
                self.reader.error(rel, 1, "the folder name is the exercise id: use lowercase "
                                          "letters, digits and hyphens")
                continue
            exercise = self._exercise(node, rel)
            if exercise is not None:
                exercises[exercise.id] = exercise
        return exercises

    def _exercise(self, node: Traversable, rel: str) -> Exercise | None:
        spec_node = node.joinpath("exercise.yaml")
        spec_rel = f"{rel}/exercise.yaml"
        if not spec_node.is_file():
            self.reader.error(spec_rel, 1, "missing: each exercise folder needs an exercise.yaml")
            return None
        data = self.reader.yaml(self.reader.read(spec_node, spec_rel), spec_rel)
        if data is INVALID:
            return None
        problems = validate(data, EXERCISE, spec_rel, name="exercise.yaml")
        self.reader.errors.extend(problems)
        starter = self._files(node, "starter", rel)
        solution = self._files(node, "solution", rel)
        if problems or not isinstance(data, dict) or starter is None or solution is None:
            return None
        dockerfile = data.get("dockerfile", "Dockerfile")
        goal, goal_problems = parse_goal(data["goal"], spec_rel, dockerfile,
                                         allow=data.get("allow"),
                                         allow_line=data.line_of("allow")
                                         if isinstance(data, YamlMap) else 1, files=starter)
        self.reader.errors.extend(goal_problems)
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
            self.reader.error(f"{rel}/{which}", 1,
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
                    self.reader.error(f"{rel}/{which}/{path}", 1,
                                      "is a symbolic link: exercise files must be real files, "
                                      "so copy the file in instead")
                elif child.is_dir():
                    pending.append((child, f"{path}/"))
                else:  # a FIFO or device is reported by read(), not skipped
                    text = self.reader.read(child, f"{rel}/{which}/{path}")
                    if text is not None:
                        files[path] = text
        return dict(sorted(files.items()))

    def _quizzes(self, folder: Traversable, topics: tuple[Topic, ...]) -> list[Question]:
        questions: list[Question] = []
        if not folder.is_dir():
            self.reader.error("quizzes", 1, "missing: a course pack needs a quizzes/ folder "
                                            "with one question bank a topic")
            return questions
        for node in sorted(folder.iterdir(), key=lambda n: n.name):
            if not node.is_dir() and node.name.endswith((".yaml", ".yml")):
                questions.extend(read_bank(self.reader, node, f"quizzes/{node.name}", topics))
        return questions


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
