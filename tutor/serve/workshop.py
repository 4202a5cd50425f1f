"""The workshop folder: one private folder per learner, and the tokens in their links.

    workshop/
      tokens.json          the instructor's token and one per learner (0600)
      learner-links.csv    each learner's link (0600, see `tutor.serve.links`)
      learners/<folder>/   all a learner's process may reach (0700)

Tokens are kept across restarts, so the links handed out on Monday still work on Tuesday.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tutor.atomic import write_atomic
from tutor.errors import InputError
from tutor.exam.learners import Roster, identity_key
from tutor.safeio import read_limited
from tutor.safetext import visible

__all__ = ["MAX_SEATS", "Seat", "Tokens", "Workshop", "folder_name", "numbered_seats",
           "roster_seats"]

MAX_SEATS = 999
TOKENS_FILE = "tokens.json"
LEARNERS = "learners"
_TOKENS_LIMIT = 4 * 1024 * 1024  # 10,000 learners' tokens are under 1 MB
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}")
_UNSAFE = re.compile(r"[^a-z0-9_-]+")
_FOLDER_CHARS = 48
# Names Windows keeps for devices, in any case and with any extension: a folder called
# "con" cannot be made there, and a copied workshop folder should still open.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
             *(f"lpt{n}" for n in range(10))}


@dataclass(frozen=True, slots=True)
class Seat:
    """One learner's place in the workshop: their id and name, and their folder's name."""

    id: str
    name: str
    folder: str


def folder_name(learner_id: str) -> str:
    """A folder name for ``learner_id``: its identity key if that is plain, else a safe form.

    Only ``a-z``, ``0-9``, ``_`` and ``-`` survive (so never ``.``, ``..`` or a separator);
    a key that had to change gets a hash of itself added, so two ids never share a folder.
    """
    key = identity_key(learner_id)
    safe = _UNSAFE.sub("-", key).strip("-")[:_FOLDER_CHARS]
    if safe == key and safe not in _RESERVED:
        return safe
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{safe}-{digest}" if safe else f"learner-{digest}"


def roster_seats(roster: Roster) -> tuple[Seat, ...]:
    """A seat for each learner on the class roster, in its order."""
    seats = tuple(Seat(learner.id, learner.name, folder_name(learner.id)) for learner in roster)
    _refuse_shared_folders(seats, roster.path)
    return seats


def numbered_seats(count: int) -> tuple[Seat, ...]:
    """``seat-01`` … for a class without a roster; names are "Seat 1" …."""
    if not 1 <= count <= MAX_SEATS:
        raise InputError(f"--seats takes a number from 1 to {MAX_SEATS}, not {count}")
    width = max(2, len(str(count)))
    return tuple(Seat(f"seat-{number:0{width}d}", f"Seat {number}", f"seat-{number:0{width}d}")
                 for number in range(1, count + 1))


def _refuse_shared_folders(seats: tuple[Seat, ...], roster: Path) -> None:
    first: dict[str, Seat] = {}
    for seat in seats:
        other = first.setdefault(seat.folder, seat)
        if other is not seat:  # only an id chosen to look like another's safe form
            raise InputError(f"{visible(str(roster))}: the ids {visible(other.id)!r} and "
                             f"{visible(seat.id)!r} would share the folder {seat.folder!r}; "
                             f"change one of them")


@dataclass(frozen=True)
class Tokens:
    """The secrets in the links: the instructor's, and one per learner folder."""

    instructor: str
    learners: Mapping[str, str]

    def to_json(self) -> str:
        return json.dumps({"version": 1, "instructor": self.instructor,
                           "learners": dict(sorted(self.learners.items()))}, indent=2) + "\n"


@dataclass(frozen=True)
class Workshop:
    """An opened workshop folder: its seats, their folders (made) and their tokens."""

    root: Path
    seats: tuple[Seat, ...]
    tokens: Tokens

    @classmethod
    def open(cls, root: Path, seats: tuple[Seat, ...]) -> Workshop:
        """Make the folders that are missing, and keep or make a token for every seat."""
        root = Path(os.path.abspath(root))
        try:
            root.mkdir(parents=True, exist_ok=True, mode=0o700)
            learners = root / LEARNERS
            learners.mkdir(exist_ok=True, mode=0o700)
            for seat in seats:
                folder = learners / seat.folder
                folder.mkdir(exist_ok=True, mode=0o700)
                os.chmod(folder, 0o700)  # one learner's work is nobody else's business
        except OSError as exc:
            raise InputError(f"cannot use {visible(str(root))} as the workshop folder: "
                             f"{exc.strerror or exc}") from None
        path = root / TOKENS_FILE
        stored = _load_tokens(path)
        tokens = _with_every_seat(stored, seats)
        if tokens != stored:
            _save_tokens(path, tokens)
        return cls(root, seats, tokens)

    def folder(self, seat: Seat) -> Path:
        """The folder the learner in ``seat`` works in, and their process is confined to."""
        return self.root / LEARNERS / seat.folder

    @property
    def links_path(self) -> Path:
        return self.root / "learner-links.csv"


def _with_every_seat(stored: Tokens | None, seats: tuple[Seat, ...]) -> Tokens:
    # A learner taken off the roster keeps their token in the file (their link works again
    # if they come back) but the server only accepts tokens of the seats it was given.
    learners = dict(stored.learners) if stored is not None else {}
    for seat in seats:
        learners.setdefault(seat.folder, secrets.token_urlsafe(32))
    instructor = stored.instructor if stored is not None else secrets.token_urlsafe(32)
    return Tokens(instructor, learners)


def refuse_if_others_can_read(path: Path, opened: os.stat_result) -> None:
    """Refuse a file of secrets that anyone but its owner may read or write.

    Whoever reads tokens.json can join as any learner, or as the instructor; the signing
    key file is refused the same way (`tutor.exam.record`). Windows has no such mode bits.
    """
    mode = opened.st_mode & 0o777
    if os.name == "posix" and mode & 0o077:
        raise InputError(f"{visible(str(path))}: permissions {mode:04o} are too open: others "
                         f"may read the learners' links in it. Run 'chmod 600 "
                         f"{visible(str(path))}' and start again")


def _load_tokens(path: Path) -> Tokens | None:
    if not path.exists() and not path.is_symlink():
        return None
    data = read_limited(path, _TOKENS_LIMIT, "tokens file",
                        check=lambda opened: refuse_if_others_can_read(path, opened))
    try:
        document = json.loads(data.decode("utf-8"))
        instructor, learners = document["instructor"], document["learners"]
        if not isinstance(learners, dict):
            raise TypeError("learners is not an object")
        for token in (instructor, *learners.values()):
            if not isinstance(token, str) or not _TOKEN.fullmatch(token):
                raise ValueError("a token is not one this server made")
        if not all(isinstance(folder, str) for folder in learners):
            raise TypeError("a folder name is not text")
    except (UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
        # Not made afresh: that would silently change every link already handed out.
        raise InputError(f"{visible(str(path))}: is not a tokens file hardening-tutor wrote "
                         f"({visible(str(exc))}); move it aside to make new links (every "
                         f"learner then needs their new link)") from None
    return Tokens(instructor, learners)


def _save_tokens(path: Path, tokens: Tokens) -> None:
    try:
        write_atomic(path, tokens.to_json(), mode=0o600)
        with contextlib.suppress(NotImplementedError):
            os.chmod(path, 0o600)
    except OSError as exc:
        raise InputError(f"cannot write {visible(str(path))}: {exc.strerror or exc}") from None
