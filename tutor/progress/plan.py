"""What to do next in a course, and how far the learner has come: the course map's "Continue".

The course's order is, lesson by lesson: read the lesson, solve each of its exercises in the
order it lists them, then answer its topic's practice quiz (every question on the topic at
least once; a quiz begun and left is not done until its round ends). Continue opens the
thing the learner was last in while it is not done; once it is, the first thing not done
after it in that order, coming round to anything skipped before it at the end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Literal

from tutor.content.model import Course, Lesson
from tutor.progress.store import CourseIds

StepKind = Literal["lesson", "exercise", "quiz"]


@dataclass(frozen=True, slots=True)
class Step:
    """One thing to do: read a lesson, solve an exercise, or answer a topic's quiz."""

    kind: StepKind
    target: str  # the lesson, exercise or topic id ("" for the quiz on every topic)
    lesson: str  # the lesson it belongs to ("" for the quiz on every topic)


@dataclass(frozen=True, slots=True)
class Progress:
    """What the learner has done in one course, as the store keeps it."""

    read: Set[str] = frozenset()
    solved: Set[str] = frozenset()
    answered: Set[str] = frozenset()  # questions answered at least once
    open_quizzes: Set[str] = frozenset()  # topics with a round in progress ("" every topic)
    place: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Overall:
    """How far through the course the learner is, counted by kind."""

    lessons_read: int
    lessons: int
    exercises_solved: int
    exercises: int
    quizzes_done: int
    quizzes: int

    def describe(self) -> str:
        """The map's lines: ``3 of 6 lessons read · 5 of 20 exercises solved``, then the
        quizzes on a line of their own (the lessons column is 46 wide at 80 columns)."""
        first = f"{self.lessons_read} of {self.lessons} lessons read"
        if self.exercises:
            first += f" · {self.exercises_solved} of {self.exercises} exercises solved"
        if not self.quizzes:
            return first
        return f"{first}\n{self.quizzes_done} of {self.quizzes} topic quizzes done"


def course_ids(course: Course) -> CourseIds:
    """The ids a course holds, which decide what progress from before format 2 it takes."""
    return CourseIds(frozenset(lesson.id for lesson in course.lessons),
                     frozenset(course.exercises), frozenset(q.id for q in course.questions),
                     frozenset(topic.id for topic in course.topics))


def lesson_topic(course: Course, lesson: Lesson) -> str | None:
    """The quiz topic that drills a lesson: its namesake, else its questions' usual topic."""
    if any(topic.id == lesson.id for topic in course.topics):
        return lesson.id
    topics = Counter(q.topic for q in course.questions if q.lesson == lesson.id)
    return topics.most_common(1)[0][0] if topics else None


def course_steps(course: Course) -> list[Step]:
    """Every step of the course in order; a topic's quiz follows the first lesson it drills."""
    steps: list[Step] = []
    quizzed: set[str] = set()
    for lesson in course.lessons:
        steps.append(Step("lesson", lesson.id, lesson.id))
        steps += [Step("exercise", exercise_id, lesson.id) for exercise_id in lesson.exercises
                  if exercise_id in course.exercises]
        topic = lesson_topic(course, lesson)
        if topic is not None and topic not in quizzed:
            quizzed.add(topic)
            steps.append(Step("quiz", topic, lesson.id))
    return steps


def quiz_done(course: Course, topic: str, progress: Progress) -> bool:
    """Every question on the topic answered at least once, and no round on it left open."""
    if topic in progress.open_quizzes:
        return False
    return all(q.id in progress.answered for q in course.questions
               if not topic or q.topic == topic)


def is_done(course: Course, step: Step, progress: Progress) -> bool:
    """Whether the learner has done this step."""
    if step.kind == "lesson":
        return step.target in progress.read
    if step.kind == "exercise":
        return step.target in progress.solved
    return quiz_done(course, step.target, progress)


# A saved place's screen: the kind of step it is in, and the key naming which one.
_PLACES: dict[str, tuple[StepKind, str]] = {
    "lesson": ("lesson", "lesson"), "exercise": ("exercise", "exercise"),
    "practice": ("quiz", "topic")}


def _here(steps: list[Step], place: Mapping[str, str]) -> Step | None:
    """The step the saved place is in, if it is one (the quiz on every topic is none)."""
    found = _PLACES.get(place.get("screen", ""))
    if found is None:
        return None
    kind, key = found
    target = place.get(key, "")
    return next((step for step in steps if step.kind == kind and step.target == target), None)


def next_step(course: Course, progress: Progress) -> Step | None:
    """What Continue opens (module docstring); None when everything is done."""
    steps = course_steps(course)
    place = progress.place or {}
    if place.get("screen") == "practice" and not place.get("topic") and (
            "" in progress.open_quizzes):
        return Step("quiz", "", "")  # a quiz on every topic, left part-way
    here = _here(steps, place)
    if here is not None and not is_done(course, here, progress):
        return here
    start = steps.index(here) + 1 if here is not None else 0
    return next((step for step in steps[start:] + steps[:start]
                 if not is_done(course, step, progress)), None)


def overall(course: Course, progress: Progress) -> Overall:
    """The counts behind the map's progress line."""
    quizzes = [step.target for step in course_steps(course) if step.kind == "quiz"]
    return Overall(
        lessons_read=sum(lesson.id in progress.read for lesson in course.lessons),
        lessons=len(course.lessons),
        exercises_solved=sum(exercise_id in progress.solved for exercise_id in course.exercises),
        exercises=len(course.exercises),
        quizzes_done=sum(quiz_done(course, topic, progress) for topic in quizzes),
        quizzes=len(quizzes))
