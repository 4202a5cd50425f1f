"""``hardening-tutor exercise check ID [DIR]``: judge a folder against an exercise's goal.

For instructors grading submissions and for course-pack CI. The folder is read the way the
workbench reads a learner's exercise folder (one walk, bounded reads) and judged by the same
goal, default checks included. Nothing in it is run.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Collection
from pathlib import Path
from typing import TextIO

from tutor.analysis.compose import COMPOSE_NAMES
from tutor.analysis.disk import list_folder, read_ignore_file
from tutor.analysis.folder import BuildFolder, analyze_folder
from tutor.analysis.source import read_source
from tutor.content.judge import WITHOUT_DOCKERFILE, GoalResult, goal_files, judge
from tutor.content.model import Course, Exercise, Goal
from tutor.errors import ExitCode, InputError, TutorError
from tutor.safeio import read_limited
from tutor.safetext import json_dumps, visible

# A workflow or an ignore file is a few kilobytes; this bounds a hostile one.
GOAL_FILE_LIMIT = 1_000_000

EPILOG = """\
exit status: 0 when every check of the goal holds, 1 when one does not, 2 when the exercise
id, the folder or the course pack cannot be used.

The goal is the one the app shows, with the checks every goal holds: no warning or error
left but those the exercise allows, an image that builds, and a container that can start.
"""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``exercise check ID [DIR] [--content PACK] [--format text|json]``."""
    exercise = commands.add_parser(
        "exercise", help="judge a folder against an exercise's goal",
        description="Work with the course's exercises from the command line.")
    sub = exercise.add_subparsers(dest="exercise_command", metavar="COMMAND")
    check = sub.add_parser(
        "check", help="judge a folder against an exercise's goal",
        description="Judge a learner's folder (a submission) against an exercise's goal, "
                    "check by check, as the app does.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("exercise", metavar="ID", help="the exercise id, such as root-add-user")
    check.add_argument("directory", nargs="?", type=Path, default=Path("."), metavar="DIR",
                       help="the folder to judge (default: the current folder)")
    check.add_argument("--content", type=Path, metavar="PACK",
                       help="a course pack folder (default: the course that ships with "
                            "hardening-tutor)")
    check.add_argument("--format", "-f", choices=("text", "json"), default="text",
                       help="output format (default: text)")


def run_exercise(args: argparse.Namespace, parser: argparse.ArgumentParser,
                 out: TextIO) -> int:
    """Dispatch ``exercise check``."""
    if args.exercise_command != "check":
        parser.print_usage(sys.stderr)
        print("hardening-tutor: error: say 'exercise check ID [DIR]'", file=sys.stderr)
        return ExitCode.USAGE
    from tutor.content.loader import load_course

    course = load_course(args.content)
    exercise = _exercise(course, args.exercise)
    result = judge_folder(exercise, args.directory)
    if args.format == "json":
        out.write(json_dumps(_as_json(exercise, args.directory, result)) + "\n")
    else:
        _write_text(exercise, args.directory, result, out)
    return ExitCode.OK if result.passed else ExitCode.FAILED


def _exercise(course: Course, wanted: str) -> Exercise:
    exercise = course.exercises.get(wanted)
    if exercise is not None:
        return exercise
    if not course.exercises:
        problem = f"; it has errors ({course.errors[0].message})" if course.errors else ""
        raise InputError(f"the course pack has no exercises{problem}: run 'hardening-tutor "
                         f"content check' on it")
    close = difflib.get_close_matches(wanted, list(course.exercises), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise InputError(f"no exercise '{wanted}'{hint}; the course has: "
                     f"{', '.join(sorted(course.exercises))}")


def judge_folder(exercise: Exercise, root: Path) -> GoalResult:
    """Read ``root`` as a learner's exercise folder and judge it; InputError if unusable."""
    if not root.is_dir():
        what = "does not exist" if not root.exists() else "is not a folder"
        raise InputError(f"{root}: {what}; give the folder that holds the learner's files")
    listing = list_folder(root)
    dockerfile = exercise.goal.dockerfile
    compose = next((n for n in COMPOSE_NAMES if n in listing.paths), None)
    texts = read_ignore_file(root, dockerfile)
    read_goal_files(exercise.goal, root, listing.paths, texts)
    judges_dockerfile = any(c.kind not in WITHOUT_DOCKERFILE for c in exercise.goal.checks)
    if dockerfile not in listing.paths and compose is None and (
            judges_dockerfile or not goal_files(exercise.goal, texts) & texts.keys()):
        raise InputError(f"{root}: no {dockerfile} and no compose file here, so this is not "
                         f"a folder for exercise {exercise.id}")
    for name in (dockerfile, compose):
        if name is not None and name in listing.paths:
            try:
                texts[name] = read_source(root / name).text
            except TutorError as exc:
                raise InputError(f"{root / name}: {exc}") from None
    folder = BuildFolder(texts, listing, dockerfile, compose, str(root))
    present = {p for p in listing.paths if p not in listing.special}
    return judge(exercise.goal, analyze_folder(folder), present, texts=texts)


def read_goal_files(goal: Goal, root: Path, paths: Collection[str],
                    texts: dict[str, str]) -> None:
    """Add to ``texts`` the files the goal's scan checks read that are in the folder.

    Twice: the workflows first, then the ignore files they name. Only listed paths are read
    (the walk never leaves the folder), each bounded; an unreadable one counts as absent.
    """
    for _ in range(2):
        for name in sorted(goal_files(goal, texts) - texts.keys()):
            if name not in paths:
                continue
            try:
                data = read_limited(root / name, GOAL_FILE_LIMIT, name)
            except InputError:
                continue
            texts[name] = data.decode("utf-8", errors="replace")


def _as_json(exercise: Exercise, root: Path, result: GoalResult) -> dict[str, object]:
    return {
        "exercise": exercise.id,
        "folder": str(root),
        "met": result.passed,
        "checks": [{"kind": r.check.kind, "label": r.check.label, "passed": r.passed,
                    "detail": r.detail} for r in result.results],
    }


def _write_text(exercise: Exercise, root: Path, result: GoalResult, out: TextIO) -> None:
    out.write(f"{visible(exercise.title)} ({exercise.id}), in {visible(str(root))}\n")
    for outcome in result.results:
        mark = "✓" if outcome.passed else "✖"
        out.write(f"  {mark} {visible(outcome.check.label)}\n")
        if not outcome.passed and outcome.detail:
            out.write(f"      {visible(outcome.detail)}\n")
    failed = sum(not r.passed for r in result.results)
    if failed:
        out.write(f"goal not met: {failed} of {len(result.results)} checks fail\n")
    else:
        out.write(f"goal met: all {len(result.results)} checks hold\n")
