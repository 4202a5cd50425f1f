"""Answer cues a guesser exploits are measured and reported as warnings with file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.content.cues import measure_cues
from tutor.content.loader import load_course

FIXTURE = Path(__file__).parent / "fixtures" / "course"
PROMPTS = [
    "Which user does the alpine base image default to?",
    "What does docker run --user override?",
    "Where should USER appear in a multi-stage build?",
    "Why pick a numeric UID over a name?",
    "What happens when a volume's owner differs from the container's UID?",
    "How does Kubernetes runAsNonRoot judge an image?",
    "Which file records the accounts an image knows?",
    "Who owns files that COPY adds without --chown?",
]


def single(index: int, right: int, right_text: str = "") -> str:
    """A four-option single-choice question whose right option is at ``right``."""
    right_text = right_text or f"Sound answer {right} of q{index}."  # as long as the others
    options = "".join(
        f"      - text: {right_text if n == right else f'Wrong answer {n} of q{index}.'}\n"
        + ("" if n == right else "        why: It is not so.\n") for n in range(4))
    return (f"  - id: cue-single-{index}\n    type: single\n    difficulty: easy\n"
            f"    lesson: users\n    prompt: {PROMPTS[index]}\n    options:\n{options}"
            f"    answer: {'abcd'[right]}\n    explanation: Because.\n")


def multiple(index: int, answer: str) -> str:
    """A four-option select-all question with the right letters in ``answer``."""
    options = "".join(f"      - text: Choice {n} of m{index}.\n"
                      + ("" if "abcd"[n] in answer else "        why: It is not so.\n")
                      for n in range(4))
    prompt = ["Which of these keep a process from gaining root?",
              "Which flags narrow what a container may do?",
              "Which files can leak a secret into an image layer?",
              "Which settings does Kubernetes enforce before start?"][index]
    return (f"  - id: cue-multiple-{index}\n    type: multiple\n    difficulty: easy\n"
            f"    lesson: users\n    prompt: {prompt}\n    options:\n{options}"
            f"    answer: [{', '.join(answer)}]\n    explanation: Because.\n")


LONG = "The right option, written out at such length that it stands out from the rest."
PLANTED = "topic: users\nquestions:\n" + "".join(
    single(n, 1, LONG) for n in range(6)) + "".join(multiple(n, "abc") for n in range(4))
BALANCED = "topic: users\nquestions:\n" + "".join(
    single(n, n % 4) for n in range(8)) + "".join(
    multiple(n, answer) for n, answer in enumerate(["ab", "cd", "bd", "ac"]))
# A reworded users-default ("Who does an image with no USER run as?") in another bank.
REWORDED = ("topic: users\nquestions:\n  - id: review-no-user\n    type: true_false\n"
            "    difficulty: easy\n    lesson: users\n"
            "    prompt: An image with no USER line will run as root.\n"
            "    answer: true\n    explanation: The base image's user applies.\n")


def pack(tmp_path: Path, **banks: str) -> Path:
    """The fixture pack with extra question banks, by file stem."""
    root = tmp_path / "pack"
    shutil.copytree(FIXTURE, root)
    for name, text in banks.items():
        (root / "quizzes" / f"{name}.yaml").write_text(text)
    return root


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first ``needle`` after ``after`` in ``text``."""
    start = text.index(after) if after else 0
    return text[:text.index(needle, start)].count("\n") + 1


def test_each_planted_cue_is_a_warning_with_file_and_line(tmp_path: Path) -> None:
    """Longest right options, one letter, one answer set and a reworded prompt are each named."""
    cues = measure_cues(load_course(pack(tmp_path, cues=PLANTED, review=REWORDED)))
    found = {(w.file, w.line, w.message.split(":")[0]) for w in cues.warnings}
    assert all(w.severity == "warning" for w in cues.warnings)
    expected = {("quizzes", 1, "the right option is the strictly longest in 6 of 7 "
                               "single-choice questions (chance")}
    expected |= {("quizzes/cues.yaml", line_of(PLANTED, f"text: {LONG}", f"cue-single-{n}\n"),
                  f"question 'cue-single-{n}'") for n in range(6)}
    expected |= {("quizzes/cues.yaml", line_of(PLANTED, "answer:", f"cue-multiple-{n}\n"),
                  f"question 'cue-multiple-{n}'") for n in range(4)}
    expected |= {("quizzes/users.yaml", 7, "question 'users-default' asks nearly what "
                                           "'review-no-user' (quizzes/review.yaml line 7) asks "
                                           "(67% alike)")}
    positions = [w.message for w in cues.warnings if w.message.startswith("single-choice")]
    assert positions == ["single-choice right answers sit at a 0%, b 100%, c 0%, d 0% (too "
                         "many at b): exports and printouts keep this order, so spread the "
                         "right answers over the letters"]
    assert found - {("quizzes", 1, positions[0].split(":")[0])} == expected
    messages = " ".join(w.message for w in cues.warnings)
    assert "3.7x as long as the longest wrong one (the cue starts at 1.5x)" in messages
    assert "the right answers are a, b, c, as in 4 of the pack's 5 select-all" in messages
    assert "always picking the longest scores 86% where guessing scores 29%" in messages


def test_a_balanced_bank_reports_no_cues(tmp_path: Path) -> None:
    """Even lengths, letters spread evenly, varied answer sets, distinct prompts: no warning."""
    cues = measure_cues(load_course(pack(tmp_path, cues=BALANCED)))
    assert [str(w) for w in cues.warnings] == []
    assert cues.positions == {"a": 2, "b": 3, "c": 2, "d": 2}  # users-default answers b


def test_a_few_questions_are_not_flagged_for_what_chance_allows(tmp_path: Path) -> None:
    """Three right answers at b and one repeated set are too few to call a habit."""
    bank = "topic: users\nquestions:\n" + "".join(single(n, 1) for n in range(2)) + "".join(
        multiple(n, "abc") for n in range(2))
    cues = measure_cues(load_course(pack(tmp_path, cues=bank)))
    assert [str(w) for w in cues.warnings] == []


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_cues_are_in_the_json_and_do_not_fail_the_check(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """content check exits 0 on a pack with only warnings, and its JSON carries the figures."""
    root = pack(tmp_path, cues=PLANTED, review=REWORDED)
    code, out = run(capsys, "content", "check", str(root), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["errors"] == [] and len(report["warnings"]) == 13
    assert {"file": "quizzes/users.yaml", "line": 7, "message": report["warnings"][-1][
        "message"]} == report["warnings"][-1]
    cues = report["cues"]
    assert cues["single_choice"] == {
        "questions": 7, "correct_is_longest": 6, "correct_is_longest_share": 0.857,
        "median_length_ratio": 3.714, "always_longest_score": 0.857, "chance_score": 0.286,
        "longest_by_margin": [f"cue-single-{n}" for n in range(6)], "margin": 1.5}
    assert cues["answer_positions"] == {"a": 0.0, "b": 1.0, "c": 0.0, "d": 0.0}
    assert cues["multiple_answer"] == {"questions": 5, "most_common_set": ["a", "b", "c"],
                                       "most_common_count": 4}
    assert cues["near_duplicates"] == [{"first": "review-no-user", "second": "users-default",
                                        "similarity": 0.67}]
    code, out = run(capsys, "content", "check", str(root))
    assert code == 0
    assert "quizzes/users.yaml:7: warning: question 'users-default' asks nearly" in out
    assert out.rstrip().endswith("no errors, 13 warnings")


def test_errors_still_fail_beside_warnings(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A pack with an error and cues exits 1 and lists the error before the warnings."""
    root = pack(tmp_path, cues=PLANTED)
    quiz = root / "quizzes/users.yaml"
    quiz.write_text(quiz.read_text().replace("answer: b", "answer: z"))
    code, out = run(capsys, "content", "check", str(root))
    lines = out.splitlines()
    assert code == 1 and lines[0].startswith("quizzes/users.yaml:12: question 'users-default'")
    assert "warning:" in lines[1] and "1 error, " in lines[-1]


def test_a_pack_too_large_to_compare_says_so(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the pairwise limit, near-duplicates are not looked for, and a warning says so."""
    monkeypatch.setattr("tutor.content.cues.MOST_COMPARED", 3)
    cues = measure_cues(load_course(pack(tmp_path, review=REWORDED)))
    assert cues.near_duplicates == []
    assert [str(w) for w in cues.warnings] == [
        "quizzes:1: warning: near-duplicate prompts were not looked for: the pack has 6 "
        "questions, more than the 3 compared pairwise: check a part of it at a time"]
