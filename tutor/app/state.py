"""What every screen shares: the course and the learner's progress store, made on first use.

The workbench's first frame needs neither, so each is loaded or opened when a screen first
asks for it. Problems are told to the learner through the app, which keeps running.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tutor.errors import TutorError

if TYPE_CHECKING:
    from tutor.app.app import TutorApp
    from tutor.content.identity import CourseIdentity
    from tutor.content.model import Course
    from tutor.progress.exams import Holder
    from tutor.progress.store import ProgressStore


class SharedState:
    """The app's course, progress store and exam holder, each made on first use."""

    def __init__(self, app: TutorApp) -> None:
        self.app = app
        self.options = app.options
        self._course: Course | None = app.options.course
        self._store: ProgressStore | None = None
        self._course_identity: CourseIdentity | None = None
        self._adopted = False
        self._exam_holder: Holder | None = None

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

    def read_lesson_titles(self) -> dict[str, str]:
        """The lessons' titles by id, read without the rest of the pack (for a worker)."""
        from tutor.content.loader import load_lessons

        try:
            return {lesson.id: lesson.title for lesson in load_lessons(self.options.content)}
        except TutorError:  # not a course pack: the explanations name lessons by id
            return {}

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
                self.app.notify(self._store.notice, title="Progress", severity="warning",
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
            self.app.show_error(str(exc))

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

    def close(self) -> None:
        """Close the progress store, if it was opened."""
        if self._store is not None:
            self._store.close()
