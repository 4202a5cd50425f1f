"""A fix-it question's editor with the goal's checklist, re-judged as the learner types."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static, TextArea

from tutor.app.widgets.code import numbered_block
from tutor.app.widgets.editor import CodeEditor
from tutor.app.widgets.findings import prose_text
from tutor.content.judge import GoalResult, evaluate
from tutor.content.model import Goal, Question

# Long enough that a burst of keystrokes is judged once, short enough to feel immediate.
DEBOUNCE_SECONDS = 0.1


def judge(goal: Goal, text: str, today: dt.date) -> GoalResult:
    """The goal judged against the edited Dockerfile (pure, a few milliseconds)."""
    return evaluate(goal, {goal.dockerfile: text}, today=today)


def brief(detail: str, width: int = 80) -> str:
    """A check's failure detail cut to its first sentence, so five checks fit beside the editor."""
    sentence = detail.split(". ", 1)[0].rstrip(".")
    return sentence if len(sentence) <= width else sentence[:width - 1] + "…"


class FixItPanel(Vertical):
    """The goal checklist above a TextArea holding the starter; the solution appears at the end."""

    class Judged(Message):
        """The goal was judged against one version of the text (from the worker thread)."""

        def __init__(self, text: str, result: GoalResult) -> None:
            super().__init__()
            self.text = text
            self.result = result

    def __init__(self, question: Question, today: dt.date, *, live: bool = True,
                 text: str | None = None, id: str | None = None) -> None:
        """With ``live`` False (exams) the checklist states the goal without judging it,
        and edits bubble up as TextArea.Changed; ``text`` replaces the starter."""
        super().__init__(id=id)
        if question.goal is None:
            raise ValueError(f"fix-it question {question.id} has no goal")
        self.question = question
        self.goal: Goal = question.goal
        self.today = today
        self.live = live
        self._text = (question.dockerfile or "") if text is None else text
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        for index, _check in enumerate(self.goal.checks):
            yield Static(classes="check-line", id=f"check-{index}")
        yield CodeEditor(self._text, syntax="dockerfile", id="fix-editor")
        with Vertical(id="fix-solution"):
            yield Static(Content("Reference solution:"), classes="fixit-heading")
            yield numbered_block(self.question.solution or "", classes="code",
                                 id="solution-code")

    def on_mount(self) -> None:
        self.query_one("#fix-solution").display = False
        if not self.live:
            for index, check in enumerate(self.goal.checks):
                self.query_one(f"#check-{index}", Static).update(
                    prose_text(f"•  {check.label}"))
            return
        # Judged once up front so the checklist is never empty, even for a moment.
        self.show_result(judge(self.goal, self.text, self.today))

    @property
    def editor(self) -> TextArea:
        """The editor holding the learner's Dockerfile."""
        return self.query_one("#fix-editor", TextArea)

    @property
    def text(self) -> str:
        """The learner's Dockerfile as it is now."""
        return self.editor.text

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        # Debounced on the UI thread, as in the workbench: a burst of keys is judged once.
        if not self.live:
            return  # an exam judges nothing now; the screen keeps the answer
        event.stop()
        if self.editor.read_only:
            return
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, self._judge_now)

    def _judge_now(self) -> None:
        self._judge(self.text)

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        # The page scrolls, not the editor alone: keep the editor (and so the cursor) in view.
        event.stop()
        if self.editor.has_focus:
            self.editor.scroll_visible(animate=False)

    # A thread, so a slow judgement never holds up typing. A judgement that arrives after
    # a newer edit is dropped (see below), so the latest edit wins.
    @work(exclusive=True, thread=True, group="fixit-judge")
    def _judge(self, text: str) -> None:
        self.post_message(self.Judged(text, judge(self.goal, text, self.today)))

    def on_fix_it_panel_judged(self, event: FixItPanel.Judged) -> None:
        event.stop()
        # A cancelled worker may still deliver; only a judgement of the current text counts.
        if event.text == self.text:
            self.show_result(event.result)

    def show_result(self, result: GoalResult) -> None:
        """Tick or cross each checklist line, with why a failing one fails."""
        for index, check in enumerate(result.results):
            line = self.query_one(f"#check-{index}", Static)
            if check.passed:
                text = f"✓ done   {check.check.label}"
            else:
                detail = f" ({brief(check.detail)})" if check.detail else ""
                text = f"✗ to do  {check.check.label}{detail}"
            line.update(prose_text(text))
            line.set_class(check.passed, "-right")
            line.set_class(not check.passed, "-wrong")

    def finish(self, result: GoalResult, *, show_solution: bool) -> None:
        """Stop editing, show the final checklist and, when asked, the reference solution."""
        if self._debounce is not None:
            self._debounce.stop()
        self.workers.cancel_group(self, "fixit-judge")
        self.editor.read_only = True
        self.show_result(result)
        self.query_one("#fix-solution").display = show_solution
