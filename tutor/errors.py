"""The one error family the command line maps to exit codes."""

from __future__ import annotations


class TutorError(Exception):
    """An error a user can act on; its message is one line and is shown as is."""

    exit_code = 2


class InputError(TutorError):
    """A path or file that cannot be analysed."""


class ConfigError(TutorError):
    """A configuration file that is malformed or names unknown settings."""
