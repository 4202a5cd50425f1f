"""Starting the app from the command line: its parser, its checks before the screen is
taken, and workshop mode. Imported only when the app is wanted."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.cli import add_app_options
from tutor.errors import ExitCode, InputError

if TYPE_CHECKING:
    from tutor.exam.learners import Learner


def build_app_parser() -> argparse.ArgumentParser:
    """The parser for the app: no command, an optional path."""
    parser = argparse.ArgumentParser(
        prog="hardening-tutor",
        description="Open the course, or the workbench on a Dockerfile, compose file or "
                    "folder. Other commands: hardening-tutor --help.")
    parser.add_argument("path", nargs="?", type=Path, metavar="PATH",
                        help="a Dockerfile (a new name creates it on save), a compose file, "
                             "or a folder with either (its build context)")
    add_app_options(parser)
    return parser


def run_app(argv: Sequence[str]) -> int:
    """Open the app as the words ask; returns the exit status."""
    # Start-up only makes long-lived objects (modules, classes, the first analysis), so the
    # collector is off until the app has drawn its first frame (it turns it back on).
    gc.disable()
    try:
        return _start_app(argv)
    finally:
        gc.enable()


def _start_app(argv: Sequence[str]) -> int:
    """Check the options and open the files while the terminal is still ours, then run the app."""
    parser = build_app_parser()
    args = parser.parse_args(argv)
    if args.learner is not None:
        from tutor.safetext import first_control

        control = first_control(args.learner)
        if control is not None:  # it would be shown on screen and stored
            raise InputError(f"--learner cannot hold control characters, and this one has "
                             f"{control[1]} at character {control[0] + 1}")
    if args.content is not None:
        from tutor.content.loader import pack_root

        pack_root(args.content)  # not a course pack: say so before the screen is taken
    identity = _identity(args)
    if args.confined is not None:
        _confine(args)
    if args.data_dir is not None:
        try:  # a mistyped --data-dir is reported here, not after the screen is taken
            args.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot use {args.data_dir} as the data folder: "
                             f"{exc.strerror or exc}") from None
    workspace = None
    if args.path is not None:
        # Open the files before the screen is taken over, so an error stays readable.
        from tutor.app.workspace import Workspace

        workspace = Workspace.from_path(args.path)
    # textual-serve runs the app over pipes with its web driver named in the environment.
    served = bool(os.environ.get("TEXTUAL_DRIVER"))
    if not served and (not sys.stdin.isatty() or not sys.stdout.isatty()):
        print("hardening-tutor: error: the app needs a terminal; for scripts and CI use "
              "'hardening-tutor check PATH'", file=sys.stderr)
        return ExitCode.USAGE
    from tutor.app import Launch, launch

    return launch(Launch(path=args.path, data_dir=args.data_dir, content=args.content,
                         learner=args.learner, workspace=workspace,
                         confined=args.confined is not None, identity=identity))


def _identity(args: argparse.Namespace) -> Learner | None:
    """The served learner, from --learner ID --learner-name NAME under --confined."""
    if args.learner_name is None:
        return None
    from tutor.exam.learners import Learner, identity_key

    if args.confined is None or args.learner is None:
        raise InputError("--learner-name goes with --confined and --learner ID")
    identity_key(args.learner_name)  # control characters and the like: refused here
    return Learner(id=args.learner, name=" ".join(args.learner_name.split()),
                   source="roster")


def _confine(args: argparse.Namespace) -> None:
    """Workshop mode: the learner's folder is the data folder and the only one reachable."""
    from tutor.confine import confine

    if args.path is not None or args.data_dir is not None:
        raise InputError("--confined takes no PATH and no --data-dir: the learner's folder "
                         "is both")
    try:
        args.data_dir = confine(args.confined)
        os.chdir(args.data_dir)  # a relative name typed in the app means one in the folder
    except OSError as exc:
        raise InputError(f"cannot use {args.confined} as the learner's folder: "
                         f"{exc.strerror or exc}") from None
