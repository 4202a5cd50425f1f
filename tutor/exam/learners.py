"""Who an exam attempt belongs to: a learner on the class roster, or a typed name.

Attempts are counted and records filed by identity, so "Ada Lovelace", "ada  lovelace" and
"ＡＤＡ LOVELACE" must be one learner, or a second spelling would be a second set of
attempts. With a roster (a CSV file from the instructor) a learner is known by an id;
without one, by the normalised form of the name they type.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tutor.content.model import Course
from tutor.errors import InputError, TutorError
from tutor.safeio import read_limited
from tutor.safetext import first_control, visible

__all__ = ["COLUMNS", "MAX_CHARS", "ROSTER_LIMIT", "Learner", "LearnerError", "Roster",
           "RosterError", "course_roster", "from_name", "identify", "identity_key"]

# A name, id, email or group longer than this is pasted text, not what it claims to be; the
# bound also keeps an error message quoting one readable.
MAX_CHARS = 200
# A class of 10,000 learners with name, email and group is under 1 MB even in a script that
# takes 3 bytes a character; 4 MB leaves room for that and still refuses, before parsing,
# a log or disk image given by mistake, since the whole file is held and checked at once.
ROSTER_LIMIT = 4 * 1024 * 1024
COLUMNS = ("id", "name", "email", "group")
_REQUIRED = ("id", "name")
_SHOWN_PROBLEMS = 20
_QUOTES = "a double quote that opens a cell must close it"


class LearnerError(TutorError):
    """A typed name or id that cannot identify a learner; the message says what to type."""


class RosterError(TutorError):
    """A roster file that cannot be used; the message lists every problem, one per line."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Learner:
    """Who an attempt belongs to: ``id`` is what records are filed under."""

    id: str
    name: str
    source: Literal["roster", "name"]
    email: str | None = None
    group: str | None = None

    @property
    def key(self) -> str:
        """The normalised ``id``, equal for every spelling of it (``A12`` and ``a12``)."""
        return _normalise(self.id)


def identity_key(text: str) -> str:
    """The one form of a typed name that every spelling of it shares; `LearnerError` if unusable."""
    return _checked(text, "name")[1]


def from_name(text: str) -> Learner:
    """The learner a typed name stands for when there is no roster."""
    name, key = _checked(text, "name")
    return Learner(id=key, name=name, source="name")


def identify(text: str, roster: Roster | None) -> Learner:
    """The learner ``text`` stands for: an id on ``roster``, or a name when there is none."""
    return roster.find(text) if roster is not None else from_name(text)


def _checked(text: str, what: str) -> tuple[str, str]:
    """``text`` with runs of white space made one, and its key; `LearnerError` if unusable."""
    control = first_control(text)
    if control is not None:
        # Shown on screens, in listings and exports, where ESC starts a terminal escape.
        offset, name = control
        raise LearnerError(f"{_article(what)} {what} cannot hold control characters, and this "
                           f"one has {name} at character {offset + 1}: type it again with "
                           f"letters, spaces and punctuation only")
    collapsed = " ".join(text.split())  # str.split() knows every Unicode space, NBSP too
    if len(collapsed) > MAX_CHARS:
        raise LearnerError(f"{_article(what)} {what} of {len(collapsed):,} characters is too long "
                           f"(the limit is {MAX_CHARS}): type the learner's {what} only")
    key = _normalise(collapsed)
    if not key:  # blank, or only invisible characters
        raise LearnerError(f"the exam needs the learner's {what}")
    return collapsed, key


def _article(noun: str) -> str:
    return "an" if noun[:1] in ("a", "e", "i", "o", "u") else "a"


def _normalise(text: str) -> str:
    if text.isascii():  # most ids and names: NFKC changes nothing, and there is no Cf
        return " ".join(text.lower().split())
    # Close to Unicode's NFKC_Casefold, the form identifiers are compared in (UAX #31):
    # NFKC makes fullwidth and ligature forms plain, casefold goes beyond lower() (ß is ss),
    # and a second NFKC because casefold can undo composition (ǰ comes out as j and a
    # combining caron), so the key, which is stored, is itself normalised and stable.
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    # Invisible format characters (zero-width space, soft hyphen, bidi marks) would make two
    # names that look the same two learners; NFKC_Casefold drops them too.
    visible_only = "".join(char for char in folded if unicodedata.category(char) != "Cf")
    return " ".join(visible_only.split())


@dataclass(frozen=True)
class Roster:
    """The learners of a class, from the instructor's CSV file, found by id."""

    path: Path
    learners: tuple[Learner, ...]
    _by_key: dict[str, Learner] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key = {learner.key: learner for learner in self.learners}
        if len(by_key) != len(self.learners):  # load() reports these with line numbers
            raise ValueError("two learners on a roster share an id")
        object.__setattr__(self, "_by_key", by_key)

    @classmethod
    def load(cls, path: Path) -> Roster:
        """The roster in the CSV file ``path``, or `RosterError` listing every problem in it."""
        return cls(path, _parse(path, _decode(path, _read(path))))

    def find(self, text: str) -> Learner:
        """The learner whose id ``text`` is, in any case or width; `LearnerError` if none."""
        typed, key = _checked(text, "id")
        learner = self._by_key.get(key)
        if learner is None:
            # repr() after visible(): pictures for C0 and C1, escapes for bidi overrides.
            raise LearnerError(f"{visible(typed)!r} is not on the roster "
                               f"({visible(str(self.path))}); check the id with your instructor")
        return learner

    def __len__(self) -> int:
        return len(self.learners)

    def __iter__(self) -> Iterator[Learner]:
        return iter(self.learners)


def _read(path: Path) -> bytes:
    try:  # /dev/zero, a FIFO, a folder or a huge file is refused before it is parsed
        return read_limited(path, ROSTER_LIMIT, "roster file")
    except InputError as exc:
        raise RosterError(visible(str(exc))) from None


def _decode(path: Path, data: bytes) -> str:
    where = visible(str(path))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RosterError(f"{where}: is UTF-16 text (Excel's \"Unicode Text\"); save the roster "
                          f"as \"CSV UTF-8\" instead")
    try:
        # Excel's "CSV UTF-8" starts with a byte order mark; utf-8-sig drops it if present.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        decoded = bytes(exc.object)  # after a BOM, offsets count from the end of it
        line = decoded[:exc.start].count(b"\n") + 1
        raise RosterError(f"{where}:{line}: is not UTF-8 text (byte 0x{decoded[exc.start]:02x}); "
                          f"save the roster from your spreadsheet as \"CSV UTF-8\"") from None


class _Unreadable(Exception):
    """The CSV reader gave up at ``line``; nothing after it can be read."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank row with the 1-based line it starts on; `_Unreadable` where CSV ends."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _Unreadable(line, str(exc)) from None
        if any(cell.strip() for cell in row):  # spreadsheets leave blank and ",,," rows
            yield line, row
        line = reader.line_num + 1  # a quoted cell may span lines: count what was read


def _header(text: str, delimiter: str) -> tuple[int, list[str]] | None:
    """The first non-blank row as written, and its line, or None if there is none."""
    return next(_rows(text, delimiter), None)


def _column_names(header: list[str]) -> list[str]:
    return [cell.strip().casefold() for cell in header]


def _delimiter(text: str) -> str:
    # Excel writes ';' where the decimal mark is a comma (most of Europe); a header with no
    # "id" column when split on commas but one when split on semicolons settles it.
    try:
        comma = _header(text, ",")
        if comma is not None and "id" not in _column_names(comma[1]):
            semicolon = _header(text, ";")
            if semicolon is not None and "id" in _column_names(semicolon[1]):
                return ";"
    except _Unreadable:
        pass  # reported when the header is read for real
    return ","


class _Problems:
    """Problems found so far, each as ``path:line: message``, the first few kept in full."""

    def __init__(self, path: Path) -> None:
        self.where = visible(str(path))
        self.shown: list[str] = []
        self.count = 0

    def add(self, line: int, message: str) -> None:
        self.count += 1
        if len(self.shown) < _SHOWN_PROBLEMS:  # a file of junk must not fill memory
            self.shown.append(f"{self.where}:{line}: {message}")

    def raise_any(self) -> None:
        if not self.count:
            return
        if self.count == 1:
            raise RosterError(self.shown[0])
        lines = [f"{self.where} has {self.count:,} problems; fix them and load it again:",
                 *self.shown]
        if self.count > len(self.shown):
            lines.append(f"and {self.count - len(self.shown):,} more")
        raise RosterError("\n".join(lines))


def _cell_problem(cell: str, column: str) -> str | None:
    control = first_control(cell)
    if control is not None:
        offset, name = control
        return (f"the {column} has {name} at character {offset + 1}; control characters are "
                f"not text: remove it")
    if "\n" in cell or "\r" in cell:
        # Nobody's name or id has a line break: a quote opened and never closed swallows
        # the lines after it into one cell, and those learners would silently vanish.
        return (f"the {column} runs on over several lines; {_QUOTES}, and a line break "
                f"inside a cell is not allowed")
    if len(cell.strip()) > MAX_CHARS:
        return (f"the {column} is {len(cell.strip()):,} characters long, over the limit of "
                f"{MAX_CHARS}")
    return None


def _parse(path: Path, text: str) -> tuple[Learner, ...]:
    problems = _Problems(path)
    delimiter = _delimiter(text)
    try:
        header = _header(text, delimiter)
    except _Unreadable as exc:  # nothing was found before it
        raise RosterError(f"{problems.where}:{exc.line}: cannot be read as CSV "
                          f"({exc}); {_QUOTES}") from None
    if header is None:
        raise RosterError(f"{problems.where}: is empty; a roster's first row names its columns "
                          f"({', '.join(COLUMNS)}; email and group are optional) and each row "
                          f"after it is one learner")
    header_line, header_cells = header
    names = _column_names(header_cells)
    _check_header(header_cells, header_line, problems)
    if any(column not in names for column in _REQUIRED):
        problems.raise_any()  # without an id and a name column no row can be read
    learners: list[Learner] = []
    first_line: dict[str, tuple[int, str]] = {}  # id key -> line and id as written there
    rows = _rows(text, delimiter)
    next(rows)  # the header, checked above
    try:
        for line, row in rows:
            learner = _learner(row, names, line, problems, delimiter)
            if learner is None:
                continue
            seen = first_line.setdefault(learner.key, (line, learner.id))
            if seen[0] != line:
                same = ("" if seen[1] == learner.id else
                        f" as {seen[1]!r} (ids match whatever their case, width or spacing)")
                problems.add(line, f"the id {learner.id!r} is already on line {seen[0]}{same}; "
                                   f"give each learner their own id")
                continue
            learners.append(learner)
    except _Unreadable as exc:  # the reader cannot go on; what was found so far still counts
        problems.add(exc.line, f"cannot be read as CSV from here ({exc}); {_QUOTES}")
    problems.raise_any()
    if not learners:
        raise RosterError(f"{problems.where}: has a header but no learners; add one row per "
                          f"learner under it")
    return tuple(learners)


def _check_header(header: list[str], line: int, problems: _Problems) -> None:
    for index, cell in enumerate(header, start=1):
        problem = _cell_problem(cell, f"heading of column {index}")
        if problem is not None:
            problems.add(line, problem)
            return
    names = _column_names(header)
    allowed = f"the columns are {', '.join(COLUMNS[:-1])} and {COLUMNS[-1]}"
    for column in _REQUIRED:
        if column not in names:
            problems.add(line, f"the header has no {column!r} column; {allowed}, and the first "
                               f"row names them")
    unknown = [cell.strip() for cell, name in zip(header, names, strict=True)
               if name and name not in COLUMNS]
    if unknown:
        listed = ", ".join(repr(name) for name in unknown)
        problems.add(line, f"unknown column{'s' if len(unknown) > 1 else ''} {listed}; {allowed}")
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        listed = ", ".join(repr(name) for name in repeated)
        problems.add(line, f"more than one column is headed {listed}; keep one of each")


def _learner(row: list[str], names: list[str], line: int, problems: _Problems,
             delimiter: str) -> Learner | None:
    """The learner on one row, or None once its problems are added."""
    found = problems.count
    if len(row) != len(names):
        problems.add(line, f"has {len(row)} cells but the header has {len(names)}; a value "
                           f"holding {delimiter!r} needs double quotes around it")
        return None
    cells: dict[str, str] = {}
    for index, (name, cell) in enumerate(zip(names, row, strict=True), start=1):
        problem = _cell_problem(cell, name if name in COLUMNS else f"cell in column {index}")
        if problem is not None:
            problems.add(line, problem)
        elif not name and cell.strip():
            # Excel exports formatted but empty columns with no heading: harmless when empty.
            problems.add(line, f"column {index} has no heading but holds a value; name the "
                               f"column, clear it, or put double quotes around a value "
                               f"holding {delimiter!r}")
        else:
            cells[name] = " ".join(cell.split())
    for column in _REQUIRED:
        if column in cells and not _normalise(cells[column]):  # blank, or only invisible
            problems.add(line, f"the row has no {column}; every learner needs one")
    if problems.count != found:
        return None
    return Learner(id=cells["id"], name=cells["name"], source="roster",
                   email=cells.get("email") or None, group=cells.get("group") or None)


def course_roster(course: Course, given: Path | None = None) -> Roster | None:
    """The roster to identify learners by: ``given`` (``--roster``), else the course's own."""
    if given is not None:
        return Roster.load(given)
    if course.roster is None:
        return None
    return Roster.load(Path(course.root) / course.roster)
