"""One rule explained: what it finds, why it matters, how to fix it, with both examples."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.highlight import highlight
from textual.widgets import Button, Label, Static

from tutor.analysis.rules import RULES
from tutor.analysis.rules.base import Rule
from tutor.app.screens.base import TutorModal
from tutor.app.widgets.code import CodeBlock
from tutor.app.widgets.lesson_parts import SEVERITY_THEME_STYLES


class RuleScreen(TutorModal[None]):
    """A rule's documentation, with a way to its lesson."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("l", "open_lesson", "Open lesson"),
    ]

    def __init__(self, rule: Rule[Any]) -> None:
        super().__init__()
        self.rule = rule

    def compose(self) -> ComposeResult:
        rule, doc = self.rule, self.rule.doc()
        badge, style = rule.severity.badge(), SEVERITY_THEME_STYLES[rule.severity]
        lesson = self.tutor.course.lesson(rule.lesson)
        language = "yaml" if rule.kind == "compose" else "dockerfile"
        with Vertical(id="rule-dialog"):
            yield Static(Content.assemble((rule.id, "bold"), "  ", rule.name), id="rule-title")
            yield Static(Content.assemble((badge, f"bold {style}"), " · topic ",
                                          rule.topic.value, " · ", ", ".join(RULES.kinds(rule.id))),
                         id="rule-meta")
            with VerticalScroll(id="rule-body"):
                yield Static(Content(doc.prose("summary")), id="rule-summary")
                for title, text in (("Why it matters", doc.prose("why")),
                                    ("Fix", doc.prose("fix"))):
                    if text:
                        yield Label(title, classes="rule-heading")
                        yield Static(Content(text), classes="rule-text")
                for title, code in (("✖ Failing example", doc.failing),
                                    ("✔ Passing example", doc.passing)):
                    if code:
                        yield Label(title, classes="rule-heading")
                        # highlight() builds Content from the code: literal, never markup.
                        yield CodeBlock(highlight(code, language=language), classes="rule-code")
            with Horizontal(id="rule-buttons"):
                if lesson is not None:
                    yield Button(Content.assemble("Open lesson: ", lesson.title),
                                 id="rule-lesson", variant="primary")
                else:
                    yield Button(Content(f"Lesson '{rule.lesson}' is not in this course"),
                                 id="rule-lesson", disabled=True)
                yield Button("Close", id="rule-close")

    def on_mount(self) -> None:
        self.query_one("#rule-body").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Open the lesson, or close."""
        event.stop()
        if event.button.id == "rule-lesson":
            self.action_open_lesson()
        else:
            self.action_close()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide "open lesson" when this course does not have the rule's lesson."""
        if action == "open_lesson":
            return self.tutor.course.lesson(self.rule.lesson) is not None
        return True

    def action_close(self) -> None:
        """Back to whatever was underneath."""
        self.dismiss()

    def action_open_lesson(self) -> None:
        """Close, then open the rule's lesson, unless that lesson is what is underneath."""
        from tutor.app.screens.lesson import LessonScreen

        lesson_id = self.rule.lesson
        if self.tutor.course.lesson(lesson_id) is None:
            return
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        self.dismiss()
        if not (isinstance(below, LessonScreen) and below.lesson.id == lesson_id):
            self.tutor.open_lesson(lesson_id)
