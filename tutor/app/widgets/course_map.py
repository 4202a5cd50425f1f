"""The course map's pieces: lesson states in words and icons, and the selectable lists."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList

from tutor.content.model import Course, Lesson
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
    state = Content.assemble((f"{icon} {word}", style))
    if total:
        state = Content.assemble(state, f" · exercises {done} of {total} solved")
    return state


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


def lesson_topic(course: Course, lesson: Lesson) -> str | None:
    """The quiz topic that drills a lesson: its namesake, else its questions' usual topic."""
    if any(topic.id == lesson.id for topic in course.topics):
        return lesson.id
    topics = Counter(q.topic for q in course.questions if q.lesson == lesson.id)
    return topics.most_common(1)[0][0] if topics else None


def describe_place(course: Course, place: Mapping[str, str]) -> Content | None:
    """What "continue" would reopen, in words; None when the place no longer exists."""
    screen = place.get("screen")
    if screen == "lesson":
        lesson = course.lesson(place.get("lesson", ""))
        if lesson is None:
            return None
        return Content.assemble(("▶ Continue: ", "bold"), f"lesson {lesson.order}, ",
                                lesson.title)
    if screen == "exercise":
        exercise = course.exercises.get(place.get("exercise", ""))
        if exercise is None:
            return None
        return Content.assemble(("▶ Continue: ", "bold"), "exercise ", exercise.title)
    if screen == "practice":
        topic_id = place.get("topic", "")
        if not topic_id:
            return Content.assemble(("▶ Continue: ", "bold"), "practice quiz on every topic")
        titles = {topic.id: topic.title for topic in course.topics}
        if topic_id not in titles:
            return None
        return Content.assemble(("▶ Continue: ", "bold"), "practice quiz on ",
                                titles[topic_id])
    return None
