"""The ``content`` commands: check a course pack, print the authors' schemas."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from tutor.content.model import ContentError, Course

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def run_content(args: argparse.Namespace, parser: argparse.ArgumentParser, out: TextIO) -> int:
    """Dispatch ``content check`` and ``content schema``."""
    if args.content_command == "schema":
        from tutor.content.schema import published

        json.dump(published(args.kind), out, indent=2)
        out.write("\n")
        return EXIT_OK
    if args.content_command == "check":
        from tutor.content.check import check_course
        from tutor.content.loader import load_course

        course = load_course(args.directory)
        errors = check_course(course)
        if args.format == "json":
            _write_json(course, errors, out)
        else:
            _write_text(course, errors, out)
        return EXIT_ERRORS if errors else EXIT_OK
    parser.print_usage(sys.stderr)
    print("hardening-tutor: error: say 'content check [DIR]' or 'content schema KIND'",
          file=sys.stderr)
    return EXIT_USAGE


def _write_json(course: Course, errors: list[ContentError], out: TextIO) -> None:
    json.dump({"lessons": len(course.lessons), "exercises": len(course.exercises),
               "questions": len(course.questions),
               "errors": [{"file": e.file, "line": e.line, "message": e.message}
                          for e in errors]}, out, indent=2)
    out.write("\n")


def _write_text(course: Course, errors: list[ContentError], out: TextIO) -> None:
    from rich.text import Text

    from tutor.report.console import make_console
    from tutor.safetext import visible

    console = make_console(out)
    for error in errors:
        line = Text()
        line.append(f"{visible(error.file)}:{error.line}", style="bold")
        line.append(f": {visible(error.message)}")
        console.print(line, soft_wrap=True)
    summary = (f"{visible(course.title or 'course')}: {_count(len(course.lessons), 'lesson')}, "
               f"{_count(len(course.exercises), 'exercise')}, "
               f"{_count(len(course.questions), 'question')}")
    if errors:
        console.print(Text(f"{summary}: {_count(len(errors), 'error')}", style="bold red"))
    else:
        console.print(Text(f"{summary}: no errors", style="bold green"))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"
