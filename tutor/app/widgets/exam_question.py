"""One exam question: the prompt and the way to answer it, and nothing that tells right from
wrong. Review after submission uses `ReviewItem`, which shows everything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tutor.app.widgets.choices import Choices
from tutor.app.widgets.code import CourseMarkdown, numbered_block
from tutor.app.widgets.findings import prose_text
from tutor.app.widgets.fixit import FixItPanel
from tutor.app.widgets.question import AnswerArea
from tutor.content.answers import choice_texts, chosen_rows, recorded_answer, right_rows
from tutor.content.model import Question
from tutor.exam.shape import RecordQuestion

HINTS = {
    "single": "Press the option's number (or click it). Enter moves on.",
    "multiple": "Numbers toggle options: choose every right one. Enter moves on.",
    "true_false": "t (or 1) for True, f (or 2) for False. Enter moves on.",
    "spot_the_line": "Mark every line at fault: ↑/↓ and Space, or a line's number. "
                     "Enter moves on.",
    "fix_it": "Edit the Dockerfile to meet the goal; ctrl+s keeps it and moves on, F5 puts "
              "the cursor back in the editor. Nothing is checked until you submit.",
}


class ExamQuestionView(AnswerArea):
    """A question to answer; `answer_value` reads the answer in the question's own terms."""

    def __init__(self, question: Question, order: Sequence[int], *, number: int, total: int,
                 topic_title: str, answer: Any, flagged: bool, today: dt.date) -> None:
        super().__init__(id="exam-question")
        self.question = question
        self.order = list(order)
        self.number = number
        self.total = total
        self.topic_title = topic_title
        self.answer = answer
        self.flagged = flagged
        self.today = today

    def compose(self) -> ComposeResult:
        question = self.question
        yield Static(self._progress(), id="exam-progress")
        yield CourseMarkdown(question.prompt, open_links=False, id="exam-prompt")
        if question.type == "fix_it":
            text = self.answer if isinstance(self.answer, str) else None
            yield FixItPanel(question, self.today, live=False, text=text, id="fixit")
        else:
            texts = choice_texts(question)
            yield Choices([texts[i] for i in self.order], multiple=question.type == "multiple",
                          lines=question.type == "spot_the_line", id="choices")
        yield Static(Content(HINTS.get(question.type, "")), id="exam-hint")

    def _progress(self) -> Content:
        flag = "  ⚑ flagged for review" if self.flagged else ""
        return Content(f"Question {self.number} of {self.total} · {self.topic_title} · "
                       f"{self.question.difficulty}{flag}")

    def on_mount(self) -> None:
        choices = self.choices
        if choices is not None and self.answer is not None:
            own = chosen_rows(self.question, self.answer)
            choices.restore({self.order.index(i) for i in own if i in self.order})

    def show_flag(self, flagged: bool) -> None:
        """Update the progress line after the flag is set or cleared."""
        self.flagged = flagged
        self.query_one("#exam-progress", Static).update(self._progress())

    def answer_value(self) -> Any:
        """The answer as it stands (None: none given), in the question's own terms."""
        if self.fixit is not None:
            text = self.fixit.text
            return None if text == (self.question.dockerfile or "") else text
        choices = self.choices
        if choices is None or not choices.chosen:
            return None
        return recorded_answer(self.question, {self.order[row] for row in choices.chosen})


class ReviewItem(Vertical):
    """A question after submission: the learner's answer, the right one, and why."""

    def __init__(self, question: Question, entry: RecordQuestion, topic_title: str,
                 today: dt.date) -> None:
        super().__init__(classes="review-item" + ("" if entry["correct"] else " -wrong"))
        self.question = question
        self.entry = entry
        self.topic_title = topic_title
        self.today = today

    def compose(self) -> ComposeResult:
        question, entry = self.question, self.entry
        verdict = "✓ right" if entry["correct"] else (
            "✗ not answered" if entry["answer"] is None else "✗ wrong")
        heading = Static(Content(f"{entry['position']}. {verdict} · {self.topic_title} · "
                                 f"{question.type.replace('_', ' ')}"),
                         classes="review-heading")
        heading.set_class(bool(entry["correct"]), "-right")
        heading.set_class(not entry["correct"], "-wrong")
        yield heading
        yield CourseMarkdown(question.prompt, open_links=False, classes="review-prompt")
        if question.type == "fix_it":
            yield from self._fix_it()
        else:
            yield Choices(list(entry["shown"]), multiple=question.type == "multiple",
                          lines=question.type == "spot_the_line", classes="review-choices")
        yield CourseMarkdown(question.explanation, open_links=False, classes="review-explanation")

    def _fix_it(self) -> ComposeResult:
        from tutor.content.judge import evaluate

        answer = self.entry["answer"]
        if not isinstance(answer, str):
            yield Static(Content("You did not change the starting Dockerfile."),
                         classes="review-note")
            answer = self.question.dockerfile or ""
        else:
            yield Static(Content("Your Dockerfile:"), classes="review-note")
            yield numbered_block(answer, classes="code")
        goal = self.question.goal
        if goal is not None:
            result = evaluate(goal, {goal.dockerfile: answer}, today=self.today)
            lines = Text()
            for check in result.results:
                lines.append("✓ done   " if check.passed else "✗ to do  ",
                             style="green" if check.passed else "red")
                lines.append_text(prose_text(check.check.label))
                lines.append("\n")
            yield Static(lines, classes="review-checks")
        yield Static(Content("Reference solution:"), classes="review-note")
        yield numbered_block(self.question.solution or "", classes="code")

    def on_mount(self) -> None:
        found = self.query(".review-choices")
        if not found:
            return
        choices = found.first(Choices)
        order = list(self.entry["order"])
        own = chosen_rows(self.question, self.entry["answer"])
        choices.restore({order.index(i) for i in own if i in order})
        whys = [option.why for option in self.question.options]
        choices.reveal(frozenset(order.index(i) for i in right_rows(self.question)),
                       [whys[i] for i in order] if whys else [])
        choices.can_focus = False
