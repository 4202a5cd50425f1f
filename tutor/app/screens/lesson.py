"""One lesson: its Markdown with highlighted examples, contents, exercises and neighbours."""

from __future__ import annotations

import time
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Header, Label, Markdown, OptionList, Static

from tutor.app.screens.base import TutorScreen
from tutor.app.screens.dialogs import PickDialog
from tutor.app.widgets.code import CourseMarkdown
from tutor.app.widgets.keybar import KeyBar
from tutor.app.widgets.lesson_parts import (
    LessonToc,
    RuleList,
    TryItButton,
    lesson_links,
    link_label,
)
from tutor.app.widgets.lesson_search import LessonSearch
from tutor.content.model import Lesson
from tutor.errors import TutorError
from tutor.progress.reading import SAMPLE_SECONDS, Reading

# Below this many columns the contents start hidden, leaving the lesson room to read.
WIDE = 100


class LessonScreen(TutorScreen[None]):
    """A lesson; it is marked read once every part of it was on screen and enough time was
    spent on it (`tutor.progress.reading`), never by jumping to its end or moving on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("n", "next_lesson", "Next"),
        Binding("p", "previous_lesson", "Previous"),
        Binding("c", "toggle_contents", "Contents"),
        Binding("x", "try_it", "Try it"),
        Binding("l", "links", "Links"),
        Binding("slash", "search", "Search"),
    ]

    def __init__(self, lesson: Lesson) -> None:
        super().__init__()
        self.lesson = lesson
        # The body is mounted by a background parse; until then nothing of it is on screen.
        self._body_ready = False
        self._marked_read = False
        self._last_sample: float | None = None

    def _neighbour(self, step: int) -> Lesson | None:
        """The lesson ``step`` places away in course order, if any."""
        lessons = list(self.tutor.course.lessons)
        ids = [lesson.id for lesson in lessons]
        if self.lesson.id not in ids:
            return None
        index = ids.index(self.lesson.id) + step
        return lessons[index] if 0 <= index < len(lessons) else None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lesson-layout"):
            with Vertical(id="lesson-contents"):
                yield Label("Contents", classes="column-title")
                yield LessonToc(id="lesson-toc")
            with VerticalScroll(id="lesson-body"):
                yield Static(self._meta_line(), id="lesson-meta")
                # open_links=False: every link goes through follow_link, never a file path
                # (MarkdownViewer's crash, Textual #6039) nor an arbitrary action.
                yield CourseMarkdown(self.lesson.body, open_links=False, id="lesson-markdown")
                yield from self._try_it_section()
                if self.lesson.rules:
                    yield Label("Rules this lesson teaches", classes="column-title",
                                id="lesson-rules-title")
                    yield RuleList(id="lesson-rules")
                with Horizontal(id="lesson-nav"):
                    previous, following = self._neighbour(-1), self._neighbour(1)
                    if previous is not None:
                        yield Button("◀ Previous", id="previous-lesson")
                    if following is not None:
                        yield Button(Content.assemble("Next: ", following.title, " ▶"),
                                     id="next-lesson", variant="primary")
                    else:
                        yield Button("Back to the course map", id="back-to-map")
        yield LessonSearch("lesson-markdown", id="lesson-search")
        yield KeyBar()

    def _meta_line(self) -> Content:
        """Lesson n of m, its length, and the rules it teaches."""
        count = len(self.tutor.course.lessons)
        parts = [f"Lesson {self.lesson.order} of {count}", f"about {self.lesson.minutes} min"]
        if self.lesson.rules:
            parts.append("rules " + ", ".join(self.lesson.rules))
        return Content(" · ".join(parts))

    def _try_it_section(self) -> ComposeResult:
        """One button per exercise the lesson offers, with its difficulty and state."""
        exercises = [self.tutor.course.exercises.get(ex) for ex in self.lesson.exercises]
        found = [exercise for exercise in exercises if exercise is not None]
        if not found:
            return
        solved = set(self.tutor.store.solutions())
        with Vertical(id="lesson-try-it"):
            yield Label("Try it", classes="column-title")
            for exercise in found:
                yield TryItButton(exercise, exercise.id in solved)

    def on_mount(self) -> None:
        self.sub_title = f"Lesson {self.lesson.order}: {self.lesson.title}"
        self.query_one("#lesson-contents").display = self.app.size.width >= WIDE
        body = self.query_one("#lesson-body", VerticalScroll)
        self._marked_read = self.lesson.id in self.tutor.store.lessons_read()
        self.set_interval(SAMPLE_SECONDS, lambda: self.sample(time.monotonic()))
        if self.lesson.rules:
            self.query_one(RuleList).show_rules(self.lesson.rules)
        body.focus()

    @property
    def reading(self) -> Reading:
        """What of this lesson has been on screen, and for how long (kept for the session)."""
        return self.tutor.readings.setdefault(self.lesson.id, Reading(self.lesson.minutes))

    def on_screen_resume(self) -> None:
        """Remember this lesson as the place to continue from, and refresh solved marks."""
        self.remember_place({"screen": "lesson", "lesson": self.lesson.id})
        solved = set(self.tutor.store.solutions())
        for button in self.query(TryItButton):
            button.show_solved(button.exercise_id in solved)

    # The lesson text ----------------------------------------------------------------------

    def on_markdown_table_of_contents_updated(
            self, event: Markdown.TableOfContentsUpdated) -> None:
        """Fill the contents from the headings, once the body has been parsed."""
        event.stop()
        self.query_one(LessonToc).show_headings(event.table_of_contents)
        self._body_ready = True
        # What shows first is seen at once: a lesson that fits on screen is all seen.
        self.call_after_refresh(lambda: self.sample(time.monotonic()))

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Send every link through the app's allow-list: course content never runs actions."""
        event.stop()
        self.tutor.follow_link(event.href)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Explain the chosen rule, or scroll the lesson to the chosen heading."""
        event.stop()
        if event.option.id is None:
            return
        if isinstance(event.option_list, RuleList):
            self.tutor.open_rule(event.option.id)
            return
        heading = self.query_one("#lesson-markdown", Markdown).query(f"#{event.option.id}")
        if heading:
            self.query_one("#lesson-body", VerticalScroll).scroll_to_widget(
                heading.first(), top=True, animate=False)

    def sample(self, now: float) -> None:
        """Note what is on screen and the time since the last look; mark read when due.

        Time counts only while this screen is the one in front of the learner.
        """
        body = self.query_one("#lesson-body", VerticalScroll)
        # An empty Markdown height means the parsed blocks have not been laid out yet.
        laid_out = self.query_one("#lesson-markdown").size.height > 0
        if not (self._body_ready and laid_out and self.is_active):
            self._last_sample = None
            return
        reading = self.reading
        if self._last_sample is not None:
            reading.spent(now - self._last_sample)
        self._last_sample = now
        top = round(body.scroll_y)
        reading.saw(top, top + body.container_size.height, body.virtual_size.height)
        if reading.complete:
            self._mark_read()

    def _mark_read(self) -> None:
        if self._marked_read:
            return
        try:
            self.tutor.store.mark_lesson_read(self.lesson.id)
        except TutorError as exc:
            self.tutor.show_error(str(exc))
            return
        self._marked_read = True
        self.notify(f"Lesson {self.lesson.order} marked as read.", title="Progress",
                    markup=False)

    # Buttons and keys ---------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Open an exercise, or move to a neighbouring lesson."""
        event.stop()
        if isinstance(event.button, TryItButton):
            self.tutor.open_exercise(event.button.exercise_id)
        elif event.button.id == "next-lesson":
            self.action_next_lesson()
        elif event.button.id == "previous-lesson":
            self.action_previous_lesson()
        elif event.button.id == "back-to-map":
            self.action_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide Next/Previous at the ends of the course and Try it when there is nothing."""
        if action == "next_lesson":
            return self._neighbour(1) is not None
        if action == "previous_lesson":
            return self._neighbour(-1) is not None
        if action == "try_it":
            return bool(self.lesson.exercises)
        if action == "links":
            return bool(lesson_links(self.lesson.body))
        if action == "search":  # the open bar takes "/" as text
            bar = self.query(LessonSearch)
            return not (bar and bar.first().has_class("-open"))
        return True

    def action_back(self) -> None:
        """Return to where the lesson was opened from."""
        self.dismiss()

    def action_next_lesson(self) -> None:
        """Move on to the next lesson, saying what this one still needs to count as read."""
        following = self._neighbour(1)
        if following is None:
            return
        if not self._marked_read:
            self.notify(f"Lesson {self.lesson.order} is not marked read yet: "
                        f"{self.reading.missing()}.", title="Progress", markup=False)
        self.app.switch_screen(LessonScreen(following))

    def action_previous_lesson(self) -> None:
        """Go back one lesson, replacing this one."""
        previous = self._neighbour(-1)
        if previous is not None:
            self.app.switch_screen(LessonScreen(previous))

    def action_toggle_contents(self) -> None:
        """Show or hide the contents, which crowd the text at 80 columns."""
        contents = self.query_one("#lesson-contents")
        contents.display = not contents.display
        if contents.display:
            self.query_one(LessonToc).focus()
        elif self.focused is None or contents in self.focused.ancestors_with_self:
            # Focus must not stay on a hidden list, or the scroll keys would go nowhere.
            self.query_one("#lesson-body").focus()

    def action_links(self) -> None:
        """List the lesson's links, so they can be followed without a mouse."""
        entries = [(link_label(text, href, self.tutor.course), href)
                   for text, href in lesson_links(self.lesson.body)]

        def follow(href: str | None) -> None:
            if href:
                self.tutor.follow_link(href)

        self.app.push_screen(PickDialog("Links in this lesson", entries), follow)

    def action_search(self) -> None:
        """Find text in the lesson (the bar at the bottom; Esc closes it)."""
        self.query_one(LessonSearch).open()
        self.refresh_bindings()

    def on_lesson_search_closed(self, event: LessonSearch.Closed) -> None:
        event.stop()
        self.query_one("#lesson-body").focus()
        self.refresh_bindings()

    def action_try_it(self) -> None:
        """Jump to the exercises at the end of the lesson."""
        buttons = list(self.query(TryItButton))
        if buttons:
            self.query_one("#lesson-body", VerticalScroll).scroll_to_widget(
                buttons[0], animate=False)
            buttons[0].focus()
