"""Which course progress belongs to: the shipped course, or a course pack known by its folder.

Progress (lessons read, exercises solved, practice answers, the place to continue from) is
kept per course, so an instructor's pack run with ``--content`` and the same data folder
starts from nothing and never shows the shipped course's scores. A pack is known by the
absolute path of its folder, not by its title: a copy of a pack is another course (copies
are how packs are made), and a title can be edited without losing anyone's progress.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tutor.errors import TutorError

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

# The course that ships with hardening-tutor, whichever folder it is installed in.
SHIPPED = "shipped"
PACK_PREFIX = "pack:"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def packaged_root() -> Traversable:
    """The course shipped with the tool: inside the installed package, or the source checkout."""
    course = resources.files("tutor.content").joinpath("course")
    if course.is_dir():
        return course
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "lessons" / "course.yaml").is_file():
        return checkout
    raise TutorError("the course that ships with hardening-tutor is missing; reinstall it")


@dataclass(frozen=True, slots=True)
class CourseIdentity:
    """What a course's progress is kept under, and where its exercise files go."""

    key: str
    # The learner's exercise copies, relative to the data folder.
    exercises: str

    @property
    def shipped(self) -> bool:
        """True for the course that ships with hardening-tutor."""
        return self.key == SHIPPED


def course_identity(content: Path | None) -> CourseIdentity:
    """The identity of the course ``--content`` names (None: the shipped course).

    The shipped course keeps ``exercises/`` in the data folder, where its copies always
    were; a pack gets ``courses/NAME-HASH/exercises/``, NAME from its folder, HASH from its
    path, so two packs never share an exercise folder.
    """
    if content is None:
        return CourseIdentity(SHIPPED, "exercises")
    folder = content.resolve()
    try:
        shipped = packaged_root()
    except TutorError:
        shipped = None
    if isinstance(shipped, Path) and shipped.resolve() == folder:
        return CourseIdentity(SHIPPED, "exercises")
    key = PACK_PREFIX + str(folder)
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    name = _UNSAFE.sub("-", folder.name).strip("-.")[:40] or "pack"
    return CourseIdentity(key, f"courses/{name}-{digest}/exercises")
