"""After an exam: Passed or Failed, the score against the pass mark, each topic's share,
whether the record is signed, then every question reviewed with its explanation."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Header, Label, Static

from tutor.app.screens.base import TutorScreen
from tutor.app.widgets.exam_question import ReviewItem
from tutor.app.widgets.keybar import KeyBar
from tutor.content.model import Course
from tutor.exam.session import parse_stamp, topic_breakdown
from tutor.exam.shape import ExamRecord
from tutor.exam.spec import PRACTICE


def verdict_text(record: ExamRecord) -> Text:
    """The verdict in words and an icon, then the score and the pass mark."""
    score = record["score"]
    passed = record["result"] == "passed"
    text = Text()
    text.append("✓ Passed" if passed else "✗ Failed", style="bold green" if passed else "bold red")
    text.append(f"   {score['correct']} of {score['total']} right ({score['percent']:g}%); "
                f"the pass mark is {record['pass_mark']}%.")
    return text


def details_text(record: ExamRecord) -> Text:
    """How the attempt ended, how long it took, and whether the record is signed."""
    started, ended = parse_stamp(record["started_at"]), parse_stamp(record["ended_at"])
    minutes, seconds = divmod(int((ended - started).total_seconds()), 60)
    text = Text(f"Attempt {record['attempt_number']} by {record['learner']['name']}, "
                f"{minutes} min {seconds} s, submitted {record['submitted']}.\n")
    signature = record["signature"]
    if signature.get("method") not in (None, "none"):
        text.append(f"The record is signed (key {signature['key_id']}); an instructor can "
                    f"check it with 'hardening-tutor results verify'.")
    else:
        text.append("The record is self-assessed: no signing key was configured here.")
    return text


def breakdown_text(rows: list[tuple[str, int, int]]) -> Text:
    """Each topic's right answers out of those asked, with a bar that reads without colour."""
    width = max((len(title) for title, _, _ in rows), default=0)
    text = Text()
    for title, right, asked in rows:
        bar = "█" * right + "░" * (asked - right)
        text.append(f"{title.ljust(width)}  {right} of {asked}  {bar}\n")
    return text


class ExamResultScreen(TutorScreen[None]):
    """The result and the review; nothing here can change the sealed record."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Done")]

    def __init__(self, record: ExamRecord, course: Course) -> None:
        super().__init__()
        self.record = record
        self.course = course

    def compose(self) -> ComposeResult:
        record, course = self.record, self.course
        by_id = {question.id: question for question in course.questions}
        titles = {topic.id: topic.title for topic in course.topics}
        yield Header()
        with VerticalScroll(id="exam-result"):
            verdict = Static(verdict_text(record), id="exam-verdict")
            verdict.set_class(record["result"] == "passed", "-right")
            verdict.set_class(record["result"] != "passed", "-wrong")
            yield verdict
            yield Static(details_text(record), id="exam-details")
            # What the exam's definition lets the learner see: score, per topic, or all.
            feedback = record["exam"]["settings"]["feedback"]
            if feedback in ("topics", "review"):
                yield Label("By topic", classes="column-title")
                yield Static(breakdown_text(topic_breakdown(record, course)),
                             id="exam-breakdown")
            if feedback == "review":
                yield Label("Review", classes="column-title")
                today = parse_stamp(record["ended_at"]).date()
                for entry in record["questions"]:
                    question = by_id.get(entry["id"])
                    if question is None:
                        yield Static(Content(f"{entry['position']}. {entry['id']} is no "
                                             f"longer in the course."))
                        continue
                    yield ReviewItem(question, entry, titles.get(question.topic,
                                                                 question.topic), today)
        yield KeyBar()

    def on_mount(self) -> None:
        exam = self.record["exam"]
        practice = "Practice: " if exam["kind"] == PRACTICE else ""
        self.title = f"{practice}{exam['title']}"
        self.sub_title = f"{self.record['learner']['name']} — {self.record['result']}"
        self.query_one("#exam-result").focus()

    def action_leave(self) -> None:
        """Back to the course map, or out of the app when the exam was all it opened."""
        self.tutor.leave_exam()
