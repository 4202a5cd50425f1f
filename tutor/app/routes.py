"""Which screen each place in the app opens, or why it cannot be opened (a ``TutorError``).

The first screen follows how the app was launched: the exam, the workbench for a path, else
the course map. Each screen's module is imported when it is first opened, so the first frame
loads only its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.errors import TutorError

if TYPE_CHECKING:
    from textual.screen import Screen

    from tutor.app import Launch
    from tutor.app.app import TutorApp
    from tutor.content.model import Course
    from tutor.exam.learners import Learner


def first_screen(options: Launch) -> tuple[Screen[Any], str | None]:
    """The screen the app opens on, and why the workbench asked for could not open, if so."""
    if options.exam is not None:
        from tutor.app.screens.exam_start import ExamStartScreen

        return ExamStartScreen(options.exam, options.exam_learner,
                               take_over=options.exam_take_over, roster=options.exam_roster,
                               identity=options.identity), None
    problem = None
    if options.path is not None:
        from tutor.app.screens.workbench import WorkbenchScreen

        try:
            return (WorkbenchScreen(options.workspace) if options.workspace is not None
                    else WorkbenchScreen.for_path(options.path)), None
        except TutorError as exc:
            problem = str(exc)
    from tutor.app.screens.home import HomeScreen

    return HomeScreen(), problem


def lesson_screen(course: Course, lesson_id: str) -> Screen[Any]:
    """A lesson, by id."""
    lesson = course.lesson(lesson_id)
    if lesson is None:
        raise TutorError(f"There is no lesson '{lesson_id}' in this course.")
    from tutor.app.screens.lesson import LessonScreen

    return LessonScreen(lesson)


def exercise_screen(app: TutorApp, exercise_id: str) -> Screen[Any]:
    """The workbench on an exercise, its files copied into the learner's workspace."""
    exercise = app.course.exercises.get(exercise_id)
    if exercise is None:
        raise TutorError(f"There is no exercise '{exercise_id}' in this course.")
    from tutor.app.screens.workbench import WorkbenchScreen

    return WorkbenchScreen.for_exercise(exercise, app.exercises_dir)


def file_screen(path: Path) -> Screen[Any]:
    """The workbench on a Dockerfile, compose file or directory."""
    from tutor.app.screens.workbench import WorkbenchScreen

    return WorkbenchScreen.for_path(path)


def practice_screen(course: Course, topic: str | None) -> Screen[Any]:
    """A practice quiz on one topic, or on every topic."""
    from tutor.app.screens.practice import PracticeScreen

    questions = [q for q in course.questions if topic is None or q.topic == topic]
    if not questions:
        raise TutorError(f"There are no questions on '{topic}' in this course.")
    return PracticeScreen(questions, topic)


def exam_screen(course: Course, exam_id: str | None, identity: Learner | None) -> Screen[Any]:
    """The start of one of the course's exams, exactly as the course defines it."""
    from tutor.app.screens.exam_start import ExamStartScreen
    from tutor.exam.learners import course_roster
    from tutor.exam.spec import spec_for

    spec = spec_for(course, exam_id)
    roster = course_roster(course)
    return ExamStartScreen(spec, roster=roster, identity=identity)


def rule_screen(rule_id: str) -> Screen[Any]:
    """One rule's explanation."""
    from tutor.analysis.rules import rule_for
    from tutor.app.screens.rule import RuleScreen

    rule = rule_for(rule_id)
    if rule is None:
        raise TutorError(f"There is no rule '{rule_id}'.")
    return RuleScreen(rule)

