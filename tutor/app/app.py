"""The App: owns the course, the progress store and navigation between screens.

Screens change their own widgets; the app only opens screens, keeps the global keys and
shows what went wrong without crashing.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tutor.app import Launch, terminal_guard
from tutor.errors import TutorError
from tutor.safetext import visible

if TYPE_CHECKING:  # imported where used: the workbench's first frame needs neither
    from tutor.content.identity import CourseIdentity
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
        self._course: Course | None = options.course
        self._store: ProgressStore | None = None
        self._course_identity: CourseIdentity | None = None
        self._adopted = False
        # What of each lesson has been on screen and for how long, this session (by id).
        self.readings: dict[str, Reading] = {}
        self._exam_holder: Holder | None = None
        self._startup_error: str | None = None

    # Shared state -------------------------------------------------------------------------

    @property
    def course(self) -> Course:
        """The course, loaded on first use so the workbench starts without it."""
        course = self._course
        if course is None:
            course = self.read_course()
            self.keep_course(course)
        return course

    def read_course(self) -> Course:
        """Load the course pack without keeping it, so a worker thread can call it."""
        from tutor.content.loader import load_course
        from tutor.content.model import ContentError, Course

        try:
            return load_course(self.options.content)
        except TutorError as exc:  # not a course pack at all: the map lists why
            return Course(str(self.options.content), errors=[
                ContentError(str(self.options.content), 1, str(exc))])

    def keep_course(self, course: Course) -> None:
        """Keep a course read by ``read_course``, unless one is kept already (UI thread)."""
        if self._course is None:
            self._course = course
            self._adopt_earlier_progress()

    @property
    def course_identity(self) -> CourseIdentity:
        """Which course progress is kept under: the shipped one, or the pack's folder."""
        if self._course_identity is None:
            from tutor.content.identity import course_identity

            self._course_identity = course_identity(self.options.content)
        return self._course_identity

    @property
    def loaded_course(self) -> Course | None:
        """The course if it has been loaded already; never loads it."""
        return self._course

    @property
    def store(self) -> ProgressStore:
        """The learner's progress store, opened on first use.

        If it cannot be opened (locked, a full disk, an unwritable folder, a file from a newer
        version), the app keeps working on a store for this session only and says so, rather
        than crashing; the real store is left as it is.
        """
        if self._store is None:
            from tutor.progress.store import ProgressStore, StoreError

            course = self.course_identity.key
            try:
                self._store = ProgressStore.open(self.options.data_dir, self.options.learner,
                                                 course=course)
            except StoreError as exc:
                self._store = ProgressStore.for_this_session(str(exc), self.options.learner,
                                                             course=course)
            if self._store.notice:
                self.notify(self._store.notice, title="Progress", severity="warning",
                            markup=False, timeout=15)
            self._adopt_earlier_progress()
        return self._store

    def _adopt_earlier_progress(self) -> None:
        """Once both are open: this course takes the progress kept before it was per course
        whose lessons, exercises and questions it has (see `ProgressStore.adopt_unassigned`)."""
        if self._adopted or self._store is None or self._course is None:
            return
        self._adopted = True
        from tutor.progress.plan import course_ids

        try:
            if self._store.has_unassigned():
                self._store.adopt_unassigned(course_ids(self._course))
        except TutorError as exc:  # locked or full: taken next time
            self.show_error(str(exc))

    @property
    def exam_holder(self) -> Holder:
        """Who this app is on the exam attempts it opens: one per app, kept across exams."""
        if self._exam_holder is None:
            from tutor.progress.exams import Holder

            self._exam_holder = Holder.new()
        return self._exam_holder

    @property
    def data_dir(self) -> Path:
        """The folder the progress store lives in (exercise workspaces go beside it)."""
        if self.store.kept_in_memory:  # no folder for this session: the real one, if it can be
            from tutor.progress.store import default_data_dir

            return self.options.data_dir or default_data_dir()
        return self.store.path.parent

    @property
    def exercises_dir(self) -> Path:
        """Where this course's exercise copies live: one folder per exercise, by its id."""
        return self.data_dir / self.course_identity.exercises

    # Lifecycle ----------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        """The first screen: the exam, the workbench for a path, else the course map.

        Being the default screen (not pushed over an empty one) saves a full restyle of
        the footer at start-up.
        """
        if self.options.exam is not None:
            from tutor.app.screens.exam_start import ExamStartScreen

            return ExamStartScreen(self.options.exam, self.options.exam_learner,
                                   take_over=self.options.exam_take_over,
                                   roster=self.options.exam_roster,
                                   identity=self.options.identity)
        if self.options.path is not None:
            from tutor.app.screens.workbench import WorkbenchScreen

            workspace = self.options.workspace
            try:
                return (WorkbenchScreen(workspace) if workspace is not None
                        else WorkbenchScreen.for_path(self.options.path))
            except TutorError as exc:
                self._startup_error = str(exc)
        from tutor.app.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        if self._startup_error:
            self.show_error(self._startup_error)
        self.call_after_refresh(_collect_garbage_again)

    def on_unmount(self) -> None:
        if self._store is not None:
            self._store.close()

    # Navigation ---------------------------------------------------------------------------

    def open_lesson(self, lesson_id: str) -> None:
        """Open a lesson by id."""
        lesson = self.course.lesson(lesson_id)
        if lesson is None:
            self.show_error(f"There is no lesson '{lesson_id}' in this course.")
            return
        from tutor.app.screens.lesson import LessonScreen

        self.push_screen(LessonScreen(lesson))

    def open_exercise(self, exercise_id: str) -> None:
        """Open an exercise in the workbench, its files copied into the learner's workspace."""
        exercise = self.course.exercises.get(exercise_id)
        if exercise is None:
            self.show_error(f"There is no exercise '{exercise_id}' in this course.")
            return
        from tutor.app.screens.workbench import WorkbenchScreen

        try:
            screen = WorkbenchScreen.for_exercise(exercise, self.exercises_dir)
        except TutorError as exc:
            self.show_error(str(exc))
            return
        self.push_screen(screen)

    def open_file(self, path: Path) -> None:
        """Open a Dockerfile, compose file or directory in the workbench."""
        from tutor.app.screens.workbench import WorkbenchScreen

        try:
            screen = WorkbenchScreen.for_path(path)
        except TutorError as exc:
            self.show_error(str(exc))
            return
        self.push_screen(screen)

    def start_practice(self, topic: str | None = None) -> None:
        """Start a practice quiz on one topic, or on every topic."""
        from tutor.app.screens.practice import PracticeScreen

        questions = [q for q in self.course.questions if topic is None or q.topic == topic]
        if not questions:
            self.show_error(f"There are no questions on '{topic}' in this course.")
            return
        self.push_screen(PracticeScreen(questions, topic))

    def open_exam(self) -> None:
        """An exam the course defines, exactly as defined; with several, the learner picks."""
        if self.course.errors:
            self.show_error("This course pack has problems, so it cannot hold an exam.")
            return
        exams = self.course.exams
        if len(exams) > 1:
            from textual.content import Content

            from tutor.app.screens.dialogs import PickDialog

            entries = [(Content(f"{exam.title} ({exam.id})"), exam.id) for exam in exams]
            self.push_screen(PickDialog("Which exam?", entries), self._start_exam)
        else:
            self._start_exam(exams[0].id if exams else None)

    def _start_exam(self, exam_id: str | None) -> None:
        from tutor.app.screens.exam_start import ExamStartScreen
        from tutor.exam.learners import course_roster
        from tutor.exam.spec import spec_for

        if exam_id is None and len(self.course.exams) > 1:
            return  # the learner closed the list without choosing
        try:
            spec = spec_for(self.course, exam_id)
            roster = course_roster(self.course)
        except TutorError as exc:
            self.show_error(str(exc))
            return
        self.push_screen(ExamStartScreen(spec, roster=roster, identity=self.options.identity))

    def leave_exam(self) -> None:
        """Out of the app when it was opened for the exam, else back to the course map."""
        if self.options.exam is not None:
            self.exit()
        else:
            self.action_home()

    def open_rule(self, rule_id: str) -> None:
        """Show one rule's explanation."""
        from tutor.analysis.rules import rule_for
        from tutor.app.screens.rule import RuleScreen

        rule = rule_for(rule_id)
        if rule is None:
            self.show_error(f"There is no rule '{rule_id}'.")
            return
        self.push_screen(RuleScreen(rule))

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
        import webbrowser

        if self.is_web:
            super().open_url(url, new_tab=new_tab)
            self.notify(url, title="Opened in a new tab", markup=False)
            return
        if self.options.confined:
            self.notify(url, title="Copy the address into your browser", markup=False,
                        timeout=15)
            return
        try:
            opened = webbrowser.open(url, new=2 if new_tab else 0)
        except webbrowser.Error:
            opened = False
        if opened:
            self.notify(url, title="Opened in your browser", markup=False)
        else:
            self.notify(url, title="No browser found; copy the address", markup=False,
                        timeout=10)

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
