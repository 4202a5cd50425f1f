"""The course map's pieces: lesson and exercise states in words and icons, what Continue
opens, and the selectable lists."""

from __future__ import annotations

from typing import ClassVar, Literal

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Spacing
from textual.visual import Padding
from textual.widgets import OptionList

from tutor.content.model import Course, Exercise, Lesson
from tutor.progress.plan import Step
from tutor.progress.rounds import PracticeRound
from tutor.progress.store import TopicScore


class CourseList(OptionList):
    """An option list whose Enter key is shown in the key bar, so learners see how to open."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open"),
    ]


def lesson_state(lesson: Lesson, read: set[str], solved: set[str]) -> Content:
    """A lesson's progress as an icon and words, so it reads the same without colour."""
    total = len(lesson.exercises)
    done = sum(1 for exercise_id in lesson.exercises if exercise_id in solved)
    is_read = lesson.id in read
    if is_read and done == total:
        icon, word, style = "✔", "complete", "$text-success"
    elif is_read:
        icon, word, style = "◐", "read", "$text-warning"
    elif done:
        icon, word, style = "◐", "started", "$text-warning"
    else:
        icon, word, style = "○", "not started", "$text-muted"
    # The exercises are listed under the lesson with their own states: no count here, so
    # the line fits the lessons column at 80 columns.
    return Content.assemble((f"{icon} {word}", style))


def lesson_prompt(lesson: Lesson, read: set[str], solved: set[str]) -> Content:
    """A course map entry: the lesson's number and title, then its state on a second line."""
    return Content.assemble((f"{lesson.order}. ", "bold"), (lesson.title, "bold"), "\n   ",
                            lesson_state(lesson, read, solved))


def score_prompt(title: str, score: TopicScore | None) -> Content:
    """A practice entry: the topic, then how the learner did (latest answer per question)."""
    if score is None or score.answered == 0:
        result = Content.assemble(("○ not tried yet", "$text-muted"))
    else:
        icon = "✔" if score.correct == score.answered else "◐"
        result = Content(f"{icon} {score.correct} of {score.answered} right")
    return Content.assemble((title, "bold"), "\n   ", result)


ExerciseState = Literal["not started", "started", "solved"]
_EXERCISE_MARKS = {"not started": ("○", "$text-muted"), "started": ("◐", "$text-warning"),
                   "solved": ("✔", "$text-success")}


class Indented(Padding):
    """Content set in from the left, every wrapped line with it (a hanging indent)."""

    def __init__(self, content: Content, indent: int) -> None:
        super().__init__(content, Spacing(0, 0, 0, indent))
        self.content = content
        self.indent = indent

    def __str__(self) -> str:
        return " " * self.indent + str(self.content)


def exercise_prompt(exercise: Exercise, state: ExerciseState) -> Indented:
    """A lesson's exercise on the map, under the lesson: its title and its state in words."""
    icon, style = _EXERCISE_MARKS[state]
    return Indented(Content.assemble((f"{icon} ", style), "Exercise: ", exercise.title, " · ",
                                     (state, style)), 3)


def step_prompt(course: Course, step: Step, *, begun: bool,
                round_left: PracticeRound | None = None) -> Content:
    """What Continue opens, in words: ``▶ Continue: Lesson 2 · Running as a non-root user``.

    ``begun`` is False for a learner who has done nothing yet (the entry says Start);
    ``round_left`` is the quiz round Continue resumes, if it is one.
    """
    lead = ("▶ Continue: " if begun else "▶ Start: ", "bold")
    if step.kind == "lesson":
        lesson = course.lesson(step.target)
        if lesson is not None:
            return Content.assemble(lead, f"Lesson {lesson.order} · ", lesson.title)
    elif step.kind == "exercise":
        exercise = course.exercises.get(step.target)
        lesson = course.lesson(step.lesson)
        if exercise is not None:
            where = f" (lesson {lesson.order})" if lesson is not None else ""
            return Content.assemble(lead, "Exercise · ", exercise.title, where)
    titles = {topic.id: topic.title for topic in course.topics}
    what = Content.assemble(lead, "Quiz · ", titles.get(step.target, step.target)
                            if step.target else "every topic")
    if round_left is not None and round_left.served:
        done = sum(item.question in round_left.results for item in round_left.served)
        what = Content.assemble(what, f" ({done} of {len(round_left.served)} answered)")
    return what


def course_done() -> Content:
    """The entry in Continue's place once every lesson, exercise and quiz is done."""
    return Content.assemble(("✔ Course complete: ", "bold"),
                            "every lesson read, exercise solved and quiz done; e opens the exam.")
