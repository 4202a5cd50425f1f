"""The checks that need the whole course or the analyzer: links, coverage, and graded answers.

``check_course`` proves what an author cannot see by reading one file: that ids are unique,
that every link lands, that every rule is taught, that each exercise's starter fails its goal
and its solution passes, and that spot-the-line and fix-it answers agree with the analyzer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from tutor.analysis.engine import analyze_dockerfile
from tutor.analysis.rules import RULES
from tutor.content.judge import WITHOUT_DOCKERFILE, GoalResult, evaluate
from tutor.content.model import ContentError, Course, Exercise, Goal, Lesson, Question

# Goal checks that tie a solution to the starter's substance (scan_gate: the workflow still
# scans the image).
STRUCTURAL = frozenset({"command", "base_image", "installs", "instruction", "sent", "services",
                        "scan_gate"})
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SCHEMES = ("http://", "https://", "mailto:", "#")
_CHECK_YOURSELF = re.compile(r"^##\s+Check yourself\s*$", re.IGNORECASE)


def check_course(course: Course, today: dt.date | None = None) -> list[ContentError]:
    """Every problem in the course: what loading found, then the cross-checks."""
    errors = list(course.errors)
    errors.extend(_lesson_checks(course))
    if course.scope == "complete":
        errors.extend(_rule_coverage(course))
    for exercise in course.exercises.values():
        errors.extend(_exercise_checks(exercise, today))
    errors.extend(_question_checks(course, today))
    errors.extend(_exam_checks(course))
    errors.extend(_roster_check(course))
    return sorted(set(errors), key=lambda e: (e.file, e.line, e.message))


def _lesson_checks(course: Course) -> Iterable[ContentError]:
    if not course.lessons:
        yield ContentError("lessons", 1, "the course has no lessons: add lessons/NN-name.md "
                                         "files (see lessons/README.md)")
    seen: dict[str, Lesson] = {}
    orders: dict[int, Lesson] = {}
    owner: dict[str, Lesson] = {}
    for lesson in course.lessons:
        if lesson.id in seen:
            yield ContentError(lesson.file, lesson.line_of("id"),
                               f"lesson id '{lesson.id}' is also used by {seen[lesson.id].file}: "
                               f"give each lesson its own id")
        seen.setdefault(lesson.id, lesson)
        if lesson.order in orders:
            yield ContentError(lesson.file, lesson.line_of("order"),
                               f"order {lesson.order} is also used by "
                               f"{orders[lesson.order].file}: give each lesson its own order")
        orders.setdefault(lesson.order, lesson)
        for rule_id in lesson.rules:
            if rule_id not in RULES:
                yield ContentError(lesson.file, lesson.line_of("rules"),
                                   f"rules: lists {rule_id}, which is not a rule: use ids from "
                                   f"'hardening-tutor rules'")
        for exercise_id in lesson.exercises:
            if exercise_id not in course.exercises:
                yield ContentError(lesson.file, lesson.line_of("exercises"),
                                   f"exercises: lists '{exercise_id}', which is not an exercise: "
                                   f"add lessons/exercises/{exercise_id}/ or fix the id")
            elif exercise_id in owner:
                yield ContentError(lesson.file, lesson.line_of("exercises"),
                                   f"exercise '{exercise_id}' is also listed by "
                                   f"{owner[exercise_id].file}: list it in one lesson only")
            else:
                owner[exercise_id] = lesson
        yield from _body_checks(lesson, course)
    for exercise in course.exercises.values():
        if exercise.id not in owner:
            yield ContentError(exercise.file, 1,
                               f"no lesson lists exercise '{exercise.id}': add it to a lesson's "
                               f"exercises: so learners can reach it")


def _body_checks(lesson: Lesson, course: Course) -> Iterable[ContentError]:
    lines = lesson.body.split("\n")
    heading = next((i for i, line in enumerate(lines) if _CHECK_YOURSELF.match(line)), None)
    if heading is None:
        last = max((i for i, line in enumerate(lines) if line.strip()), default=0)
        yield ContentError(lesson.file, lesson.body_line + last,
                           "the lesson has no '## Check yourself' section: end it with that "
                           "heading and a short list of questions")
    else:
        rest = lines[heading + 1:]
        if not any(re.match(r"^\s*([-*+]|\d+[.)])\s+\S", line) for line in rest):
            yield ContentError(lesson.file, lesson.body_line + heading,
                               "'## Check yourself' holds no list: add '- ' items under it")
    in_fence = False
    for index, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence:
            continue
        for match in _LINK.finditer(line):
            problem = _link_problem(match.group(1), course)
            if problem:
                yield ContentError(lesson.file, lesson.body_line + index, problem)


def _link_problem(target: str, course: Course) -> str | None:
    """Why a link in a lesson goes nowhere, if it does."""
    scheme, _, name = target.partition(":")
    if target.startswith(_SCHEMES):
        return None
    if scheme == "lesson":
        return None if course.lesson(name) else (
            f"link to lesson '{name}', which does not exist: use one of "
            f"{', '.join(x.id for x in course.lessons)}")
    if scheme == "exercise":
        return None if name in course.exercises else (
            f"link to exercise '{name}', which does not exist: check the folder name under "
            f"lessons/exercises/")
    if scheme == "rule":
        return None if name in RULES else (
            f"link to rule '{name}', which does not exist: use an id from "
            f"'hardening-tutor rules'")
    return (f"link target '{target}' cannot be opened in the app: use lesson:ID, exercise:ID, "
            f"rule:ID or an https:// address")


def _rule_coverage(course: Course) -> Iterable[ContentError]:
    for rule in RULES.values():
        home = course.lesson(rule.lesson)
        if home is None:
            yield ContentError("lessons/course.yaml", 1,
                               f"rule {rule.id} links to lesson '{rule.lesson}', which this "
                               f"course lacks: add a lesson with id: {rule.lesson}, or set "
                               f"scope: partial")
        elif rule.id not in home.rules:
            yield ContentError(home.file, home.line_of("rules"),
                               f"rule {rule.id} ({rule.name}) links to this lesson, but rules: "
                               f"does not list it: add {rule.id}")


def _exercise_checks(exercise: Exercise, today: dt.date | None) -> Iterable[ContentError]:
    file = exercise.file
    folder = file.rsplit("/", 1)[0]
    solved = exercise.solved_files()
    judges_dockerfile = any(c.kind not in WITHOUT_DOCKERFILE for c in exercise.goal.checks)
    if exercise.goal.dockerfile not in exercise.starter and judges_dockerfile:
        yield ContentError(file, 1, f"starter/ has no {exercise.goal.dockerfile}, which the goal "
                                    f"judges: add it, or set dockerfile: to the right name")
    for path in exercise.edit:
        if path not in solved:
            yield ContentError(file, 1, f"edit: lists {path}, which neither starter/ nor "
                                        f"solution/ has: add it to one of them")
    for path in exercise.solution:
        if path not in exercise.edit and path in exercise.starter:
            yield ContentError(file, 1, f"solution/{path} changes a file the learner is not "
                                        f"asked to edit: add {path} to edit:")
    if not any(check.kind in STRUCTURAL for check in exercise.goal.checks):
        yield ContentError(file, 1, "the goal has no structural check, so deleting the file's "
                                    "content would pass: add one of "
                                    f"{', '.join(sorted(STRUCTURAL))}")
    yield from _graded(exercise.goal, exercise.starter, solved, file, today,
                       f"{folder}/starter", f"{folder}/solution")


def _graded(goal: Goal, starter: Mapping[str, str], solved: Mapping[str, str], file: str,
            today: dt.date | None, starter_name: str, solution_name: str,
            ) -> Iterable[ContentError]:
    """The starter must fail the goal and the solution must pass it, check by check."""
    if not goal.checks:
        return
    before = evaluate(goal, starter, today)
    if before.passed:
        yield ContentError(file, goal.checks[0].line,
                           f"{starter_name} already passes the goal, so there is nothing to "
                           f"fix: make it break at least one check")
    after = evaluate(goal, solved, today)
    yield from _failures(after, file, solution_name)


def _failures(result: GoalResult, file: str, solution_name: str) -> Iterable[ContentError]:
    for outcome in result.results:
        if not outcome.passed:
            yield ContentError(file, outcome.check.line,
                               f"{solution_name} fails '{outcome.check.label}' ({outcome.detail}): "
                               f"fix the solution, or the goal")


def _question_checks(course: Course, today: dt.date | None) -> Iterable[ContentError]:
    counts = Counter(q.id for q in course.questions)
    first: dict[str, Question] = {}
    for question in course.questions:
        if counts[question.id] > 1 and question.id in first:
            yield ContentError(question.file, question.key_lines.get("id", question.line),
                               f"question id '{question.id}' is also used in "
                               f"{first[question.id].file} line {first[question.id].line}: "
                               f"give each question its own id")
        first.setdefault(question.id, question)
        if course.lesson(question.lesson) is None:
            yield ContentError(question.file, question.key_lines.get("lesson", question.line),
                               f"question '{question.id}' draws on lesson '{question.lesson}', "
                               f"which does not exist: use one of "
                               f"{', '.join(x.id for x in course.lessons)}")
        if question.type == "spot_the_line":
            yield from _spot_checks(question, today)
        elif question.type == "fix_it" and question.goal is not None:
            yield from _graded(question.goal, {"Dockerfile": question.dockerfile or ""},
                               {"Dockerfile": question.solution or ""}, question.file, today,
                               f"question '{question.id}' dockerfile",
                               f"question '{question.id}' solution")
    for topic in course.topics:
        if not any(q.topic == topic.id for q in course.questions):
            yield ContentError("lessons/course.yaml", 1,
                               f"topic '{topic.id}' has no questions: add quizzes/{topic.id}.yaml "
                               f"or remove the topic")


def _exam_checks(course: Course) -> Iterable[ContentError]:
    """Each exam names topics the course has, and its banks can serve what it promises."""
    file = "lessons/course.yaml"
    seen: dict[str, int] = {}
    known = {topic.id for topic in course.topics}
    for exam in course.exams:
        if exam.id in seen:
            yield ContentError(file, exam.line, f"exam id '{exam.id}' is also used on line "
                                                f"{seen[exam.id]}: give each exam its own id")
        seen.setdefault(exam.id, exam.line)
        unknown = [topic for topic in exam.topics if topic not in known]
        if unknown:
            yield ContentError(file, exam.line, f"exam '{exam.id}' draws from topic "
                                                f"{', '.join(unknown)}, which the course does "
                                                f"not have: use one of {', '.join(sorted(known))}")
            continue
        topics = exam.topics or tuple(sorted(known))
        types = set(exam.types) or None
        pools = {topic: sum(1 for q in course.questions if q.topic == topic
                            and (types is None or q.type in types)) for topic in topics}
        if exam.questions is not None:
            if sum(pools.values()) < exam.questions:
                yield ContentError(file, exam.line, f"exam '{exam.id}' asks {exam.questions} "
                                                    f"questions but its topics and types hold "
                                                    f"{sum(pools.values())}: ask fewer, or add "
                                                    f"questions")
            continue
        short = [f"{topic} ({count})" for topic, count in pools.items()
                 if count < (exam.per_topic or 1)]
        if short:
            yield ContentError(file, exam.line, f"exam '{exam.id}' asks {exam.per_topic} "
                                                f"questions a topic, but these topics hold "
                                                f"fewer of its types: {', '.join(short)}: ask "
                                                f"fewer, or add questions")


def _roster_check(course: Course) -> Iterable[ContentError]:
    """The roster course.yaml names must load: exams identify learners by it."""
    from tutor.errors import TutorError
    from tutor.exam.learners import course_roster

    if course.roster is None:
        return
    try:
        course_roster(course)
    except TutorError as exc:
        yield ContentError("lessons/course.yaml", 1, f"roster: {exc}")


def _spot_checks(question: Question, today: dt.date | None) -> Iterable[ContentError]:
    text = question.dockerfile or ""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    answers = question.answer if isinstance(question.answer, tuple) else ()
    at = question.key_lines.get("answer", question.line)
    for number in answers:
        if not 1 <= number <= len(lines):
            yield ContentError(question.file, at,
                               f"question '{question.id}': answer line {number} is outside the "
                               f"Dockerfile, which has {len(lines)} lines: count from 1 at its "
                               f"first line")
        elif not lines[number - 1].strip() or lines[number - 1].lstrip().startswith("#"):
            yield ContentError(question.file, at,
                               f"question '{question.id}': answer line {number} is blank or a "
                               f"comment: point at an instruction")
    if question.rule is None:
        return
    if question.rule not in RULES:
        yield ContentError(question.file, question.key_lines.get("rule", question.line),
                           f"question '{question.id}': rule {question.rule} does not exist: use "
                           f"an id from 'hardening-tutor rules'")
        return
    flagged = sorted({f.line for f in analyze_dockerfile(text, today=today).findings
                      if f.rule == question.rule})
    if tuple(flagged) != answers:
        shown = ", ".join(str(n) for n in flagged) or "no line"
        yield ContentError(question.file, at,
                           f"question '{question.id}': the analyzer flags {question.rule} on "
                           f"{shown}, but the answer is {', '.join(map(str, answers))}: make "
                           f"them agree")
