"""The course map: overall progress, lessons and their exercises with their states, practice
scores, and Continue: the next thing to do (`tutor.progress.plan`)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from tutor.app.screens.base import TutorScreen
from tutor.app.widgets.course_map import (
    CourseList,
    ExerciseState,
    course_done,
    exercise_prompt,
    lesson_prompt,
    score_prompt,
    step_prompt,
)
from tutor.app.widgets.keybar import KeyBar
from tutor.progress.plan import Progress, Step, lesson_topic, next_step, overall

CONTINUE = "continue"
EVERY_TOPIC = "practice:"


class HomeScreen(TutorScreen[None]):
    """The course map."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "continue", "Continue"),
        Binding("p", "practice_all", "Quiz"),
        Binding("t", "practice_topic", "Topic quiz"),
        Binding("e", "exam", "Exam"),
        Binding("o", "open_file", "Open file"),
        Binding("escape", "back", "Back"),
    ]

    # What "continue" opens (None: everything is done); read by check_action on every key
    # bar refresh.
    _next: Step | None = None

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
                yield Static("", id="course-progress")
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
        """Fill both lists and the progress line from the course and the learner's progress."""
        course, store = self.tutor.course, self.tutor.store
        read, solved = store.lessons_read(), set(store.solutions())
        answered = store.seen_questions()
        rounds = store.rounds
        progress = Progress(read, solved, answered, rounds.open_topics(), store.place())
        self._next = next_step(course, progress)
        self.refresh_bindings()
        self.query_one("#course-progress", Static).update(
            Content(overall(course, progress).describe()))
        course_map = self.query_one("#course-map", CourseList)
        keep = self._highlighted_id(course_map)
        options: list[Option | None] = []
        if self._next is not None:
            round_left = (rounds.open_round(self._next.target)
                          if self._next.kind == "quiz" else None)
            options += [Option(step_prompt(course, self._next,
                                           begun=bool(read or solved or answered
                                                      or progress.place),
                                           round_left=round_left), id=CONTINUE), None]
        elif course.lessons:
            options += [Option(course_done(), disabled=True), None]
        for lesson in course.lessons:
            options.append(Option(lesson_prompt(lesson, read, solved),
                                  id=f"lesson:{lesson.id}"))
            for exercise_id in lesson.exercises:
                exercise = course.exercises.get(exercise_id)
                if exercise is not None:
                    options.append(Option(exercise_prompt(exercise,
                                                          self._exercise_state(exercise_id,
                                                                               solved)),
                                          id=f"exercise:{exercise_id}"))
        if not course.lessons:
            options.append(Option(Content("This course has no lessons."), disabled=True))
        course_map.clear_options().add_options(options)
        # First visit: Enter opens what Continue names.
        self._highlight(course_map, keep or (CONTINUE if self._next is not None else None))

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
        elif kind == "exercise":
            self.tutor.open_exercise(target)
        elif kind == "practice":
            self.tutor.start_practice(target or None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide keys that would do nothing here (nothing left to do, nothing to go back to)."""
        if action == "continue":
            return self._next is not None
        if action == "back":
            return len(self.app.screen_stack) > 1
        return True

    def action_continue(self) -> None:
        """Open the next thing to do: the lesson, exercise or quiz the map names."""
        step = self._next
        if step is None:
            self.tutor.show_error("Everything in this course is done: e opens the exam.")
        elif step.kind == "lesson":
            self.tutor.open_lesson(step.target)
        elif step.kind == "exercise":
            self.tutor.open_exercise(step.target)
        else:
            self.tutor.start_practice(step.target or None)

    def _exercise_state(self, exercise_id: str, solved: set[str]) -> ExerciseState:
        """Solved; started once its files were copied for the learner; else not started."""
        if exercise_id in solved:
            return "solved"
        return "started" if (self.tutor.exercises_dir / exercise_id).is_dir() else "not started"

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
        kind, _, target = chosen.partition(":")
        if chosen == CONTINUE and self._next is not None:  # the quiz of what Continue opens
            if self._next.kind == "quiz":
                self.tutor.start_practice(self._next.target or None)
                return
            kind, target = "lesson", self._next.lesson
        if kind == "exercise":  # an exercise's quiz is its lesson's
            exercise = self.tutor.course.exercises.get(target)
            kind, target = "lesson", (exercise.lesson or "") if exercise else ""
        lesson = self.tutor.course.lesson(target) if kind == "lesson" else None
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
