"""What a RUN command works on: the stage's users and files as a ``RunState``, and ``Failure``.

The command handlers (``image_run_files``, ``image_run_permissions``, ``image_run_tools``)
read their words through the state: ``$VAR``, ``${VAR}`` and ``~`` expand from the stage's
ENV and the current user's home, and a relative path from the current folder. A word whose
value the model does not know gives no path: the model never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tutor.analysis.base_images import MissingCommand
from tutor.analysis.image_accounts import Accounts, Identity
from tutor.analysis.image_files import FileTree, normalize
from tutor.analysis.shell import Command, program

_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


@dataclass(frozen=True, slots=True)
class Failure:
    """A build step that fails: ``user`` cannot do ``action`` on ``line`` because ``why``."""

    line: int
    user: Identity
    action: str
    why: str
    # A few words for the profile panel, when "ACTION fails, USER is X" does not fit.
    brief: str = ""
    # How to fix it, when the failure is not about the user (HT111 shows it).
    fix: str = ""


@dataclass(slots=True)
class RunState:
    """What a RUN sees and changes: the stage's users, files, current user and folder."""

    accounts: Accounts
    tree: FileTree
    user: Identity
    cwd: str | None
    env: dict[str, str | None] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    # Commands the image lacks; installing their package removes them (shared with the stage).
    lacks: dict[str, MissingCommand] = field(default_factory=dict)

    def home(self) -> str | None:
        """$HOME for the current user, when the model knows it."""
        if self.user.is_root:
            return "/root"
        account = self.accounts.users.get(self.user.name or "") or (
            self.accounts.by_uid(self.user.uid) if self.user.uid is not None else None)
        return account.home if account else None

    def expand(self, word: str) -> str | None:
        """A word with $VAR, ${VAR} and a leading ~ replaced; None when a value is unknown."""
        if word.startswith("~") and (len(word) == 1 or word[1] == "/"):
            home = self.home()
            if home is None:
                return None
            word = home + word[1:]
        unknown = False

        def value(match: re.Match[str]) -> str:
            nonlocal unknown
            name = match.group(1)
            found = self.home() if name == "HOME" and name not in self.env else self.env.get(name)
            if found is None:
                unknown = True
                return ""
            return found

        expanded = _VARIABLE.sub(value, word)
        return None if unknown or "$" in expanded or "`" in expanded else expanded

    def path(self, word: str) -> str | None:
        """The absolute path a word names, expanded; None when it is not known."""
        expanded = self.expand(word)
        if expanded is None or not expanded or (self.cwd is None and not expanded.startswith("/")):
            return None
        return normalize(expanded, self.cwd or "/")

    def fail(self, line: int, action: str, why: str) -> None:
        """Record that the current user cannot do ``action`` on ``line``, because ``why``."""
        self.failures.append(Failure(line, self.user, action, why))


def not_followed(words: Command, line: int, state: RunState) -> None:
    """A command the model does not follow: the paths it names become unknown."""
    for word in words[1:]:
        if word.startswith("-") or "/" not in word or "://" in word:
            continue
        path = state.path(word.split("=", 1)[-1])
        if path is not None and path != "/" and not path.startswith(("/dev/", "/proc/")):
            state.tree.mark_unknown(path, line, f"{program(words)} (not followed)")
