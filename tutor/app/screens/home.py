"""The course map: lessons and their states, practice scores, and "continue where I left off"."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from tutor.app.widgets.course_map import (
    CourseList,
    describe_place,
    lesson_prompt,
    lesson_topic,
    score_prompt,
)
from tutor.app.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from tutor.app.app import TutorApp

CONTINUE = "continue"
EVERY_TOPIC = "practice:"


class HomeScreen(Screen[None]):
    """The course map."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "continue", "Continue"),
        Binding("p", "practice_all", "Quiz"),
        Binding("t", "practice_topic", "Topic quiz"),
        Binding("e", "exam", "Exam"),
        Binding("o", "open_file", "Open file"),
        Binding("escape", "back", "Back"),
    ]

    # Whether "continue" has somewhere to go; read by check_action on every key bar refresh.
    _can_resume = False

    @property
    def tutor(self) -> TutorApp:
        """The app, typed."""
        return cast("TutorApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        course = self.tutor.course
        if course.errors:
            # An instructor's broken pack: every problem, literally, so it can be fixed.
            with VerticalScroll(id="course-errors"):
                yield Static(Content.assemble(
                    ("✖ This course pack has problems ", "bold"),
                    f"({len(course.errors)}); run `hardening-tutor content check` for "
                    "details:"))
                for error in course.errors:
                    yield Static(Content(str(error)), classes="course-error")
        notice = self.tutor.store.notice
        if notice:
            yield Static(Content.assemble(("▲ ", "bold"), notice), id="store-notice")
        with Horizontal(id="home-columns"):
            with Vertical(id="lessons-column"):
                yield Label(Content(course.title or "Lessons"), classes="column-title")
                yield CourseList(id="course-map")
            with Vertical(id="practice-column"):
                yield Label("Practice quiz", classes="column-title")
                yield CourseList(id="practice-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Course map"
        self.query_one("#course-map", CourseList).focus()

    def on_screen_resume(self) -> None:
        """Rebuild the lists, so a lesson read or an exercise solved shows at once."""
        self.refresh_map()

    # Building the lists -------------------------------------------------------------------

    def refresh_map(self) -> None:
        """Fill both lists from the course and the learner's progress."""
        course, store = self.tutor.course, self.tutor.store
        read, solved = store.lessons_read(), set(store.solutions())
        course_map = self.query_one("#course-map", CourseList)
        keep = self._highlighted_id(course_map)
        options: list[Option | None] = []
        place = store.place()
        resume = describe_place(course, place) if place else None
        self._can_resume = resume is not None
        self.refresh_bindings()
        if resume is not None:
            options += [Option(resume, id=CONTINUE), None]
        for lesson in course.lessons:
            options.append(Option(lesson_prompt(lesson, read, solved),
                                  id=f"lesson:{lesson.id}"))
        if not course.lessons:
            options.append(Option(Content("This course has no lessons."), disabled=True))
        course_map.clear_options().add_options(options)
        if keep is None:
            # First visit: Enter resumes, or opens the first lesson not yet read.
            unread = [lesson for lesson in course.lessons if lesson.id not in read]
            keep = CONTINUE if resume else (f"lesson:{unread[0].id}" if unread else None)
        self._highlight(course_map, keep)

        practice = self.query_one("#practice-list", CourseList)
        keep = self._highlighted_id(practice)
        scores = store.practice_scores()
        total = sum(score.answered for score in scores.values())
        right = sum(score.correct for score in scores.values())
        every = Content.assemble(("Every topic", "bold"), "\n   ",
                                 f"{right} of {total} right" if total else "mixed questions")
        topics: list[Option | None] = [Option(every, id=EVERY_TOPIC), None]
        topics += [Option(score_prompt(topic.title, scores.get(topic.id)),
                          id=f"practice:{topic.id}") for topic in course.topics]
        practice.clear_options().add_options(topics)
        self._highlight(practice, keep)

    @staticmethod
    def _highlighted_id(option_list: OptionList) -> str | None:
        index = option_list.highlighted
        if index is None or not option_list.option_count:
            return None
        return option_list.get_option_at_index(index).id

    @staticmethod
    def _highlight(option_list: OptionList, option_id: str | None) -> None:
        if option_id is None:
            option_list.highlighted = 0 if option_list.option_count else None
            return
        try:
            option_list.highlighted = option_list.get_option_index(option_id)
        except LookupError:
            option_list.highlighted = 0 if option_list.option_count else None

    # Choosing -----------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Open whatever entry the learner chose."""
        event.stop()
        option_id = event.option.id or ""
        kind, _, target = option_id.partition(":")
        if option_id == CONTINUE:
            self.action_continue()
        elif kind == "lesson":
            self.tutor.open_lesson(target)
        elif kind == "practice":
            self.tutor.start_practice(target or None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that would do nothing here (no place to resume, nothing to go back to)."""
        if action == "continue":
            return self._can_resume
        if action == "back":
            return len(self.app.screen_stack) > 1
        return True

    def action_continue(self) -> None:
        """Reopen the lesson, exercise or quiz the learner was last in."""
        place = self.tutor.store.place()
        if not place:
            self.tutor.show_error("There is nowhere to continue from yet: pick a lesson.")
            return
        screen = place.get("screen")
        if screen == "lesson":
            self.tutor.open_lesson(place.get("lesson", ""))
        elif screen == "exercise":
            self.tutor.open_exercise(place.get("exercise", ""))
        elif screen == "practice":
            self.tutor.start_practice(place.get("topic") or None)
        else:
            self.tutor.show_error("The saved place cannot be reopened: pick a lesson.")

    def action_practice_all(self) -> None:
        """A practice quiz drawing on every topic."""
        self.tutor.start_practice(None)

    def action_practice_topic(self) -> None:
        """A practice quiz on the highlighted lesson's (or topic's) subject."""
        if self.focused is self.query_one("#practice-list"):
            chosen = self._highlighted_id(self.query_one("#practice-list", CourseList))
            self.tutor.start_practice((chosen or EVERY_TOPIC).partition(":")[2] or None)
            return
        chosen = self._highlighted_id(self.query_one("#course-map", CourseList)) or ""
        kind, _, lesson_id = chosen.partition(":")
        lesson = self.tutor.course.lesson(lesson_id) if kind == "lesson" else None
        if lesson is None:
            self.tutor.show_error("Highlight a lesson first, then press t for its quiz.")
            return
        topic = lesson_topic(self.tutor.course, lesson)
        if topic is None:
            self.tutor.show_error(f"There is no quiz for lesson {lesson.order} yet.")
            return
        self.tutor.start_practice(topic)

    def action_exam(self) -> None:
        """The sign-off exam, with the course's settings."""
        self.tutor.open_exam()

    def action_open_file(self) -> None:
        """Ask for a Dockerfile, compose file or folder to open in the workbench."""
        self.tutor.action_open_file_prompt()

    def action_back(self) -> None:
        """Return to the screen underneath (when the map was opened from the workbench)."""
        if len(self.app.screen_stack) > 1:
            self.dismiss()
