"""F1 help: every key, grouped by screen, read from the screens' own bindings."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.keys import format_key
from textual.widgets import Button, Label, Static

from tutor.analysis.model import Severity
from tutor.app.screens.base import TutorModal

# (heading, module, classes whose BINDINGS apply there), in the order a learner meets them.
# Imported when help opens, since the screens import this module's neighbours.
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Everywhere", "tutor.app.app", ("TutorApp",)),
    ("Course map", "tutor.app.screens.home", ("HomeScreen",)),
    ("Course map lists", "tutor.app.widgets.course_map", ("CourseList",)),
    ("Lesson", "tutor.app.screens.lesson", ("LessonScreen",)),
    ("Lesson contents and rules lists", "tutor.app.widgets.lesson_parts",
     ("LessonToc", "RuleList")),
    ("Lesson search (/)", "tutor.app.widgets.lesson_search", ("SearchInput", "LessonSearch")),
    ("Rule explanation", "tutor.app.screens.rule", ("RuleScreen",)),
    ("Workbench", "tutor.app.screens.workbench", ("WorkbenchScreen",)),
    ("Workbench findings list", "tutor.app.widgets.findings", ("FindingsList",)),
    ("Editor (workbench and fix-it questions)", "tutor.app.widgets.editor", ("CodeEditor",)),
    ("Practice quiz", "tutor.app.screens.practice", ("PracticeScreen",)),
    ("Practice answers", "tutor.app.widgets.choices", ("Choices",)),
    ("Exam", "tutor.app.screens.exam", ("ExamScreen",)),
    ("Exam summary", "tutor.app.screens.exam_summary", ("ExamSummaryScreen",)),
    ("Help", "tutor.app.screens.help", ("HelpScreen",)),
)

_KEY_NAMES = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "shift+tab": "Shift+Tab",
              "space": "Space", "pageup": "PgUp", "pagedown": "PgDn", "up": "↑",
              "down": "↓", "left": "←", "right": "→", "delete": "Del", "backspace": "Backspace"}


def key_label(key: str) -> str:
    """A binding's keys as a person would write them: "Ctrl+Q", "F1", "Esc"."""
    labels = []
    for one in key.split(","):
        one = one.strip()
        if one in _KEY_NAMES:
            labels.append(_KEY_NAMES[one])
            continue
        parts = one.split("+")
        parts[-1] = format_key(parts[-1])
        labels.append("+".join(part.upper() if len(part) <= 2 else part.capitalize()
                               for part in parts))
    return " / ".join(labels)


def describe(binding: Binding) -> str:
    """What a binding does: its description, else its tooltip, else its action's name."""
    action = binding.action.split("(", 1)[0]
    return binding.description or binding.tooltip or action.replace("_", " ")


def help_rows(bindings: Iterable[Binding]) -> list[tuple[str, str]]:
    """(keys, what they do) rows: one row a key, with a key's several meanings joined.

    A hidden binding whose action a shown one already covers with a ``key_display`` (the
    quiz's "1-9" stands for nine digit keys) is left out rather than listed nine times.
    """
    rows: dict[str, list[str]] = {}
    covered: set[str] = set()
    for binding in bindings:
        action = binding.action.split("(", 1)[0]
        if binding.key_display:
            covered.add(action)
        elif not binding.show and action in covered:
            continue
        keys = binding.key_display or key_label(binding.key)
        meanings = rows.setdefault(keys, [])
        if describe(binding) not in meanings:
            meanings.append(describe(binding))
    return [(keys, " / ".join(meanings)) for keys, meanings in rows.items()]


# The editor's keys worth knowing beyond the arrows: TextArea binds dozens.
EDITOR_KEYS = frozenset({
    "ctrl+z", "ctrl+y", "ctrl+x", "ctrl+c", "ctrl+v", "f6", "f7", "ctrl+left", "ctrl+right",
    "ctrl+w", "ctrl+k", "ctrl+shift+k", "ctrl+u"})


def bindings_of(module_name: str, class_names: Iterable[str]) -> list[Binding]:
    """The bindings those classes declare (for the editor, the useful few of TextArea's)."""
    module = importlib.import_module(module_name)
    found: list[Binding] = []
    for class_name in class_names:
        owner = getattr(module, class_name)
        if class_name == "CodeEditor":
            declared: list[BindingType] = [
                binding for binding in Binding.make_bindings(owner.BINDINGS)
                if binding.key in EDITOR_KEYS]
        else:
            declared = list(owner.BINDINGS)
        found.extend(Binding.make_bindings(declared))
    return found


# Keys Textual gives every screen, which no class of ours declares.
EVERYWHERE = [
    Binding("ctrl+p", "command_palette",
            "Command palette: find any lesson, exercise, quiz, rule or screen by name"),
    Binding("tab", "focus_next", "Move to the next part of the screen"),
    Binding("shift+tab", "focus_previous", "Move to the previous part"),
]


def key_sections() -> Iterator[tuple[str, list[Binding]]]:
    """Each screen's heading and keys, skipping any that has none."""
    for heading, module_name, class_names in SECTIONS:
        found = bindings_of(module_name, class_names)
        if heading == "Everywhere":
            found += EVERYWHERE
        if found:
            yield heading, found


def _rows(rows: Iterable[tuple[str, str]]) -> ComposeResult:
    """Key/description rows: the key in a column of its own, a long description wrapping
    under itself rather than under the keys."""
    for key, text in rows:
        with Horizontal(classes="help-row"):
            yield Static(Content(key), classes="help-key")
            yield Static(Content(text), classes="help-what")


class HelpScreen(TutorModal[None]):
    """Every key of every screen, and where things live."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("f1", "close", "Close help"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Label(Content.assemble(("Keys and help", "bold"),
                                         "  (Esc or F1 closes; ↑/↓ scroll)"), id="help-title")
            with VerticalScroll(id="help-body"):
                for heading, bindings in key_sections():
                    yield Label(heading, classes="help-heading")
                    yield from _rows(help_rows(bindings))
                yield from self._general()
            yield Button("Close", id="help-close")

    def _general(self) -> ComposeResult:
        """What no binding list can say: the palette, the mouse, themes, colour, storage."""
        yield Label("Command palette", classes="help-heading")
        yield Static(Content(
            "Ctrl+P opens it; type part of a name to find it. It finds every lesson, "
            "exercise, practice quiz and rule (try \"exerc\" or \"HT101\") and the app's "
            "screens: the course map, this help, the workbench (open a file) and the exam. "
            "It also changes the theme, takes a screenshot and quits."), classes="help-text")
        yield Label("Mouse", classes="help-heading")
        yield Static(Content(
            "Click a lesson or quiz to open it, a button to press it, a link in a lesson to "
            "follow it, and a key in the bar at the bottom to use it. The wheel scrolls."),
            classes="help-text")
        yield Label("Themes and colour", classes="help-heading")
        yield Static(Content(
            "Ctrl+T switches between the light and dark themes. Set NO_COLOR=1 to turn "
            "colour off: every state and severity is also an icon and a word "
            f"({', '.join(severity.badge() for severity in Severity)}; "
            "○ not started, ◐ read, ✔ complete)."),
            classes="help-text")
        yield Label("Your progress", classes="help-heading")
        where = str(self.tutor.store.path)  # never raises: see TutorApp.store
        yield Static(Content.assemble("Lessons read, exercises solved and quiz answers are "
                                      "saved as you go, in ", (where, "bold"), ". Pass "
                                      "--data-dir DIR to keep them somewhere else."),
                     classes="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """The Close button."""
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        """Back to the screen underneath."""
        self.dismiss()
