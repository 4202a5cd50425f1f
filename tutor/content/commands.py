"""The ``content`` commands: check a course pack, print the authors' schemas."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, TextIO

from tutor.content.model import ContentError, Course
from tutor.errors import ExitCode

if TYPE_CHECKING:
    from tutor.content.cues import Cues


def run_content(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO) -> int:
    """Dispatch ``content check`` and ``content schema``."""
    if args.content_command == "schema":
        from tutor.content.schema import published

        json.dump(published(args.kind), out, indent=2)
        out.write("\n")
        return ExitCode.OK
    if args.content_command == "check":
        from tutor.content.check import check_course
        from tutor.content.cues import measure_cues
        from tutor.content.loader import load_course

        course = load_course(args.directory)
        errors = check_course(course)
        cues = measure_cues(course)
        if args.format == "json":
            _write_json(course, errors, cues, out)
        else:
            _write_text(course, errors, cues.warnings, out)
        # Warnings are for the author to weigh; only errors fail the check.
        return ExitCode.FAILED if errors else ExitCode.OK
    parser.print_usage(sys.stderr)
    print("hardening-tutor: error: say 'content check [DIR]' or 'content schema KIND'",
          file=sys.stderr)
    return ExitCode.USAGE


def _write_json(course: Course, errors: list[ContentError], cues: Cues, out: TextIO) -> None:
    json.dump({"lessons": len(course.lessons), "exercises": len(course.exercises),
               "questions": len(course.questions), "errors": _problems(errors),
               "warnings": _problems(cues.warnings), "cues": cues.to_json()}, out, indent=2)
    out.write("\n")


def _problems(problems: list[ContentError]) -> list[dict[str, str | int]]:
    return [{"file": p.file, "line": p.line, "message": p.message} for p in problems]


def _write_text(course: Course, errors: list[ContentError], warnings: list[ContentError],
                out: TextIO) -> None:
    from rich.text import Text

    from tutor.report.console import make_console
    from tutor.safetext import visible

    console = make_console(out)
    # Errors first, as they fail the check; a warning says so in a word, not colour alone.
    for problem in [*errors, *warnings]:
        line = Text()
        line.append(f"{visible(problem.file)}:{problem.line}", style="bold")
        line.append(": ")
        if problem.severity == "warning":
            line.append("warning:", style="bold yellow")
            line.append(" ")
        line.append(visible(problem.message))
        console.print(line, soft_wrap=True)
    summary = (f"{visible(course.title or 'course')}: {_count(len(course.lessons), 'lesson')}, "
               f"{_count(len(course.exercises), 'exercise')}, "
               f"{_count(len(course.questions), 'question')}")
    noted = f", {_count(len(warnings), 'warning')}" if warnings else ""
    if errors:
        console.print(Text(f"{summary}: {_count(len(errors), 'error')}{noted}",
                           style="bold red"))
    else:
        console.print(Text(f"{summary}: no errors{noted}", style="bold green"))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
