"""Follow a RUN's commands in order: which handler each command goes to, its redirections, ``cd``.

Only commands whose effect is certain are followed: package managers, user and group tools,
``mkdir``, ``chown``, ``chmod``, ``install``, ``touch``, ``rm``, ``ln``, ``cp``, ``mv``,
``tee``, ``sed -i``, ``npm`` and output redirections, inside ``&&`` chains and ``sh -c``.
Any other command leaves the paths it names unknown: the model never guesses. What each
command does is in ``image_run_files``, ``image_run_permissions`` and ``image_run_tools``;
what they work on is the ``RunState`` of ``image_run_state``.
"""

from __future__ import annotations

import re

from tutor.analysis.image_run_files import (
    copy_move,
    install,
    link,
    mkdir,
    remove,
    sed,
    tee,
    touch,
    write_file,
)
from tutor.analysis.image_run_permissions import chmod, owner_change
from tutor.analysis.image_run_state import RunState, not_followed
from tutor.analysis.image_run_tools import (
    ACCOUNT_TOOLS,
    PACKAGE_WRITES,
    account_tool,
    go,
    missing_command,
    npm,
    package_tool,
    python,
)
from tutor.analysis.shell import Command, Pipeline, program

# Commands that change no file (their output redirections are still followed).
_READ_ONLY = frozenset({"echo", "printf", "cat", "test", "[", "[[", "true", "false", "ls",
                        "grep", "egrep", "which", "id", "whoami", "set", "export", "env",
                        "command", "type", "sleep", "exit", "uname", "head", "tail", "wc",
                        "sha256sum", "sha512sum", "md5sum", "stat", "readlink", "realpath",
                        "getent", "date", "pwd", ":", "find", "du", "df", "awk", "sort",
                        "tr", "cut", "xargs", "basename", "dirname", "uniq", "file", "diff",
                        "cmp", "jq"})
_REDIRECT = re.compile(r"^(\d*|&)(>>?|>\|)(.*)$")
_HANDLERS = {
    "mkdir": mkdir, "chown": owner_change, "chgrp": owner_change, "chmod": chmod,
    "install": install, "touch": touch, "tee": tee, "sed": sed, "rm": remove,
    "rmdir": remove, "ln": link, "cp": copy_move, "mv": copy_move, "npm": npm,
    "go": go, "python": python, "python3": python,
}


def apply_run(pipelines: list[Pipeline], line: int, state: RunState) -> None:
    """Follow one RUN's commands in order (``cd`` carries to the next command)."""
    start_cwd = state.cwd
    for pipeline in pipelines:
        for words in pipeline:
            _command(words, line, state)
    state.cwd = start_cwd  # each RUN starts in WORKDIR again


def _split_redirects(words: Command) -> tuple[Command, list[tuple[str, bool]]]:
    """The command without its redirections, and the files it writes (path, appends)."""
    kept: Command = []
    targets: list[tuple[str, bool]] = []
    i = 0
    while i < len(words):
        match = _REDIRECT.match(words[i])
        if match and match.group(1) in ("", "1", "2", "&"):
            target = match.group(3)
            if not target and i + 1 < len(words):
                i += 1
                target = words[i]
            if target and not target.startswith("&") and target != "/dev/null":
                targets.append((target, match.group(2) == ">>"))
        elif words[i].startswith("<"):
            if words[i] in ("<", "<<", "<<<") and i + 1 < len(words):
                i += 1
        else:
            kept.append(words[i])
        i += 1
    return kept, targets


def _command(words: Command, line: int, state: RunState) -> None:
    words, writes = _split_redirects(words)
    for target, _ in writes:
        write_file(target, line, state, f"write {target}")
    if not words:
        return
    name = program(words)
    if name == "cd":
        state.cwd = state.path(words[1]) if len(words) > 1 else state.home()
        return
    missing = state.lacks.get(name)
    if missing is not None:
        missing_command(missing, line, state)
        return
    handler = _HANDLERS.get(name)
    if handler is not None:
        handler(words, line, state)
    elif name in ACCOUNT_TOOLS:
        account_tool(words, name, line, state)
    elif name in PACKAGE_WRITES:
        package_tool(words, name, line, state)
    elif name not in _READ_ONLY:
        not_followed(words, line, state)
