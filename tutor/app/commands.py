"""The command palette's course entries: every lesson, exercise, quiz, rule and screen by name.

Typing part of a name (``exerc``, ``HT101``, ``secrets``) in the palette (ctrl+p) finds it.
Names and help come from course packs and rule docs, which others wrote, and Textual's
palette reads a plain string as markup, so every name is given as Content and every help
line is escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from tutor.safetext import clipped, visible

if TYPE_CHECKING:
    from tutor.app.app import TutorApp

# Difficulty as an icon and a word, as the lesson's Try it buttons show it.
_DIFFICULTY = {"easy": "◔ easy", "medium": "◑ medium", "hard": "● hard"}


@dataclass(frozen=True)
class Entry:
    """One thing the palette can open: its name, a line of help, what choosing it does,
    and whether it is listed before anything is typed."""

    name: str
    help: str
    run: Callable[[], object]
    listed: bool = True


def course_entries(app: TutorApp) -> list[Entry]:
    """Screens, lessons, exercises, quizzes and rules, in that order."""
    from tutor.analysis.rules import RULES

    course = app.course
    entries = [
        Entry("Course map", "The lessons, their exercises and the practice quizzes",
              app.action_home),
        Entry("Help: every key", "Each screen's keys, the mouse, themes and where progress "
              "is kept (F1)", app.action_help),
        Entry("Workbench: open a file", "Live findings for a Dockerfile, compose file or "
              "folder", app.action_open_file_prompt),
        Entry("Exam", "The course's sign-off exam, timed and recorded", app.open_exam),
    ]
    for lesson in course.lessons:
        entries.append(Entry(f"Lesson {lesson.order}: {lesson.title}", lesson.summary,
                             partial(app.open_lesson, lesson.id)))
    titles = {lesson.id: f"lesson {lesson.order}, {lesson.title}" for lesson in course.lessons}
    solved = set(app.store.solutions())
    for lesson in course.lessons:
        for exercise_id in lesson.exercises:
            exercise = course.exercises.get(exercise_id)
            if exercise is None:
                continue
            parts = [_DIFFICULTY.get(exercise.difficulty, exercise.difficulty),
                     f"in {titles[lesson.id]}"]
            if exercise_id in solved:
                parts.append("✔ solved")
            entries.append(Entry(f"Exercise: {exercise.title}", " · ".join(parts),
                                 partial(app.open_exercise, exercise_id)))
    entries.append(Entry("Practice quiz: every topic", "Questions from every topic",
                         app.start_practice))
    for topic in course.topics:
        count = sum(1 for question in course.questions if question.topic == topic.id)
        entries.append(Entry(f"Practice quiz: {topic.title}",
                             f"{count} question{'s' * (count != 1)} on {topic.id}",
                             partial(app.start_practice, topic.id)))
    for rule in RULES.values():
        # Listed only when searched for: fifty rules would bury the rest.
        entries.append(Entry(f"Rule {rule.id}: {rule.name}", clipped(rule.doc().summary, 100),
                             partial(app.open_rule, rule.id), listed=False))
    return entries


class CourseCommands(Provider):
    """Finds the course's lessons, exercises, quizzes and rules, and the app's screens."""

    async def startup(self) -> None:
        from tutor.app.screens.exam import ExamScreen
        from tutor.app.screens.exam_summary import ExamSummaryScreen

        # An exam is closed-book: from its screens the palette opens no lesson, exercise,
        # quiz or rule (Textual's own commands, such as the theme, stay).
        closed_book = isinstance(self.screen, ExamScreen | ExamSummaryScreen)
        self.entries = [] if closed_book else course_entries(cast("TutorApp", self.app))

    async def discover(self) -> Hits:
        """Before anything is typed: the screens, lessons, exercises and quizzes."""
        for entry in self.entries:
            if entry.listed:
                yield DiscoveryHit(Content(visible(entry.name)), entry.run,
                                   text=entry.name, help=escape(visible(entry.help)))

    async def search(self, query: str) -> Hits:
        """Every entry whose name matches what was typed, letters in order."""
        matcher = self.matcher(query)
        for entry in self.entries:
            name = visible(entry.name)
            score, offsets = matcher.fuzzy_search.match(matcher.query, name)
            if score <= 0:
                continue
            # The palette reads a string prompt as markup: Content keeps `[...]` literal.
            shown = Content(name)
            for offset in offsets:
                shown = shown.stylize(matcher.match_style, offset, offset + 1)
            yield Hit(score, shown, entry.run, text=entry.name,
                      help=escape(visible(entry.help)))
