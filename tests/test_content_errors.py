"""Each kind of broken course content fails the checker with the right file, line and fix."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.content.check import check_course
from tutor.content.cues import measure_cues
from tutor.content.loader import load_course

FIXTURE = Path(__file__).parent / "fixtures" / "course"
EXERCISE = "lessons/exercises/tiny-user/exercise.yaml"
LESSON = "lessons/01-users.md"
QUIZ = "quizzes/users.yaml"
STARTER = "lessons/exercises/tiny-user/starter/Dockerfile"
SOLUTION = "lessons/exercises/tiny-user/solution/Dockerfile"

Mutation = Callable[[Path], None]


def sub(file: str, old: str, new: str) -> Mutation:
    """Replace text in one file of the pack (the text must be there)."""
    def mutate(root: Path) -> None:
        path = root / file
        text = path.read_text()
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1))
    return mutate


def write(file: str, text: str | bytes) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / file
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return mutate


def remove(file: str) -> Mutation:
    def mutate(root: Path) -> None:
        path = root / file
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return mutate


def fifo(file: str) -> Mutation:
    """Put a named pipe where a course file would be (reading it would block forever)."""
    def mutate(root: Path) -> None:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(root / file)
    return mutate


SECOND_LESSON = LESSON.replace("01-users", "02-more")
PIPE = "lessons/exercises/tiny-user/starter/pipe"
BIG = "lessons/exercises/tiny-user/starter/big.txt"

# (name, mutation, file, line, words the message must contain)
CASES: list[tuple[str, Mutation, str, int, tuple[str, ...]]] = [
    ("unknown key", sub(EXERCISE, "hints:", "hint:"), EXERCISE, 9,
     ("unknown key 'hint'", "did you mean 'hints'?")),
    ("missing key", sub(EXERCISE, "debrief: USER sets who the container's processes run as.\n",
                        ""), EXERCISE, 1, ("has no 'debrief'", "add debrief:")),
    ("wrong type", sub(LESSON, "minutes: 5", "minutes: ten"), LESSON, 8,
     ("'minutes' is text 'ten'", "make it a whole number")),
    ("bad enum", sub(EXERCISE, "difficulty: easy", "difficulty: trivial"), EXERCISE, 3,
     ("use one of easy, medium, hard",)),
    ("invalid yaml", sub(QUIZ, "    type: single\n", "    type: single\n   bad: [\n"), QUIZ, 5,
     ("not valid YAML",)),
    ("duplicate yaml key", sub(EXERCISE, "difficulty: easy\n", "difficulty: easy\ntitle: B\n"),
     EXERCISE, 4, ("'title' is written twice", "first on line 1")),
    ("no front matter", sub(LESSON, "---\nid: users", "id: users"), LESSON, 1,
     ("has no front matter",)),
    ("front matter never ends", write(LESSON, "---\nid: users\n# body\n"), LESSON, 1,
     ("never ends",)),
    ("too few hints", sub(EXERCISE, "  - Add USER 10001 before CMD.\n", ""), EXERCISE, 9,
     ("'hints' has 2 items", "at least 3")),
    ("bad id", sub(QUIZ, "id: users-tf", "id: Users TF"), QUIZ, 26,
     ("lowercase letters, digits and hyphens",)),
    ("duplicate question id", sub(QUIZ, "id: users-tf", "id: users-default"), QUIZ, 26,
     ("question id 'users-default' is also used",)),
    ("duplicate lesson id", write(SECOND_LESSON, (FIXTURE / LESSON).read_text().replace(
        "order: 1", "order: 2").replace("exercises: [tiny-user]", "exercises: []")),
     SECOND_LESSON, 2, ("lesson id 'users' is also used by lessons/01-users.md",)),
    ("duplicate lesson order", write(SECOND_LESSON, (FIXTURE / LESSON).read_text().replace(
        "id: users", "id: more").replace("exercises: [tiny-user]", "exercises: []")),
     SECOND_LESSON, 4, ("order 1 is also used",)),
    ("unknown rule in lesson", sub(LESSON, "rules: [HT101]", "rules: [HT101, HT999]"), LESSON,
     9, ("HT999, which is not a rule",)),
    ("rule id shape", sub(LESSON, "rules: [HT101]", "rules: [ht101]"), LESSON, 9,
     ("a rule id such as HT101",)),
    ("unknown exercise in lesson", sub(LESSON, "exercises: [tiny-user]",
                                       "exercises: [tiny-user, nope]"), LESSON, 10,
     ("'nope', which is not an exercise", "add lessons/exercises/nope/")),
    ("exercise listed by no lesson", sub(LESSON, "exercises: [tiny-user]", "exercises: []"),
     EXERCISE, 1, ("no lesson lists exercise 'tiny-user'",)),
    ("exercise listed twice", write(SECOND_LESSON, (FIXTURE / LESSON).read_text().replace(
        "id: users", "id: more").replace("order: 1", "order: 2")), SECOND_LESSON, 10,
     ("exercise 'tiny-user' is also listed by lessons/01-users.md",)),
    ("broken lesson link", sub(LESSON, "(exercise:tiny-user)", "(lesson:nope)"), LESSON, 15,
     ("link to lesson 'nope', which does not exist",)),
    ("broken rule link", sub(LESSON, "(rule:HT101)", "(rule:HT999)"), LESSON, 14,
     ("link to rule 'HT999'",)),
    ("file link", sub(LESSON, "(exercise:tiny-user)", "(other.md)"), LESSON, 15,
     ("'other.md' cannot be opened in the app", "lesson:ID")),
    ("no check yourself", sub(LESSON, "## Check yourself", "## Summary"), LESSON, 22,
     ("no '## Check yourself' section",)),
    ("empty check yourself", sub(LESSON, "- Who does an image run as when it sets no USER?",
                                 "Think about it."), LESSON, 21, ("holds no list",)),
    ("starter already passes", write(STARTER, (FIXTURE / SOLUTION).read_text()), EXERCISE, 6,
     ("starter already passes the goal",)),
    ("solution fails", write(SOLUTION, "FROM debian:bookworm-slim\nUSER root\n"
                                       "CMD [\"sleep\", \"infinity\"]\n"), EXERCISE, 6,
     ("solution fails 'No HT101 (final-user-root)'", "fires on line 2")),
    ("solution drops the command", write(SOLUTION, "FROM debian:bookworm-slim\nUSER 10001\n"),
     EXERCISE, 8, ("fails 'The image still starts `sleep infinity`'",)),
    ("no structural check", sub(EXERCISE, "  - command: [sleep, infinity]\n", ""), EXERCISE, 1,
     ("no structural check",)),
    ("unknown rule in goal", sub(EXERCISE, "no_finding: HT101", "no_finding: HT999"), EXERCISE,
     6, ("no rule HT999",)),
    ("two kinds in one check", sub(EXERCISE, "  - runs_as_root: false\n",
                                   "  - runs_as_root: false\n    user_numeric: true\n"),
     EXERCISE, 7, ("exactly one kind of check",)),
    ("unknown goal check", sub(EXERCISE, "runs_as_root: false", "runs_as_rot: false"),
     EXERCISE, 7, ("unknown key 'runs_as_rot'", "did you mean 'runs_as_root'?")),
    ("bad regex", sub(EXERCISE, "  - runs_as_root: false\n",
                      "  - instruction: {keyword: RUN, matches: '('}\n"), EXERCISE, 7,
     ("not a valid regular expression",)),
    ("edit names a missing file", sub(EXERCISE, "edit: [Dockerfile]",
                                      "edit: [Dockerfile, compose.yaml]"), EXERCISE, 1,
     ("compose.yaml, which neither starter/ nor solution/ has",)),
    ("missing starter", remove("lessons/exercises/tiny-user/starter"),
     "lessons/exercises/tiny-user/starter", 1, ("needs a starter/ folder",)),
    ("binary exercise file", write(STARTER, b"FROM debian\n\xff\xfe\n"), STARTER, 2,
     ("not UTF-8 text",)),
    ("fifo exercise file", fifo(PIPE), PIPE, 1, ("is a named pipe (FIFO)", "regular files")),
    ("fifo quiz bank", fifo("quizzes/pipe.yaml"), "quizzes/pipe.yaml", 1,
     ("is a named pipe (FIFO)",)),
    ("huge exercise file", write(BIG, b"x" * (1024 * 1024 + 1)), BIG, 1,
     ("too large to be a course file (the limit is 1 MB)",)),
    ("spot answer outside", sub(QUIZ, "answer: 2\n", "answer: 9\n"), QUIZ, 43,
     ("answer line 9 is outside the Dockerfile, which has 3 lines",)),
    ("spot answer on a comment",
     sub(QUIZ, "      USER root\n", "      # run as root\n      USER root\n"), QUIZ, 44,
     ("answer line 2 is blank or a comment",)),
    ("spot answer disagrees with the analyzer", sub(QUIZ, "answer: 2\n", "answer: 1\n"), QUIZ,
     43, ("the analyzer flags HT101 on 2, but the answer is 1",)),
    ("fix-it solution fails", sub(QUIZ, "      USER 10001\n", ""), QUIZ, 54,
     ("question 'users-fix' solution fails 'The image runs as a non-root user'",)),
    ("fix-it starter passes", sub(QUIZ, "      FROM debian:bookworm-slim\n      CMD",
                                  "      FROM debian:bookworm-slim\n      USER 1\n      CMD"),
     QUIZ, 55, ("question 'users-fix' dockerfile already passes the goal",)),
    ("single with two answers", sub(QUIZ, "answer: b", "answer: [a, b]"), QUIZ, 12,
     ("one answer letter",)),
    ("multiple with one answer", sub(QUIZ, "answer: [a, b]", "answer: [a]"), QUIZ, 24,
     ("at least two right options",)),
    ("multiple with every option", sub(QUIZ, "answer: [a, b]", "answer: [a, b, c]"), QUIZ, 24,
     ("at least one wrong one",)),
    ("answer names no option", sub(QUIZ, "answer: b", "answer: e"), QUIZ, 12,
     ("answer 'e' names no option", "from a to b")),
    ("wrong option without why", sub(QUIZ, "        why: EXPOSE documents ports.\n", ""), QUIZ,
     22, ("option c is wrong but has no 'why'",)),
    ("true_false answer", sub(QUIZ, "answer: false", "answer: maybe"), QUIZ, 31,
     ("the answer is 'maybe'", "write answer: true or answer: false")),
    ("key the type does not take", sub(QUIZ, "    answer: false\n",
                                       "    answer: false\n    options: [{text: x}, {text: y}]\n"),
     QUIZ, 32, ("true_false questions take no 'options'",)),
    ("question lesson unknown", sub(QUIZ, "    lesson: users\n    prompt: USER 0",
                                    "    lesson: nope\n    prompt: USER 0"), QUIZ, 29,
     ("draws on lesson 'nope', which does not exist",)),
    ("quiz topic unknown", sub(QUIZ, "topic: users", "topic: nope"), QUIZ, 1,
     ("topic 'nope' is not one of the course's topics",)),
    ("topic without questions", sub("lessons/course.yaml", "    title: Users\n",
                                    "    title: Users\n  - id: empty\n    title: Empty\n"),
     "lessons/course.yaml", 1, ("topic 'empty' has no questions",)),
    ("rule not taught", sub("lessons/course.yaml", "scope: partial", "scope: complete"),
     "lessons/course.yaml", 1, ("rule HT201 links to lesson 'secrets', which this course lacks",)),
    ("missing manifest", remove("lessons/course.yaml"), "lessons/course.yaml", 1,
     ("every course pack needs one",)),
    ("bad format version", sub("lessons/course.yaml", "format_version: 1", "format_version: 2"),
     "lessons/course.yaml", 1, ("format_version' is '2': it must be 1",)),
    # Control characters would reach learners' terminals (issue 13): raw, or by YAML escape.
    ("escape in a lesson title", sub(LESSON, "title: Users in images",
                                     "title: Users\x1b]52;c;cHduZWQ=\x07 in images"),
     LESSON, 3, ("control character U+001B (ESC) at column 13",)),
    ("escape in a lesson body", sub(LESSON, "An image without USER", "An image\x1b[2J without"),
     LESSON, 14, ("control character U+001B (ESC)", "delete it")),
    ("escape in a quiz option", sub(QUIZ, "      - text: nobody", "      - text: no\x9bbody"),
     QUIZ, 9, ("control character U+009B (CSI)",)),
    ("yaml escape in a quiz option", sub(QUIZ, "      - text: nobody",
                                         '      - text: "no\\e]52;c;eA==\\abody"'),
     QUIZ, 9, ("control character U+001B (ESC) (from a YAML escape)",)),
    ("escape in an exercise file", sub(STARTER, "FROM", "FROM\x1b[2J"), STARTER, 1,
     ("control character U+001B (ESC)",)),
    # Exams the course defines (issue 14).
    ("exam with an unknown topic", sub("lessons/course.yaml", "exam:\n",
        "exams:\n  - id: final\n    title: Final\n    topics: [nope]\nexam:\n"),
     "lessons/course.yaml", 8, ("exam 'final' draws from topic nope",)),
    ("exam asks more than the banks hold", sub("lessons/course.yaml", "exam:\n",
        "exams:\n  - id: final\n    title: Final\n    questions: 99\nexam:\n"),
     "lessons/course.yaml", 8, ("asks 99 questions but its topics and types hold",)),
    ("exam with a bad feedback", sub("lessons/course.yaml", "exam:\n",
        "exams:\n  - id: final\n    title: Final\n    feedback: everything\nexam:\n"),
     "lessons/course.yaml", 10, ("use one of score, topics, review",)),
    ("two exams with one id", sub("lessons/course.yaml", "exam:\n",
        "exams:\n  - id: final\n    title: A\n  - id: final\n    title: B\nexam:\n"),
     "lessons/course.yaml", 10, ("exam id 'final' is also used on line 8",)),
]


@pytest.mark.parametrize(("mutation", "file", "line", "words"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_broken_content_is_reported_precisely(tmp_path: Path, mutation: Mutation, file: str,
                                              line: int, words: tuple[str, ...]) -> None:
    """A broken pack yields an error naming the file, the line and what to do."""
    root = tmp_path / "pack"
    shutil.copytree(FIXTURE, root)
    mutation(root)
    errors = check_course(load_course(root))
    assert errors, "the broken pack passed the checker"
    matching = [e for e in errors if all(w in e.message for w in words)]
    assert matching, f"no error mentions {words}: {[str(e) for e in errors]}"
    assert (matching[0].file, matching[0].line) == (file, line), str(matching[0])
    assert ":" in matching[0].message, "the message should say what to do after a colon"


def test_the_fixture_pack_is_valid() -> None:
    """The fixture pack the mutations start from passes the checker."""
    course = load_course(FIXTURE)
    assert check_course(course) == []
    assert (len(course.lessons), len(course.exercises), len(course.questions)) == (1, 1, 5)


_TEXT_FILES = sorted(str(p.relative_to(FIXTURE)) for p in FIXTURE.rglob("*") if p.is_file())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=st.sampled_from(_TEXT_FILES), data=st.data())
def test_mangled_packs_never_crash_the_checker(file: str, data: st.DataObject) -> None:
    """Any edit to any file of a pack gives errors and warnings with lines, never a crash."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "pack"
        shutil.copytree(FIXTURE, root)
        path = root / file
        lines = path.read_text().split("\n")
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "replace", "insert"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        else:
            junk = data.draw(st.text(alphabet=" :-[]{}'\"#|>&*!%@`,?\tabcxyz019\\", max_size=12))
            if action == "replace":
                line = lines[index]
                start = data.draw(st.integers(0, len(line)))
                lines[index] = line[:start] + junk + line[start + len(junk):]
            else:
                lines.insert(index, junk)
        path.write_text("\n".join(lines))
        course = load_course(root)
        errors = check_course(course) + measure_cues(course).warnings
        assert all(e.line >= 1 and e.file and e.message for e in errors)


def test_symlinks_in_exercises_are_refused(tmp_path: Path) -> None:
    """An exercise file that links elsewhere is an error, not something the app would copy."""
    root = tmp_path / "pack"
    shutil.copytree(FIXTURE, root)
    (tmp_path / "outside").write_text("not course content\n")
    (root / "lessons/exercises/tiny-user/starter/notes.txt").symlink_to(tmp_path / "outside")
    errors = check_course(load_course(root))
    assert [str(e) for e in errors] == [
        "lessons/exercises/tiny-user/starter/notes.txt:1: is a symbolic link: exercise files "
        "must be real files, so copy the file in instead"]
