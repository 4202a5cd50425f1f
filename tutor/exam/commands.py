"""The ``exam`` and ``results`` commands: start a sign-off exam, and list, export and
verify its records. ``results`` never imports Textual."""

from __future__ import annotations

import argparse
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from tutor.errors import ExitCode, InputError
from tutor.safetext import visible

if TYPE_CHECKING:
    from tutor.exam.seal import Selection
    from tutor.exam.verification import Policy

# A record is about 10 KB (15 questions with their Dockerfiles and answers), so 64 MB holds
# thousands: more than any one export, while the parsed form (several times the text, in
# Python objects) stays within a few hundred MB. The read stops there whatever the file is.
RECORDS_LIMIT = 64 * 1024 * 1024

_KEY_HELP = """\
signing: records are signed with HMAC-SHA256 when a key is configured, in the environment
variable HARDENING_TUTOR_SIGNING_KEY or in the file signing.key in your config folder
('hardening-tutor results new-key' makes one). A key on the learner's own machine proves
nothing, since whoever can read it can sign anything: for sign-off, run exams on a host
the learners cannot read the key on, and verify exported records there.
"""
# The help of --data-dir for the commands that only read the records.
_READ_FROM = "read records from DIR instead of your user data folder"


def add_parsers(commands: Any) -> None:
    """Add ``exam`` and ``results`` to the command line."""
    from tutor.cli import add_app_options  # the exam runs in the app, with its options

    exam = commands.add_parser(
        "exam", help="take an exam the course defines, in the app",
        description="Take an exam the course defines (lessons/course.yaml, 'exams:'), exactly\n"
                    "as defined. Nothing is marked until you submit; every answer is saved as\n"
                    "you give it, so a crash or a closed terminal loses nothing and the next\n"
                    "start resumes the attempt, with the clock still running.\n\n"
                    "Any of the settings below turns it into a PRACTICE exam: it says so on\n"
                    "every screen, in 'results list' and in its record, and never counts as\n"
                    "sign-off ('results verify --exam ID' rejects it).",
        epilog=_KEY_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    exam.add_argument("exam_id", nargs="?", metavar="ID",
                      help="the exam's id in the course, such as sign-off (default: the "
                           "course's only exam)")
    exam.add_argument("--name", "--id", metavar="NAME",
                      help="the learner's name, or their id when there is a roster (asked "
                           "for if not given)")
    exam.add_argument("--roster", type=Path, metavar="FILE",
                      help="a class roster, CSV with columns id and name (and optionally "
                           "email, group): learners give their id and records carry both "
                           "(default: the course's roster, if it names one)")
    exam.add_argument("--take-over", action="store_true",
                      help="take the attempt over from another window that has it open "
                           "(answers given there are no longer saved)")
    practice = exam.add_argument_group(
        "practice settings (each one makes the attempt a practice exam)")
    size = practice.add_mutually_exclusive_group()
    size.add_argument("--questions", type=int, metavar="N", help="N questions in all")
    size.add_argument("--per-topic", type=int, metavar="N",
                      help="N questions from each topic")
    practice.add_argument("--topics", metavar="LIST", type=_names,
                      help="only these topic ids, comma-separated (default: all)")
    practice.add_argument("--types", metavar="LIST", type=_names,
                      help="only these question types, comma-separated: single, multiple, "
                           "true_false, spot_the_line, fix_it (default: all)")
    practice.add_argument("--pass-mark", type=int, metavar="PCT",
                      help="percentage needed to pass")
    practice.add_argument("--time-limit", type=float, metavar="MINUTES",
                      help="time allowed; the attempt is submitted when it runs out "
                           "(default: the course's)")
    practice.add_argument("--attempts", type=int, metavar="N",
                      help="attempts each learner may make at this exam (default: unlimited)")
    practice.add_argument("--seed", type=int, metavar="S",
                      help="draw the same questions in the same order every time")
    add_app_options(exam, helps={
        "--data-dir": "keep records in DIR instead of your user data folder",
        "--content": "draw from the course pack in DIR instead of the shipped course"})

    results = commands.add_parser(
        "results", help="list, export or verify exam records",
        description="Work with the exam records in the progress store.",
        epilog=_KEY_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = results.add_subparsers(dest="results_command", metavar="COMMAND")
    listing = which.add_parser(
        "list", help="every attempt, a line each",
        description="Every attempt, finished or in progress: its exam, whether it is a "
                    "sign-off or a practice exam, the score and who signed it.")
    listing.add_argument("--format", "-f", choices=("text", "csv", "json"), default="text",
                         help="output format (default: text)")
    add_app_options(listing, helps={"--data-dir": _READ_FROM})
    export = which.add_parser(
        "export", help="write finished attempts as JSON, CSV or xAPI",
        description="Write every finished attempt. JSON keeps the signed records whole and "
                    "seals the file with the signing key, so that no record can be removed, "
                    "copied or moved unnoticed: it is what 'results verify' checks. CSV is "
                    "one line per attempt; xAPI is one statement per attempt and one per "
                    "answer.")
    export.add_argument("--format", "-f", choices=("json", "csv", "xapi"), default="json",
                        help="output format (default: json)")
    export.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="write to FILE (default: standard output)")
    export.add_argument("--force", action="store_true",
                        help="replace FILE if it exists")
    export.add_argument("--home-page", metavar="URL",
                        help="xAPI: the URL of the system learners' accounts belong to")
    export.add_argument("--exam", metavar="ID",
                        help="only sign-off attempts at exam ID (practice exams and other "
                             "exams are left out); the sealed file says so")
    add_app_options(export, helps={"--data-dir": _READ_FROM})
    verify = which.add_parser(
        "verify", help="check that exported records are intact, complete and signed",
        description="Check JSON exports against the configured key: each file's seal (no "
                    "record removed, added, copied or moved, nothing in its header "
                    "changed), then every record, then all files together (an attempt "
                    "counts once, and no learner's record is missing between two others).",
        epilog="exit status: 0 when everything holds; 1 when anything does not (each "
               "problem is listed: a file unsealed or changed, a record changed, unsigned, "
               "signed with another key or a second copy of an attempt, a learner's record "
               "missing), or when a file holds no records; 2 when no key is configured or "
               "a file cannot be read.")
    verify.add_argument("files", type=Path, nargs="+", metavar="FILE",
                        help="a 'results export' JSON file")
    verify.add_argument("--exam", metavar="ID",
                        help="also require every record to be a sign-off attempt at exam ID "
                             "exactly as your course defines it (not a practice exam, not "
                             "another definition)")
    add_app_options(verify, helps={"--content": "with --exam: the course pack whose definition "
                                                "counts (default: the shipped course)"})
    new_key = which.add_parser(
        "new-key", help="make a random signing key file",
        description="Write a new random signing key, readable only by you, to the config "
                    "folder (or FILE). It refuses to replace an existing key.")
    new_key.add_argument("-o", "--output", type=Path, metavar="FILE",
                         help="where to write it (default: signing.key in the config folder)")


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one name")
    return names


# exam ---------------------------------------------------------------------------------------

def run_exam(args: argparse.Namespace) -> int:
    """Check everything that can be wrong before the screen is taken, then open the exam."""
    from tutor.content.loader import load_course
    from tutor.exam.learners import course_roster, identify
    from tutor.exam.record import load_key
    from tutor.exam.spec import spec_for

    course = load_course(args.content)
    if course.errors:
        raise InputError(f"the course has {len(course.errors)} problem(s); run "
                         f"'hardening-tutor content check' to see them")
    roster = course_roster(course, args.roster)
    if args.name is not None:
        identify(args.name, roster)  # a bad name or an id not on the roster: said now
    spec = spec_for(course, args.exam_id, questions=args.questions, per_topic=args.per_topic,
                    topics=args.topics, types=args.types, pass_mark=args.pass_mark,
                    time_limit=args.time_limit, attempts=args.attempts, seed=args.seed,
                    practice=args.seed is not None)
    load_key()  # a broken key is reported now, not when the record is sealed
    if args.data_dir is not None:
        try:
            args.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot use {args.data_dir} as the data folder: "
                             f"{exc.strerror or exc}") from None
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        print("hardening-tutor: error: the exam needs a terminal", file=sys.stderr)
        return ExitCode.USAGE
    from tutor.app import Launch, launch

    return launch(Launch(data_dir=args.data_dir, content=args.content, exam=spec,
                         exam_learner=args.name, exam_take_over=args.take_over, course=course,
                         exam_roster=roster))


# results ------------------------------------------------------------------------------------

def run_results(args: argparse.Namespace, out: TextIO) -> int:
    """Dispatch ``results list|export|verify|new-key``."""
    command = args.results_command
    if command == "list":
        return _list(args, out)
    if command == "export":
        return _export(args, out)
    if command == "verify":
        return _verify(args.files, out, _sign_off_policy(args.exam, args.content))
    if command == "new-key":
        return _new_key(args.output, out)
    print("hardening-tutor: error: say 'results list', 'results export', 'results verify "
          "FILE' or 'results new-key'", file=sys.stderr)
    return ExitCode.USAGE


def _read_attempts(data_dir: Path | None) -> list[Any]:
    """Every attempt in the store, read without writing; none when there is no store yet."""
    from tutor.progress.store import ProgressStore

    # Read-only: a data folder the reader may not write (a teacher's copy, a backup) is
    # enough, and a mistyped --data-dir creates nothing.
    store = ProgressStore.open_read_only(data_dir)
    if store is None:
        return []
    try:
        return list(store.exams.all_attempts())
    finally:
        store.close()


def _list(args: argparse.Namespace, out: TextIO) -> int:
    from tutor.exam import listing

    rows = [listing.listed(attempt) for attempt in _read_attempts(args.data_dir)]
    if args.format == "csv":
        out.write(listing.to_csv(rows))
    elif args.format == "json":
        out.write(listing.to_json(rows))
    elif rows:
        out.write(listing.to_text(rows))
    else:
        out.write("No exam attempts yet.\n")
    return ExitCode.OK


def _export(args: argparse.Namespace, out: TextIO) -> int:
    from tutor.exam import export
    from tutor.exam.record import load_key
    from tutor.exam.session import stamp, utc_now

    if args.home_page and args.format != "xapi":
        raise InputError("--home-page is for --format xapi")
    if args.output is not None and args.output.exists() and not args.force:
        raise InputError(f"{args.output} exists; pass --force to replace it")
    from tutor.content.model import SIGN_OFF
    from tutor.exam import fields

    records = [a.record for a in _read_attempts(args.data_dir) if a.record is not None
               and (args.exam is None or (fields.exam_id(a.record) == args.exam
                                          and fields.exam_kind(a.record) == SIGN_OFF))]
    how = ""  # how a JSON export is sealed, said after where it was written
    if args.format == "csv":
        text = export.to_csv(records)
    elif args.format == "xapi":
        text = export.to_xapi(records, args.home_page or export.DEFAULT_HOME_PAGE)
    else:
        key = load_key()
        # None: the user data folder; a given one is made absolute, as an auditor needs it.
        selection: Selection = {"data_dir": None if args.data_dir is None
                                else str(args.data_dir.resolve()), "exam": args.exam}
        text = export.to_json(records, stamp(utc_now()), selection, key)
        if key is not None:
            how = f", sealed with key {key.key_id}"
        else:
            how = (", unsealed (self-assessed): no signing key is configured, so 'results "
                   "verify' will not accept it")
            if args.output is None:  # the file goes to stdout: say so where it won't land
                print(f"The export is{how[1:]}.", file=sys.stderr)
    if args.output is None:
        out.write(text)
        return ExitCode.OK
    from tutor.atomic import write_atomic

    try:
        write_atomic(args.output, text)
    except OSError as exc:
        raise InputError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(visible(f"Wrote {len(records)} record(s) to {args.output}{how}."),
          file=sys.stderr)
    return ExitCode.OK


def _verify(paths: list[Path], out: TextIO, policy: Policy | None = None) -> int:
    """Check export files; ``policy`` adds what it finds wrong with each record."""
    from tutor.exam.record import load_key
    from tutor.exam.verification import read_export, verify_files

    key = load_key()
    if key is None:
        raise InputError("no signing key is configured (HARDENING_TUTOR_SIGNING_KEY or the "
                         "signing.key file), so nothing can be verified")
    # Every file is read before anything is reported: one unreadable file is unusable
    # input (exit 2), not a half-finished report.
    files = [read_export(path, RECORDS_LIMIT) for path in paths]
    return ExitCode.OK if verify_files(files, key, out, policy) else ExitCode.FAILED


def _sign_off_policy(exam_id: str | None, content: Path | None) -> Policy | None:
    """With --exam: each record must be a sign-off attempt at the verifier's own definition."""
    if exam_id is None:
        if content is not None:
            raise InputError("--content is for --exam: it names the course whose definition "
                             "of the exam counts")
        return None
    from tutor.content.loader import load_course
    from tutor.exam.policy import sign_off_problems
    from tutor.exam.spec import definition

    course = load_course(content)
    if course.errors:
        raise InputError(f"the course has {len(course.errors)} problem(s), so its exams "
                         f"cannot be trusted; run 'hardening-tutor content check'")
    definition(course, exam_id)  # an exam the course does not define: unusable input
    return lambda record: sign_off_problems(record, course, exam_id)


def _new_key(output: Path | None, out: TextIO) -> int:
    import os

    from tutor.exam.record import key_file

    path = output or key_file()
    if path.exists():
        raise InputError(f"{path} exists; a new key would make every record signed with the "
                         f"old one fail to verify, so it is left alone")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    out.write(f"Wrote a new signing key to {path} (readable only by you). Keep it where "
              f"learners cannot read it, and back it up: records signed with it verify "
              f"only with it.\n")
    return ExitCode.OK
