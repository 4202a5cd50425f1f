"""The workshop server: its folder of learners and tokens, and the links it writes."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from tutor.errors import InputError
from tutor.exam.learners import Roster
from tutor.serve.links import write_links
from tutor.serve.workshop import Workshop, numbered_seats, roster_seats

POSIX = os.name == "posix"


# The workshop folder ---------------------------------------------------------------------------

def test_tokens_kept_across_restarts(tmp_path: Path) -> None:
    """Opening the workshop again keeps every token, so the links handed out still work."""
    first = Workshop.open(tmp_path / "w", numbered_seats(2))
    links = write_links(first, "http://127.0.0.1:8000").read_text()
    again = Workshop.open(tmp_path / "w", numbered_seats(3))
    assert again.tokens.instructor == first.tokens.instructor
    assert {k: again.tokens.learners[k] for k in first.tokens.learners} == first.tokens.learners
    assert write_links(again, "http://127.0.0.1:8000").read_text().startswith(links)
    assert len({*again.tokens.learners.values(), again.tokens.instructor}) == 4


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_secret_files_are_private(tmp_path: Path) -> None:
    """tokens.json and learner-links.csv are 0600, learner folders 0700; 0644 is refused."""
    root = tmp_path / "w"
    links = root / "learner-links.csv"
    root.mkdir()
    links.write_text("old\n")
    links.chmod(0o644)
    workshop = Workshop.open(root, numbered_seats(1))
    write_links(workshop, "http://127.0.0.1:8000")
    assert stat.S_IMODE((root / "tokens.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(links.stat().st_mode) == 0o600
    assert stat.S_IMODE(workshop.folder(workshop.seats[0]).stat().st_mode) == 0o700
    (root / "tokens.json").chmod(0o644)
    with pytest.raises(InputError, match="too open"):
        Workshop.open(root, numbered_seats(1))


def test_a_damaged_tokens_file_is_not_replaced(tmp_path: Path) -> None:
    """A tokens file that is not ours stops the start; new tokens would break every link."""
    root = tmp_path / "w"
    root.mkdir()
    (root / "tokens.json").write_text('{"instructor": "short", "learners": {}}')
    (root / "tokens.json").chmod(0o600)
    with pytest.raises(InputError, match="move it aside"):
        Workshop.open(root, numbered_seats(1))
    assert "short" in (root / "tokens.json").read_text()


def test_hostile_roster_ids_stay_inside_learners(tmp_path: Path) -> None:
    """Ids like ../x, a/b, CON or non-ASCII give distinct plain folders under learners/."""
    ids = ["../x", "a/b", "CON", "Jürgen", "..", ".", "ＡＤＡ", "x", "a\\b", "-", "lpt1"]
    roster = tmp_path / "class.csv"
    roster.write_text("id,name\n" + "".join(f'"{i}",Learner {n}\n' for n, i in enumerate(ids)),
                      encoding="utf-8")
    workshop = Workshop.open(tmp_path / "w", roster_seats(Roster.load(roster)))
    learners = (tmp_path / "w" / "learners").resolve()
    folders = [seat.folder for seat in workshop.seats]
    assert len(set(folders)) == len(ids)
    for folder in folders:
        assert re.fullmatch(r"[a-z0-9_-]+", folder), folder
        assert folder not in ("con", "lpt1")
        assert (learners / folder).resolve().parent == learners
    assert workshop.seats[ids.index("ＡＤＡ")].folder == "ada"
    assert sorted(p.name for p in learners.iterdir()) == sorted(folders)


def test_links_file(tmp_path: Path) -> None:
    """learner-links.csv has id, name and url, and a roster name cannot be a formula."""
    roster = tmp_path / "class.csv"
    roster.write_text("id,name\na1,=HYPERLINK(\"x\")\n", encoding="utf-8")
    workshop = Workshop.open(tmp_path / "w", roster_seats(Roster.load(roster)))
    text = write_links(workshop, "https://w.example").read_text()
    token = workshop.tokens.learners["a1"]
    assert text.splitlines() == ["id,name,url",
                                 f"a1,\"'=HYPERLINK(\"\"x\"\")\",https://w.example/join/{token}"]
