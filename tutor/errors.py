"""The one error family the command line maps to exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What every command's exit status means; scripts and CI branch on these."""

    OK = 0
    """The command did what was asked and found nothing that fails it."""

    FAILED = 1
    """The command ran and what it checked failed: findings at or above ``--fail-on``, errors in
    a course pack, a record that does not verify, or an exercise goal not met."""

    USAGE = 2
    """The command could not run as asked: bad arguments, or a ``TutorError`` such as a file
    that cannot be read or a malformed configuration."""

    INTERRUPTED = 130
    """Stopped by Ctrl+C: 128 plus SIGINT's number, as shells report a command killed by it."""



class TutorError(Exception):
    """An error a user can act on; its message is one line and is shown as is."""

    exit_code = ExitCode.USAGE


class InputError(TutorError):
    """A path or file that cannot be analysed."""


class ConfigError(TutorError):
    """A configuration file that is malformed or names unknown settings."""
