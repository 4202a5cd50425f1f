"""A JSON export cannot lose a line: its seal, verifying several files at once, and each
learner's chain of records."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.test_exam import KEY, finished_record, run
from tutor.content.model import Course
from tutor.exam import export
from tutor.exam.record import KEY_ENV, sign
from tutor.progress.store import ProgressStore

Document = dict[str, Any]


@pytest.fixture
def keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The signing key is configured, as on the host that runs and checks exams."""
    monkeypatch.setenv(KEY_ENV, KEY.secret.decode())


def store_with(course: Course, folder: Path, *names: str) -> Path:
    """A data folder holding one signed, finished attempt for each name, in that order."""
    store = ProgressStore.open(folder, "tester")
    for name in names:
        finished_record(course, store, name=name)
    store.close()
    return folder


def export_json(capsys: pytest.CaptureFixture[str], data: Path, target: Path) -> Path:
    """``results export`` of the data folder to ``target``."""
    code, _, err = run(capsys, "results", "export", "-o", str(target), "--data-dir", str(data))
    assert code == 0, err
    return target


@pytest.fixture
def exported(keyed: None, course: Course, tmp_path: Path,
             capsys: pytest.CaptureFixture[str]) -> Path:
    """A sealed export of three signed attempts."""
    data = store_with(course, tmp_path / "data", "Ada Lovelace", "Grace Hopper", "Alan Turing")
    return export_json(capsys, data, tmp_path / "records.json")


def edit(path: Path, change: Callable[[Document], object]) -> Document:
    """Change the export in ``path`` as someone with a text editor could; the new document."""
    document: Document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document, indent=2))
    return document


def ids(path: Path) -> list[str]:
    return [record["attempt_id"] for record in json.loads(path.read_text())["records"]]


# The seal -----------------------------------------------------------------------------------

def test_an_untouched_export_is_sealed_and_verifies(exported: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The file names its key, count and selection; verify passes it (exit 0)."""
    document = json.loads(exported.read_text())
    assert document["seal"]["key_id"] == KEY.key_id and document["count"] == 3
    assert document["selection"] == {"data_dir": str(exported.parent / "data"), "exam": None}
    code, out, _ = run(capsys, "results", "verify", str(exported))
    assert code == 0 and f"3 record(s), sealed with key {KEY.key_id}" in out
    assert "3 record(s): 3 intact" in out and "✖" not in out


def _remove_middle(document: Document) -> str:
    removed = document["records"].pop(1)
    return f"record for attempt {removed['attempt_id']} was removed"


def _duplicate_first(document: Document) -> str:
    document["records"].append(document["records"][0])
    return f"attempt {document['records'][0]['attempt_id']} appears twice"


def _swap_first_two(document: Document) -> str:
    records = document["records"]
    records[0], records[1] = records[1], records[0]
    return (f"records are in another order: attempt {records[0]['attempt_id']} was sealed as "
            f"record 2 and is now record 1")


def _change(name: str, value: object, message: str) -> Callable[[Document], str]:
    def change(document: Document) -> str:
        document[name] = value
        return message
    return change


@pytest.mark.parametrize("tamper", [
    pytest.param(_remove_middle, id="removed"),
    pytest.param(_duplicate_first, id="duplicated"),
    pytest.param(_swap_first_two, id="reordered"),
    pytest.param(_change("exported_at", "2027-01-01T00:00:00Z", "exported_at was changed"),
                 id="exported_at"),
    pytest.param(_change("format", "hardening-tutor/exam-records/9", "format was changed"),
                 id="format"),
    pytest.param(_change("count", 4, "count says 4 but 3 records are present"), id="count"),
    pytest.param(_change("selection", {"data_dir": "/elsewhere", "exam": None},
                         "selection was changed"), id="selection"),
])
def test_the_seal_says_what_changed(exported: Path, tamper: Callable[[Document], str],
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Each change to the file as a whole fails verify (exit 1), saying what changed."""
    message = tamper(json.loads(exported.read_text()))  # what to expect, from a copy
    edit(exported, tamper)
    code, out, _ = run(capsys, "results", "verify", str(exported))
    assert code == 1 and f"✖ seal: {message}" in out
    assert "other problem(s), listed above: the file does not verify." in out


def test_a_removed_record_leaves_the_others_verifying_but_not_the_file(
        exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every remaining record is intact: only the seal shows one is gone."""
    edit(exported, _remove_middle)
    code, out, _ = run(capsys, "results", "verify", str(exported))
    assert code == 1 and "2 record(s): 2 intact and signed" in out and ", 1 not" not in out
    assert "✖ seal: count says 3 but 2 records are present" in out


def test_a_record_added_from_another_export_is_named(
        exported: Path, course: Course, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A genuine signed record slipped into a sealed file is reported as added."""
    other = export_json(capsys, store_with(course, tmp_path / "other", "Eve"),
                        tmp_path / "other.json")
    [stranger] = json.loads(other.read_text())["records"]
    edit(exported, lambda document: document["records"].append(stranger))
    code, out, _ = run(capsys, "results", "verify", str(exported))
    assert code == 1 and f"✖ seal: record for attempt {stranger['attempt_id']} was added" in out


def test_a_seal_edited_to_match_proves_nothing(exported: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Removing a record from the seal's own list as well breaks the seal's HMAC."""
    def remove_everywhere(document: Document) -> None:
        document["records"].pop()
        document["seal"]["sealed"]["attempts"].pop()
        document["seal"]["sealed"]["count"] = document["count"] = 2
    edit(exported, remove_everywhere)
    code, out, _ = run(capsys, "results", "verify", str(exported))
    assert code == 1
    assert "✖ seal: the seal was changed after the file was sealed, so it proves nothing" in out


def test_an_export_without_a_key_is_unsealed_and_verify_says_so(
        course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Exported where no key is configured, the file says it is unsealed; verify fails it."""
    monkeypatch.setenv(KEY_ENV, KEY.secret.decode())
    data = store_with(course, tmp_path / "data", "Ada Lovelace")
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setattr("tutor.exam.record.key_file", lambda: tmp_path / "none.key")
    target = tmp_path / "records.json"
    code, _, err = run(capsys, "results", "export", "-o", str(target), "--data-dir", str(data))
    assert code == 0 and "unsealed (self-assessed): no signing key is configured" in err
    assert json.loads(target.read_text())["seal"]["method"] == "none"
    code, out, err = run(capsys, "results", "export", "--data-dir", str(data))
    assert code == 0 and json.loads(out)["count"] == 1
    assert "The export is unsealed (self-assessed)" in err
    monkeypatch.setenv(KEY_ENV, KEY.secret.decode())
    code, out, _ = run(capsys, "results", "verify", str(target))
    assert code == 1 and "✖ seal: the file is unsealed (self-assessed)" in out
    assert "1 record(s): 1 intact and signed" in out  # the record itself was signed


def test_an_export_from_an_older_version_has_no_seal(
        exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file with records but no seal could have lost one unseen: it does not verify."""
    edit(exported, lambda document: document.pop("seal"))
    code, out, _ = run(capsys, "results", "verify", str(exported))
    assert code == 1 and "✖ seal: the file has no seal" in out


# Several files --------------------------------------------------------------------------------

def test_verify_checks_several_files_together(
        keyed: None, course: Course, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Two exports of different attempts verify together (exit 0), counted as one set."""
    first = export_json(capsys, store_with(course, tmp_path / "a", "Ada"), tmp_path / "a.json")
    second = export_json(capsys, store_with(course, tmp_path / "b", "Grace"),
                         tmp_path / "b.json")
    code, out, _ = run(capsys, "results", "verify", str(first), str(second))
    assert code == 0 and "2 record(s) in 2 files: 2 intact" in out


def test_an_attempt_in_two_files_is_named_with_both(
        exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same attempt exported twice counts once: the copy names the file of the first."""
    again = export_json(capsys, exported.parent / "data", tmp_path / "again.json")
    first = ids(exported)[0]
    code, out, _ = run(capsys, "results", "verify", str(exported), str(again))
    assert code == 1
    reported_under = out.split(f"{again}: 3 record(s)")[1]
    assert (f"✖ record 1 (attempt {first}, learner 'Ada Lovelace'): attempt {first} appears "
            f"again (first as record 1 of {exported}); each attempt counts once"
            ) in reported_under
    assert "6 record(s) in 2 files: 3 intact and signed" in out and ", 3 not." in out


def test_a_broken_copy_does_not_make_the_intact_one_the_copy(
        exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Changed in the first file, intact in the second: the change fails, not the intact one."""
    again = export_json(capsys, exported.parent / "data", tmp_path / "again.json")
    edit(again, lambda document: document["records"][2]["score"].update(correct=15))
    first, second, third = ids(exported)
    code, out, _ = run(capsys, "results", "verify", str(again), str(exported))
    assert code == 1 and f"(attempt {third}, learner 'Alan Turing'): it was changed" in out
    assert f"attempt {third} appears again" not in out
    assert f"attempt {first} appears again" in out and f"attempt {second} appears again" in out


def test_one_unreadable_file_stops_verify_before_any_report(
        exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing second file is unusable input (exit 2), and nothing is reported."""
    code, out, err = run(capsys, "results", "verify", str(exported), str(tmp_path / "nope"))
    assert code == 2 and "no such file" in err and out == ""


@pytest.mark.parametrize("text", [
    pytest.param("[" * 1_000_000, id="nested a million deep"),
    pytest.param('{"records": [' + "1" * 5000 + "]}", id="a 5000-digit number"),
])
def test_json_python_cannot_hold_is_not_an_export(keyed: None, tmp_path: Path, text: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """JSON too deep or with a number too long for Python is refused (exit 2), not a crash."""
    target = tmp_path / "odd.json"
    target.write_text(text)
    code, _, err = run(capsys, "results", "verify", str(target))
    assert code == 2 and "is not a JSON export" in err


def test_a_policy_adds_its_problems_to_each_record(
        exported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The hook for exam policies: what it finds is listed under the record, and fails it."""
    import io

    from tutor.exam.commands import _verify

    report = io.StringIO()
    code = _verify([exported], report, policy=lambda record: (
        ["not the sign-off exam"] if record["learner"]["name"] == "Grace Hopper" else []))
    assert code == 1 and "record 2 (attempt" in report.getvalue()
    assert "'Grace Hopper'): not the sign-off exam" in report.getvalue()
    assert "3 record(s): 2 intact and signed" in report.getvalue()


# Each learner's chain ------------------------------------------------------------------------

def chained(course: Course, tmp_path: Path, count: int) -> list[dict[str, Any]]:
    """``count`` signed records of one learner, each naming the one before in "previous"."""
    store = ProgressStore.open(tmp_path / "chain-data", "tester")
    base = finished_record(course, store, name="Ada Lovelace")
    store.close()
    records: list[Any] = []
    for number in range(1, count + 1):
        body: Any = {key: value for key, value in base.items() if key != "signature"}
        body.update(attempt_id=f"attempt-{number}", attempt_number=number,
                    learner={"id": "ada", "name": "Ada Lovelace"},
                    previous=records[-1]["signature"]["value"] if records else None)
        records.append(sign(body, KEY))
    return records


def write_export(path: Path, records: list[dict[str, Any]]) -> Path:
    """A sealed export of exactly these records, as 'results export' writes one."""
    path.write_text(export.to_json(records, "2026-11-22T10:00:00Z",
                                   {"data_dir": None, "exam": None}, KEY))
    return path


def test_a_complete_chain_verifies(keyed: None, course: Course, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Three linked records of one learner, all present: exit 0."""
    target = write_export(tmp_path / "all.json", chained(course, tmp_path, 3))
    code, out, _ = run(capsys, "results", "verify", str(target))
    assert code == 0 and "3 record(s): 3 intact" in out


def test_a_missing_middle_record_is_a_gap(keyed: None, course: Course, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Without the middle one of three, the file is sealed and intact, yet a gap is named."""
    first, _, third = chained(course, tmp_path, 3)
    target = write_export(tmp_path / "gap.json", [first, third])
    code, out, _ = run(capsys, "results", "verify", str(target))
    assert code == 1 and "✖ seal" not in out and "2 record(s): 2 intact" in out
    assert "✖ a gap: the record before attempt attempt-3 (learner ada) is missing" in out


def test_a_chain_may_run_across_files(keyed: None, course: Course, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The middle record in another file closes the gap."""
    first, middle, third = chained(course, tmp_path, 3)
    outer = write_export(tmp_path / "outer.json", [first, third])
    inner = write_export(tmp_path / "inner.json", [middle])
    code, out, _ = run(capsys, "results", "verify", str(outer), str(inner))
    assert code == 0 and "gap" not in out
