"""The ``hardening-tutor`` command line; the headless commands never import Textual."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from tutor import __version__
from tutor.errors import ExitCode, TutorError
from tutor.report import FORMATS
from tutor.safetext import visible

_DESCRIPTION = """\
Learn to harden containers, and lint Dockerfiles and compose files for it.

Run it with no command to open the course, or with a path to open the workbench:
  hardening-tutor                  the course: lessons, exercises, practice quizzes
  hardening-tutor Dockerfile       live findings while you edit (a folder works too)

Commands:
  check PATH...   analyse Dockerfiles, compose files or directories (for CI)
  rules           list every rule with its topic, severity, lesson and peer ids
  explain ID      explain one rule, with a failing and a passing Dockerfile
  content check   validate the course (or your own course pack)
  content schema  print the JSON Schema for a kind of course file
  exercise check  judge a folder (a learner's submission) against an exercise's goal
  exam            take a timed sign-off exam
  results         list, export (JSON, CSV, xAPI) or verify exam records
  serve           serve the course to a class, in their browsers
"""

_CHECK_EPILOG = """\
exit status: 0 when nothing is at or above the failure threshold, 1 when something
is, 2 when a path or file cannot be used (missing, binary, unreadable, too large,
not a regular file).

configuration: .hardening-tutor.toml, or [tool.hardening-tutor] in pyproject.toml,
found from the current directory upwards (stopping at the repository root):
  ignore = ["HT402", "DL3007"]          # our ids or hadolint/Trivy/Checkov ids
  failure-threshold = "error"
  trusted-nonroot-images = ["registry.example.com/base/*"]
  [severity]
  HT104 = "warning"

inline: '# hardening-tutor ignore=HT101' above an instruction; hadolint's
'# hadolint ignore=DL3002' and Checkov's '# checkov:skip=CKV_DOCKER_3' work too.

compact lines read 'path:line:col: severity RULE message'; a Dockerfile read from
standard input ('check -') is reported as '-'.
"""


def diagnose(level: str, message: str) -> None:
    """Print ``hardening-tutor: error: ...`` to stderr; file names in it are shown safely."""
    print(f"hardening-tutor: {level}: {visible(message)}", file=sys.stderr)


_USAGE = """\
hardening-tutor [--data-dir DIR] [--content DIR] [--learner NAME] [PATH]
       hardening-tutor COMMAND [options]   (hardening-tutor COMMAND --help for each)"""


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser, with one sub-parser per command.

    With ``command``, the sub-parsers of exercise, exam and results, and serve are built only
    for their own command: building them imports the modules that run them (the exercise
    judge and the whole analysis, the exam, the server), which a one-file ``check`` in CI or
    an editor must not pay for at every start.
    """
    parser = argparse.ArgumentParser(
        prog="hardening-tutor", usage=_USAGE, description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"hardening-tutor {__version__}")
    # Listed for --help, where people look for them. They belong to the app, which has its
    # own parser (tutor.app.command); one given before a COMMAND is refused in main().
    add_app_options(parser.add_argument_group(
        "options of the app (with no COMMAND, or with a PATH)"), dest_prefix=APP_OPTION)
    # prog: each command's usage starts "hardening-tutor check", not with the usage above.
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", prog="hardening-tutor")

    check = commands.add_parser(
        "check", help="analyse Dockerfiles, compose files or directories",
        description="Analyse Dockerfiles, compose files or directories and report findings.",
        epilog=_CHECK_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="+", metavar="PATH",
                       help="a Dockerfile (any name), a compose file, or a directory; - reads "
                            "a Dockerfile from standard input")
    check.add_argument("--format", "-f", choices=tuple(FORMATS), metavar="FORMAT",
                       help="text (the default in a terminal), compact (one line a finding: "
                            "the default in a pipe or a CI log), json, sarif, github (workflow "
                            "commands that annotate a pull request), checkstyle, junit or "
                            "gitlab (Code Quality report); all go to stdout")
    check.add_argument("--no-color", action="store_true",
                       help="no colour, as with NO_COLOR set (output that is not a terminal "
                            "never has any)")
    check.add_argument("--failure-threshold", "-t", choices=("error", "warning", "info", "none"),
                       help="lowest severity that makes the exit status 1 (default: warning, "
                            "or the config file's)")
    check.add_argument("--target", metavar="STAGE",
                       help="the build stage to judge as the final image (default: the last)")
    check.add_argument("--config", type=Path, metavar="FILE",
                       help="read this config file instead of searching for one")
    check.add_argument("--no-config", action="store_true", help="ignore any config file")

    rules = commands.add_parser("rules", help="list every rule",
                                description="List every rule: id, name, topic, severity, "
                                            "lesson and the equivalent peer ids.")
    rules.add_argument("--format", "-f", choices=("text", "json"), default="text",
                       help="output format (default: text)")

    explain = commands.add_parser("explain", help="explain one rule with examples",
                                  description="Explain a rule: why it matters, how to fix it, "
                                              "and a failing and a passing Dockerfile.")
    explain.add_argument("rule", metavar="ID",
                         help="a rule id such as HT101, or a peer id such as DL3002")

    content = commands.add_parser(
        "content", help="validate course content, or print its schemas",
        description="Work with course content: the shipped course, or a course pack folder "
                    "(lessons/ and quizzes/) for your own workshop.")
    content_commands = content.add_subparsers(dest="content_command", metavar="COMMAND")
    content_check = content_commands.add_parser(
        "check", help="validate a course pack",
        description="Validate every lesson, exercise and question: schema, ids, links, rule "
                    "coverage, and that each exercise's starter fails its goal and its "
                    "solution passes.",
        epilog="exit status: 0 when the course is valid, 1 when it has errors, 2 when the "
               "folder is not a course pack.")
    content_check.add_argument("directory", nargs="?", type=Path, metavar="DIR",
                               help="a course pack folder (default: the course that ships "
                                    "with hardening-tutor)")
    content_check.add_argument("--format", "-f", choices=("text", "json"), default="text",
                               help="output format (default: text)")
    content_schema = content_commands.add_parser(
        "schema", help="print a JSON Schema for authors",
        description="Print the JSON Schema of one kind of course file, for editors' YAML "
                    "support.")
    content_schema.add_argument("kind", choices=("course", "lesson", "exercise", "quiz"),
                                help="course (lessons/course.yaml), lesson (front matter), "
                                     "exercise (exercise.yaml) or quiz (quizzes/*.yaml)")
    if command in (None, "exercise"):
        from tutor.content.exercise_command import add_parser as add_exercise_parser

        add_exercise_parser(commands)
    if command in (None, "exam", "results"):
        from tutor.exam.commands import add_parsers

        add_parsers(commands)
    if command in (None, "serve"):
        from tutor.serve.command import add_parser as add_serve_parser

        add_serve_parser(commands)
    return parser


COMMANDS = ("check", "rules", "explain", "content", "exercise", "exam", "results", "serve")


APP_OPTION = "app_option_"


# The app's options: where progress and the course come from, and workshop mode. Each takes
# a value, which _first_word skips; each help is one line at 80 columns (the README's app
# section says more).
APP_OPTIONS: dict[str, dict[str, Any]] = {
    "--data-dir": {"type": Path, "metavar": "DIR",
                   "help": "keep progress in DIR (default: your user data folder)"},
    "--content": {"type": Path, "metavar": "DIR",
                  "help": "teach the course pack in DIR, not the shipped course"},
    "--learner": {"metavar": "NAME",
                  "help": "keep progress under NAME (default: your login name)"},
    "--confined": {"type": Path, "metavar": "DIR",
                   "help": "workshop mode: progress in DIR, files only under it"},
    "--learner-name": {"metavar": "NAME",
                       "help": "with --confined and --learner ID: whom exams are for"},
}


def add_app_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup, *,
                    dest_prefix: str = "", helps: dict[str, str] | None = None) -> None:
    """Add the app's options to ``parser``; with ``helps``, only those, with that help."""
    for name, spec in APP_OPTIONS.items():
        if helps is None or name in helps:
            parser.add_argument(name, dest=dest_prefix + name[2:].replace("-", "_"),
                                **(spec | ({"help": helps[name]} if helps else {})))


def _wants_app(argv: Sequence[str]) -> bool:
    """True unless the first word that is not an option is a command (or help/version)."""
    if any(w in ("-h", "--help", "--version") for w in argv[:1]):
        return False
    word = _first_word(argv)
    return word is None or word not in COMMANDS


def _first_word(argv: Sequence[str]) -> str | None:
    """The first word that is neither an option nor the value of an app option."""
    skip = False
    for word in argv:
        if skip:
            skip = False
            continue
        if word in APP_OPTIONS:
            skip = True
            continue
        if word.startswith("-"):
            continue
        return word
    return None


def _parser_needed(argv: Sequence[str]) -> str | None:
    """The command these words run, or None when help must list every command."""
    if argv and argv[0] in ("-h", "--help"):
        return None
    command = _first_word(argv)
    return command if command in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    if _wants_app(words):
        try:
            from tutor.app.command import run_app

            return run_app(words)
        except TutorError as exc:
            diagnose("error", str(exc))
            return exc.exit_code
    parser = build_parser(_parser_needed(words))
    args = parser.parse_args(words)
    given = [f"--{name[len(APP_OPTION):].replace('_', '-')}" for name, value in vars(args).items()
             if name.startswith(APP_OPTION) and value is not None]
    if given:
        parser.error(f"{given[0]} is an option of the app, not of '{args.command}': put it "
                     f"after the command if it takes one (hardening-tutor {args.command} "
                     f"--help)")
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            from tutor.analysis.rules import RULES
            from tutor.report.rules import write_catalogue

            write_catalogue(RULES.values(), sys.stdout, fmt=args.format)
            return ExitCode.OK
        if args.command == "explain":
            return _explain(args.rule, sys.stdout)
        if args.command == "content":
            from tutor.content.commands import run_content

            return run_content(args, parser, sys.stdout)
        if args.command == "exercise":
            from tutor.content.exercise_command import run_exercise

            return run_exercise(args, parser, sys.stdout)
        if args.command == "exam":
            from tutor.exam.commands import run_exam

            return run_exam(args)
        if args.command == "results":
            from tutor.exam.commands import run_results

            return run_results(args, sys.stdout)
        if args.command == "serve":
            from tutor.serve.command import run_serve

            return run_serve(args, warn=lambda message: diagnose("warning", message))
        parser.print_help()
        return ExitCode.OK
    except TutorError as exc:
        diagnose("error", str(exc))
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (``| head``); don't print a traceback about it.
        sys.stderr.close()
        return ExitCode.OK
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED


def _check(args: argparse.Namespace) -> int:
    """The ``check`` command."""
    from tutor.analysis.config import find_config, load_config, parse_threshold
    from tutor.analysis.files import STDIN, analyze_targets, discover
    from tutor.report import default_format, writer

    if args.no_config:
        config = load_config(None)
    else:
        config = load_config(args.config or find_config(Path.cwd()))
    paths = [STDIN if path == "-" else Path(path) for path in args.paths]
    targets = discover(paths, warn=lambda message: diagnose("warning", message))
    reports = analyze_targets(targets, config, stage=args.target)
    threshold = (parse_threshold(args.failure_threshold) if args.failure_threshold
                 else config.failure_threshold)
    write = writer(args.format or default_format(sys.stdout))
    write(reports, sys.stdout, color=not args.no_color)
    sys.stdout.flush()
    if any(r.error for r in reports):
        # Diagnostics go to stderr in every format; the text report also names them in place.
        for r in reports:
            if r.error:
                diagnose("error", r.error)
        return ExitCode.USAGE
    failing = threshold is not None and any(
        f.severity.rank >= threshold.rank for r in reports for f in r.findings)
    return ExitCode.FAILED if failing else ExitCode.OK


def _explain(rule_id: str, out: TextIO) -> int:
    """The ``explain`` command."""
    from tutor.analysis.rules import rule_for
    from tutor.report.rules import write_explanation

    rule = rule_for(rule_id)
    if rule is None:
        raise TutorError(f"no rule '{rule_id}': run 'hardening-tutor rules' to list them")
    write_explanation(rule, out)
    return ExitCode.OK
