"""The App: owns the course, the progress store and navigation between screens.

Screens change their own widgets; the app only opens screens, keeps the global keys and
shows what went wrong without crashing. What the screens share (the course, the progress
store) is made on first use by ``state``; which screen a place opens is ``routes``.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tutor.app import Launch, routes, terminal_guard
from tutor.app.state import SharedState
from tutor.errors import TutorError
from tutor.safetext import visible

if TYPE_CHECKING:  # imported where used: the workbench's first frame needs neither
    from tutor.content.model import Course
    from tutor.progress.exams import Holder
    from tutor.progress.reading import Reading
    from tutor.progress.store import ProgressStore

LIGHT_THEME, DARK_THEME = "textual-light", "textual-dark"
# The cells each side of the header's title (the icon, and the space balancing it; tcss).
HEADER_SIDE = 4


def _collect_garbage_again() -> None:
    """After the first frame: turn on the collector the command line turned off for start-up.

    Imports make hundreds of thousands of objects that live as long as the app; collecting
    while they are made only slows start-up. Freezing them keeps later collections short.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _course_commands() -> type[Provider]:
    """The palette's course entries, imported when the palette first opens."""
    from tutor.app.commands import CourseCommands

    return CourseCommands


class TutorApp(App[int]):
    """hardening-tutor's terminal app."""

    # Absolute, so subclasses defined elsewhere (benchmarks, tests) find it too.
    CSS_PATH = Path(__file__).with_name("tutor.tcss")
    TITLE = "hardening-tutor"
    # The palette finds lessons, exercises, quizzes, rules and screens by name, beside
    # Textual's own commands (theme, screenshot, quit).
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {
        *App.COMMANDS, _course_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+q", "request_quit", "Quit", priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
    ]

    def __init__(self, options: Launch) -> None:
        super().__init__()
        terminal_guard.install()
        self.options = options
        self.today = options.today or dt.date.today()
        self.state = SharedState(self)
        # What of each lesson has been on screen and for how long, this session (by id).
        self.readings: dict[str, Reading] = {}
        self._startup_error: str | None = None
        # The stop event of the live analysis running, if any: a key sets it (on_event).
        self.stop_on_key: threading.Event | None = None

    # Shared state, made on first use: each as SharedState says ----------------------------

    @property
    def course(self) -> Course:
        return self.state.course

    @property
    def loaded_course(self) -> Course | None:
        return self.state.loaded_course

    @property
    def store(self) -> ProgressStore:
        return self.state.store

    @property
    def exam_holder(self) -> Holder:
        return self.state.exam_holder

    @property
    def exercises_dir(self) -> Path:
        return self.state.exercises_dir

    # Lifecycle ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The first screen, as the launch asks (see `routes.first_screen`).

        Being the default screen (not pushed over an empty one) saves a full restyle of
        the footer at start-up.
        """
        screen, self._startup_error = routes.first_screen(self.options)
        return screen

    def on_mount(self) -> None:
        if self._startup_error:
            self.show_error(self._startup_error)
        self.call_after_refresh(_collect_garbage_again)

    def on_unmount(self) -> None:
        self.state.close()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self.stop_on_key is not None:
            self.stop_on_key.set()  # as the key arrives: the analysis yields to typing
        await super().on_event(event)

    # Navigation ---------------------------------------------------------------------------

    def open_lesson(self, lesson_id: str) -> None:
        """Open a lesson by id."""
        self._open(lambda: routes.lesson_screen(self.course, lesson_id))

    def open_exercise(self, exercise_id: str) -> None:
        """Open an exercise in the workbench, its files copied into the learner's workspace."""
        self._open(lambda: routes.exercise_screen(self, exercise_id))

    def open_file(self, path: Path) -> None:
        """Open a Dockerfile, compose file or directory in the workbench."""
        self._open(lambda: routes.file_screen(path))

    def start_practice(self, topic: str | None = None) -> None:
        """Start a practice quiz on one topic, or on every topic."""
        self._open(lambda: routes.practice_screen(self.course, topic))

    def open_exam(self) -> None:
        """An exam the course defines, exactly as defined; with several, the learner picks."""
        if self.course.errors:
            self.show_error("This course pack has problems, so it cannot hold an exam.")
            return
        exams = self.course.exams
        if len(exams) > 1:
            from tutor.app.screens.dialogs import PickDialog

            entries = [(Content(f"{exam.title} ({exam.id})"), exam.id) for exam in exams]
            self.push_screen(PickDialog("Which exam?", entries), self._start_exam)
        else:
            self._start_exam(exams[0].id if exams else None)

    def _start_exam(self, exam_id: str | None) -> None:
        if exam_id is None and len(self.course.exams) > 1:
            return  # the learner closed the list without choosing
        self._open(lambda: routes.exam_screen(self.course, exam_id, self.options.identity))

    def leave_exam(self) -> None:
        """Out of the app when it was opened for the exam, else back to the course map."""
        if self.options.exam is not None:
            self.exit()
        else:
            self.action_home()

    def open_rule(self, rule_id: str) -> None:
        """Show one rule's explanation."""
        self._open(lambda: routes.rule_screen(rule_id))

    def _open(self, make: Callable[[], Screen[Any]]) -> None:
        """Push the screen ``make`` returns, or show why it cannot be opened."""
        try:
            screen = make()
        except TutorError as exc:
            self.show_error(str(exc))
            return
        self.push_screen(screen)

    def follow_link(self, href: str) -> None:
        """Follow a link from course content: lessons, exercises, rules and web pages only.

        Content never reaches an action: anything else is refused with a message.
        """
        scheme, _, target = href.partition(":")
        if scheme == "lesson":
            self.open_lesson(target.split("#", 1)[0])
        elif scheme == "exercise":
            self.open_exercise(target)
        elif scheme == "rule":
            self.open_rule(target)
        elif scheme in ("http", "https"):
            self.open_url(href)
        else:
            self.show_error(f"This link cannot be opened here: {href}")

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open a web page in the learner's browser, and say where it went.

        Served to a browser, Textual's web driver hands the link to that browser; confined
        in a terminal (over SSH), a browser on the host would be the wrong machine.
        """
        if self.is_web:
            super().open_url(url, new_tab=new_tab)
            self.notify(url, title="Opened in a new tab", markup=False)
            return
        from tutor.app.web_pages import open_from_terminal

        title, timeout = open_from_terminal(url, new_tab=new_tab, confined=self.options.confined)
        self.notify(url, title=title, markup=False, timeout=timeout)

    # Messages to the learner --------------------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification shows its text with control characters as glyphs.

        Messages carry file names, error text and course content, which others wrote.
        """
        super().notify(visible(message), title=visible(title), severity=severity,
                       timeout=timeout, markup=markup)

    def show_error(self, message: str) -> None:
        """Show a problem the learner can act on, literally, and keep running."""
        self.notify(message, title="Problem", severity="error", markup=False, timeout=8)

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header's title; the app's name gives way when it would crowd the screen's own.

        Lesson and exercise titles are long: at 80 columns "hardening-tutor — " would push
        their end off the line, and the name says nothing the screen does not.
        """
        if sub_title and title == self.TITLE:
            full = f"{title} — {sub_title}"
            if cell_len(full) > self.size.width - 2 * HEADER_SIDE:
                return Content(sub_title)
        return super().format_title(title, sub_title)

    def on_resize(self) -> None:
        # After Textual's own handler has taken the new size.
        self.call_after_refresh(self._fit_titles)

    def _fit_titles(self) -> None:
        """Re-fit the header's title to the new width."""
        from textual.widgets import Header, Static

        for header in self.screen.query(Header):
            header.query_one("HeaderTitle", Static).update(header.format_title())

    # Actions ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from tutor.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def action_request_quit(self) -> None:
        """Quit, after asking about unsaved edits on any open workbench."""
        from tutor.app.screens.workbench import WorkbenchScreen

        unsaved = [s for s in self.screen_stack if isinstance(s, WorkbenchScreen)
                   and s.unsaved_names()]
        if not unsaved:
            self.exit(0)
            return
        unsaved[-1].confirm_quit()

    def action_open_file_prompt(self) -> None:
        from tutor.app.screens.dialogs import OpenFileDialog

        def opened(path: Path | None) -> None:
            if path is not None:
                self.open_file(path)

        self.push_screen(OpenFileDialog(), opened)

    def action_home(self) -> None:
        from tutor.app.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.push_screen(HomeScreen())
