"""Learners known by id: one key for every spelling of a name, and class rosters from CSV."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import REPO
from tutor.errors import TutorError
from tutor.exam.learners import (
    Learner,
    LearnerError,
    Roster,
    RosterError,
    from_name,
    identify,
    identity_key,
)


def roster_file(tmp_path: Path, text: str, *, bom: bool = False) -> Path:
    """A roster file holding ``text`` as UTF-8, with a byte order mark if asked."""
    path = tmp_path / "class.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def load_error(path: Path) -> str:
    """The message a roster that cannot be used is refused with."""
    with pytest.raises(RosterError) as caught:
        Roster.load(path)
    return str(caught.value)


# Typed names ---------------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", [
    "Ada Lovelace", "ada  lovelace", "ADA LOVELACE", "  Ada Lovelace  ", "Ａｄａ Lovelace",
    "Ada\tLovelace", "Ada\nLovelace", "Ada\r\nLovelace", "Ada\u00a0Lovelace", "Ada\u3000Lovelace",
    "Ada \u200bLovelace", "Ada Love\u00adlace",
])
def test_spellings_of_one_name_share_one_key(spelling: str) -> None:
    """Case, width, any run of white space and invisible characters make no second learner."""
    assert identity_key(spelling) == "ada lovelace"


def test_different_names_have_different_keys() -> None:
    """Normalising stops at spelling: two people stay two learners."""
    assert identity_key("Ada Lovelace") != identity_key("Ada Byron")
    assert identity_key("Ada Lovelace") != identity_key("AdaLovelace")


@pytest.mark.parametrize(("one", "other"), [
    ("Jürgen Straße", "JU\u0308RGEN STRASSE"),  # casefold (ß is ss) and composed accents
    ("\u01f0ones", "J\u030cONES"),  # casefold decomposes ǰ; the key is composed again
    ("ﬁona", "FIONA"),  # a ligature
])
def test_unicode_spellings_share_a_stable_key(one: str, other: str) -> None:
    """Beyond ASCII spellings still match, and the stored key is normalised, so it never drifts."""
    key = identity_key(one)
    assert key == identity_key(other)
    assert unicodedata.is_normalized("NFKC", key) and identity_key(key) == key


@pytest.mark.parametrize(("text", "named"), [
    ("Ada\x1b[2J", "U+001B (ESC) at character 4"),
    ("\x9b31mAda", "U+009B (CSI) at character 1"),
    ("Ada\rEve", "U+000D (CR) at character 4"),
    ("A\x7f", "U+007F (DEL) at character 2"),
])
def test_control_characters_are_refused_and_named(text: str, named: str) -> None:
    """A control character in a name is refused, named and placed, never echoed."""
    with pytest.raises(LearnerError) as caught:
        identity_key(text)
    message = str(caught.value)
    assert f"a name cannot hold control characters, and this one has {named}" in message
    assert "type it again with letters, spaces and punctuation only" in message
    assert not any(char in message for char in "\x1b\x9b\r\x7f")
    assert isinstance(caught.value, TutorError)  # the command line reports it, exit 2


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "\u200b\u00ad"])
def test_an_empty_name_is_refused(text: str) -> None:
    """Nothing typed, or only white space or invisible characters, asks for the name."""
    with pytest.raises(LearnerError, match="the exam needs the learner's name"):
        from_name(text)


def test_an_absurdly_long_name_is_refused() -> None:
    """A name over 200 characters is refused with the limit; one of 200 is accepted."""
    with pytest.raises(LearnerError) as caught:
        identity_key("a" * 5_000)
    assert "a name of 5,000 characters is too long (the limit is 200)" in str(caught.value)
    assert identity_key("a" * 200) == "a" * 200


def test_from_name_keeps_the_name_as_typed_for_display() -> None:
    """The display name keeps its case and loses only extra spaces; the id is the key."""
    assert from_name("  Ada \t Lovelace ") == Learner(id="ada lovelace", name="Ada Lovelace",
                                                      source="name")


# Rosters -------------------------------------------------------------------------------------

def test_a_roster_loads_learners_in_file_order(tmp_path: Path) -> None:
    """Each row is a learner with its id as written; empty email and group cells are None."""
    path = roster_file(tmp_path, "id,name,email,group\n"
                                 "A12,Ada Lovelace,ada@example.org,Mon\n"
                                 "b7 , Grace  Hopper ,,\n")
    roster = Roster.load(path)
    assert roster.path == path and len(roster) == 2
    assert roster.learners == (
        Learner(id="A12", name="Ada Lovelace", source="roster", email="ada@example.org",
                group="Mon"),
        Learner(id="b7", name="Grace Hopper", source="roster"))


def test_email_and_group_columns_are_optional(tmp_path: Path) -> None:
    """A roster of ids and names alone loads, and its header is read in any case and spacing."""
    roster = Roster.load(roster_file(tmp_path, " ID , Name \nA12,Ada\n"))
    assert roster.learners == (Learner(id="A12", name="Ada", source="roster"),)


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    """Excel's "CSV UTF-8" starts with a BOM; the first column is still "id"."""
    roster = Roster.load(roster_file(tmp_path, "id,name\r\nA12,Zoë Ådahl\r\n", bom=True))
    assert [(learner.id, learner.name) for learner in roster] == [("A12", "Zoë Ådahl")]


def test_semicolon_separated_rosters_load(tmp_path: Path) -> None:
    """Excel in many locales writes ';': the file loads, and a comma stays inside the name."""
    roster = Roster.load(roster_file(tmp_path, "id;name;group\nA12;Lovelace, Ada;Mon\n"))
    assert roster.learners == (Learner(id="A12", name="Lovelace, Ada", source="roster",
                                       group="Mon"),)


def test_blank_rows_and_unnamed_empty_columns_are_ignored(tmp_path: Path) -> None:
    """Blank lines and the empty, unheaded columns spreadsheets export do not stop a roster."""
    roster = Roster.load(roster_file(tmp_path, "id,name,,\n\nA12,Ada,,\n,,,\nB7,Grace,,\n"))
    assert [learner.id for learner in roster] == ["A12", "B7"]


def test_an_unknown_column_is_refused_by_name(tmp_path: Path) -> None:
    """A misspelt heading is named with the columns a roster may have."""
    message = load_error(roster_file(tmp_path, "id,name,emial\nA12,Ada,ada@example.org\n"))
    assert message == ("class.csv:1: unknown column 'emial'; the columns are id, name, email "
                       "and group").replace("class.csv", str(tmp_path / "class.csv"))


def test_a_missing_name_column_is_refused(tmp_path: Path) -> None:
    """A header with no name column (here misspelt) says so, and names the typo."""
    message = load_error(roster_file(tmp_path, "id,nmae\nA12,Ada\n"))
    assert f"{tmp_path / 'class.csv'}:1: the header has no 'name' column" in message
    assert "unknown column 'nmae'" in message


def test_duplicate_ids_in_different_case_are_refused_with_both_lines(tmp_path: Path) -> None:
    """"A12" and "a12" are one id: the second is refused, naming the first line and why."""
    path = roster_file(tmp_path, "id,name\nA12,Ada\nB7,Grace\na12,Alan\n")
    assert load_error(path) == (
        f"{path}:4: the id 'a12' is already on line 2 as 'A12' (ids match whatever their "
        f"case, width or spacing); give each learner their own id")


def test_a_missing_name_is_refused_with_its_line(tmp_path: Path) -> None:
    """A row without a name is reported on its own line."""
    path = roster_file(tmp_path, "id,name\nA12,Ada\n\nB7, \n")
    assert load_error(path) == f"{path}:4: the row has no name; every learner needs one"


def test_an_unclosed_quote_is_caught_and_lines_still_count(tmp_path: Path) -> None:
    """A quote swallowing the next lines is refused on its line; later lines keep their number."""
    path = roster_file(tmp_path, 'id,name,group\nA12,Ada,"Mon\nB7,Grace,Mon"\n\nC3,,\n')
    assert load_error(path).splitlines()[1:] == [
        f"{path}:2: the group runs on over several lines; a double quote that opens a cell "
        f"must close it, and a line break inside a cell is not allowed",
        f"{path}:5: the row has no name; every learner needs one"]


def test_every_problem_is_listed_with_file_and_line(tmp_path: Path) -> None:
    """All problems are reported at once, one per line, so one pass fixes the file."""
    path = roster_file(tmp_path, "id,name\n,Ada\nB7,Grace,extra\nC\x1b3,Alan\nD4,\"Edsger\n")
    lines = load_error(path).splitlines()
    assert lines == [
        f"{path} has 4 problems; fix them and load it again:",
        f"{path}:2: the row has no id; every learner needs one",
        f"{path}:3: has 3 cells but the header has 2; a value holding ',' needs double quotes "
        f"around it",
        f"{path}:4: the id has U+001B (ESC) at character 2; control characters are not text: "
        f"remove it",
        f"{path}:5: the name runs on over several lines; a double quote that opens a cell must "
        f"close it, and a line break inside a cell is not allowed",
    ]


def test_a_long_list_of_problems_is_cut_after_twenty(tmp_path: Path) -> None:
    """Twenty problems are shown, then how many more there are."""
    path = roster_file(tmp_path, "id,name\n" + "A1,\n" * 25)
    lines = load_error(path).splitlines()
    assert lines[0] == f"{path} has 25 problems; fix them and load it again:"
    assert lines[20] == f"{path}:21: the row has no name; every learner needs one"
    assert lines[21:] == ["and 5 more"]


@pytest.mark.parametrize("text", ["", "\n\n", "id,name\n", "id,name\n\n,\n"])
def test_a_roster_without_learners_is_refused(tmp_path: Path, text: str) -> None:
    """An empty file, or a header with no rows under it, is not a class."""
    message = load_error(roster_file(tmp_path, text))
    assert message.startswith(f"{tmp_path / 'class.csv'}: ")
    assert ("has a header but no learners" in message if text.startswith("id")
            else "is empty; a roster's first row names its columns" in message)


@pytest.mark.parametrize("kind", ["device", "fifo", "directory"])
def test_only_a_regular_file_is_read(kind: str, tmp_path: Path) -> None:
    """/dev/zero, a named pipe or a folder is refused at once, never read."""
    target = {"device": Path("/dev/zero"), "fifo": tmp_path / "pipe",
              "directory": tmp_path}[kind]
    if kind == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(target)
    assert load_error(target).endswith("not a regular file")


def test_a_roster_over_the_limit_is_refused(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A file past the size limit is refused as too large to be a roster."""
    monkeypatch.setattr("tutor.exam.learners.ROSTER_LIMIT", 1024)
    path = roster_file(tmp_path, "id,name\n" + "A1,Ada\n" * 200)
    assert "too large to be a roster file (the limit is 1 KB)" in load_error(path)


def test_a_roster_that_is_not_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    """A Windows-1252 export is refused on the line of the first bad byte, with the fix."""
    path = tmp_path / "class.csv"
    path.write_bytes("id,name\nA1,Ada\nB2,Zoë\n".encode("cp1252"))
    assert load_error(path) == (f'{path}:3: is not UTF-8 text (byte 0xeb); save the roster '
                                f'from your spreadsheet as "CSV UTF-8"')


def test_a_bad_byte_after_a_byte_order_mark_is_found_on_its_line(tmp_path: Path) -> None:
    """The BOM does not shift where the bad byte is said to be."""
    path = tmp_path / "class.csv"
    path.write_bytes(b"\xef\xbb\xbfid,name\nA1,Ada\nB2,Zo\xeb\n")
    assert load_error(path).startswith(f"{path}:3: is not UTF-8 text (byte 0xeb)")


def test_a_utf16_roster_says_how_to_save_it(tmp_path: Path) -> None:
    """Excel's "Unicode Text" export is named, with the format to use instead."""
    path = tmp_path / "class.csv"
    path.write_bytes("id\tname\nA1\tAda\n".encode("utf-16"))
    assert load_error(path) == (f'{path}: is UTF-16 text (Excel\'s "Unicode Text"); save the '
                                f'roster as "CSV UTF-8" instead')


def test_csv_the_reader_cannot_follow_is_reported_on_its_line(tmp_path: Path) -> None:
    """A quote left open over a huge stretch of text is refused where it starts, with the fix."""
    path = roster_file(tmp_path, 'id,name\nA1,Ada\nB2,"Grace' + "x" * 200_000 + "\n")
    assert load_error(path) == (f"{path}:3: cannot be read as CSV from here (field larger "
                                f"than field limit (131072)); a double quote that opens a cell "
                                f"must close it")


def test_a_large_roster_loads(tmp_path: Path) -> None:
    """A roster of 5,000 learners loads whole and finds its last learner."""
    rows = "".join(f"S{number:04},Learner {number},s{number}@example.org,G{number % 12}\n"
                   for number in range(5_000))
    roster = Roster.load(roster_file(tmp_path, "id,name,email,group\n" + rows))
    assert len(roster) == 5_000
    assert roster.find("s4999") == Learner(id="S4999", name="Learner 4999", source="roster",
                                           email="s4999@example.org", group="G7")


# Finding a learner ---------------------------------------------------------------------------

@pytest.fixture
def roster(tmp_path: Path) -> Roster:
    """A roster of two learners."""
    return Roster.load(roster_file(tmp_path, "id,name\nA12,Ada Lovelace\nB7,Grace Hopper\n"))


@pytest.mark.parametrize("typed", ["A12", "a12", " a12 ", "Ａ１２"])
def test_find_matches_an_id_in_any_case_or_width(roster: Roster, typed: str) -> None:
    """The id as typed finds the learner, who keeps the id as the roster writes it."""
    assert roster.find(typed) == Learner(id="A12", name="Ada Lovelace", source="roster")


def test_find_refuses_an_id_not_on_the_roster(roster: Roster) -> None:
    """An unknown id is refused, naming the roster and who to ask."""
    with pytest.raises(LearnerError) as caught:
        roster.find("C99")
    assert str(caught.value) == (f"'C99' is not on the roster ({roster.path}); check the id "
                                 f"with your instructor")


def test_find_shows_hostile_text_harmlessly(roster: Roster) -> None:
    """An escape sequence is refused by name; a bidi override is shown escaped, never raw."""
    with pytest.raises(LearnerError) as caught:
        roster.find("A12\x1b]52;c;aGk=\x07")
    assert "an id cannot hold control characters, and this one has U+001B (ESC) at " \
           "character 4" in str(caught.value)
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)
    with pytest.raises(LearnerError) as caught:
        roster.find("\u202e21A")
    assert "'\\u202e21A' is not on the roster" in str(caught.value)
    assert "\u202e" not in str(caught.value)


def test_identify_uses_the_roster_when_there_is_one(roster: Roster) -> None:
    """With a roster the id decides and a typed name is refused; without one the name does."""
    assert identify("b7", roster).name == "Grace Hopper"
    with pytest.raises(LearnerError, match="'Grace Hopper' is not on the roster"):
        identify("Grace Hopper", roster)
    assert identify("Grace  HOPPER", None) == Learner(id="grace hopper", name="Grace HOPPER",
                                                      source="name")


def test_learner_key_matches_every_spelling_of_the_id(roster: Roster) -> None:
    """A roster learner's key is the id's normalised form, as a typed name's key is."""
    assert roster.find("a12").key == identity_key("A12") == "a12"
    assert from_name("Ada  Lovelace").key == "ada lovelace"


def test_learners_module_does_not_import_textual() -> None:
    """The exam's headless path stays headless: loading a roster never pulls in Textual."""
    code = "import sys, tutor.exam.learners; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, check=True)
    assert result.stdout.strip() == "False"
