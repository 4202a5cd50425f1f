"""One practice question: its prompt, the way to answer it, and the feedback once answered."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from tutor.app.widgets.choices import Choices
from tutor.app.widgets.code import CourseMarkdown
from tutor.app.widgets.fixit import FixItPanel
from tutor.content.answers import choice_texts, right_rows
from tutor.content.judge import GoalResult
from tutor.content.model import Question

HINTS = {
    "single": "Press the option's number or click it, then Enter.",
    "multiple": "Choose every right answer: a number or a click toggles an option; then Enter.",
    "true_false": "Press t (or 1) for True, f (or 2) for False, then Enter.",
    "spot_the_line": ("Mark every line at fault: ↑/↓ move, Space marks (or press a line's "
                      "number), then Enter."),
    "fix_it": ("Edit until every goal shows ✓, then ctrl+s; ctrl+g shows the solution. "
               "F5 puts the cursor back in the editor."),
}


def shorten(text: str, width: int) -> str:
    """Text cut to ``width`` characters with an ellipsis, so two buttons fit in 80 columns."""
    return text if len(text) <= width else text[:width - 1] + "…"


class AnswerArea(Vertical):
    """A question's way of answering: an option or line list (``#choices``) or a fix-it
    editor (``#fixit``); practice and exam views both build on it."""

    @property
    def choices(self) -> Choices | None:
        """The option or line list, unless this is a fix-it question."""
        found = self.query("#choices")
        return found.first(Choices) if found else None

    @property
    def fixit(self) -> FixItPanel | None:
        """The editor (and checklist) of a fix-it question."""
        found = self.query("#fixit")
        return found.first(FixItPanel) if found else None

    def focus_answer(self) -> None:
        """Put the keyboard on the answer widget."""
        # Without scrolling: a tall answer widget would otherwise push the prompt out of view.
        if self.fixit is not None:
            self.fixit.editor.focus(scroll_visible=False)
        elif self.choices is not None:
            self.choices.focus(scroll_visible=False)


# Digits choose an option (and toggle one where several are right); t and f answer
# True/False. One key-bar entry stands for all nine digits.
CHOICE_BINDINGS: list[BindingType] = [
    Binding("1", "pick(1)", "Choose", key_display="1-9"),
    *(Binding(str(digit), f"pick({digit})", show=False) for digit in range(2, 10)),
    Binding("t", "pick_bool(1)", "True"),
    Binding("f", "pick_bool(2)", "False"),
]


# Puts the keyboard in a fix-it question's editor from anywhere on the screen (after Tab,
# a click elsewhere or a dialog). Not ctrl+e: the editor uses that for "end of line".
EDIT_BINDING = Binding("f5", "edit", "Edit")


class ChoiceKeys:
    """The actions behind CHOICE_BINDINGS and EDIT_BINDING, for a screen whose ``view``
    shows a question; the screen's check_action says when they apply."""

    @property
    def view(self) -> AnswerArea:
        """The question on screen."""
        raise NotImplementedError

    def action_pick(self, number: int) -> None:
        choices = self.view.choices
        if choices is not None:
            choices.pick(number - 1)

    def action_pick_bool(self, number: int) -> None:
        self.action_pick(number)

    def action_edit(self) -> None:
        """Put the cursor in the fix-it editor, and bring it into view."""
        fixit = self.view.fixit
        if fixit is not None and not fixit.editor.read_only:
            fixit.editor.focus()
            fixit.editor.scroll_visible(animate=False)


class QuestionView(AnswerArea):
    """A question with its answer widget; ``show_feedback`` adds the verdict and explanation."""

    def __init__(self, question: Question, *, number: int, total: int, topic_title: str,
                 lesson_title: str, today: dt.date, order: Sequence[int] | None = None) -> None:
        """``order`` lists the choices' indexes in the order to show them (default: as
        written); answers are always given back as the question's own indexes."""
        super().__init__(id="question-view", classes=f"-{question.type.replace('_', '-')}")
        self.question = question
        texts = choice_texts(question)
        self.order = list(order) if order is not None else list(range(len(texts)))
        if sorted(self.order) != list(range(len(texts))):
            raise ValueError(f"{question.id}: the order must list each choice once")
        self.number = number
        self.total = total
        self.topic_title = topic_title
        self.lesson_title = lesson_title
        self.today = today

    def compose(self) -> ComposeResult:
        question = self.question
        yield Static(Content(f"Question {self.number} of {self.total} · {self.topic_title} · "
                             f"{question.difficulty}"), id="progress")
        # Markdown builds its text without Textual markup; links are handled by the screen.
        yield CourseMarkdown(question.prompt, open_links=False, id="prompt")
        if question.type == "fix_it":
            yield FixItPanel(question, self.today, id="fixit")
        else:
            texts = choice_texts(question)
            yield Choices([texts[i] for i in self.order], multiple=question.type == "multiple",
                          lines=question.type == "spot_the_line", id="choices")
        yield Static(Content(HINTS.get(question.type, "")), id="hint")
        yield Vertical(id="feedback")

    def on_mount(self) -> None:
        self.query_one("#feedback").display = False

    def chosen_options(self) -> frozenset[int]:
        """The chosen choices as the question's own indexes, whatever order they are shown in."""
        choices = self.choices
        return frozenset(self.order[row] for row in choices.chosen) if choices else frozenset()

    async def show_feedback(self, correct: bool, *, last: bool, gave_up: bool = False,
                            result: GoalResult | None = None) -> None:
        """Mark the answer, and show the verdict, the explanation and the way on."""
        question = self.question
        if self.choices is not None:
            whys = [option.why for option in question.options]
            self.choices.reveal(frozenset(self.order.index(i) for i in right_rows(question)),
                                [whys[i] for i in self.order] if whys else [])
        if self.fixit is not None and result is not None:
            self.fixit.finish(result, show_solution=gave_up or not correct)
        self.query_one("#hint").display = False
        if gave_up:
            verdict = "✗ Gave up: the reference solution is shown above."
        elif correct:
            verdict = "✓ Right!"
        elif question.type == "fix_it":
            verdict = "✗ Not yet: the checklist shows what is left; the solution is above."
        else:
            verdict = "✗ Not quite: the right answer is marked above."
        feedback = self.query_one("#feedback", Vertical)
        feedback.set_class(correct, "-right")
        feedback.set_class(not correct, "-wrong")
        await feedback.mount_all([
            Static(Content(verdict), id="verdict"),
            CourseMarkdown(question.explanation, open_links=False, id="explanation"),
            Horizontal(
                Button(Content("See your score (Enter)" if last else "Next question (Enter)"),
                       id="next", variant="primary"),
                Button(Content(f"Lesson: {shorten(self.lesson_title, 30)} (l)"),
                       id="open-lesson"),
                id="feedback-buttons",
            ),
        ])
        feedback.display = True
