"""The base classes of the app's screens, modals and dialogs: each knows its app as ``tutor``."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from tutor.app.app import TutorApp

ResultType = TypeVar("ResultType")


def tutor_of(node: DOMNode) -> TutorApp:
    """The app a widget or screen belongs to, typed: the course, the store, the settings."""
    return cast("TutorApp", node.app)


class TutorScreen(Screen[ResultType]):
    """A screen of this app."""

    @property
    def tutor(self) -> TutorApp:
        """The app, typed: the course, the progress store and the settings."""
        return tutor_of(self)

    def remember_place(self, place: dict[str, str]) -> None:
        """Keep this screen as where Continue goes next time (a problem is shown, not raised)."""
        from tutor.errors import TutorError

        try:
            self.tutor.store.set_place(place)
        except TutorError as exc:
            self.tutor.show_error(str(exc))


# ModalScreen first: Textual inherits DEFAULT_CSS along the first DOMNode base only, and the
# modal's (the dimmed screen under it) must not be skipped.
class TutorModal(ModalScreen[ResultType], TutorScreen[ResultType]):
    """A modal screen of this app: it dims the screen under it and takes the keys first."""


class TutorDialog(TutorModal[ResultType]):
    """A small modal question (a choice, a path, a fix), centred as tutor.tcss styles
    ``.dialog``."""

    DEFAULT_CLASSES = "dialog"
