"""Split what a RUN executes into pipelines of simple commands, for the RUN rules."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from tutor.analysis.model import Instruction

Command = list[str]
Pipeline = list[Command]

_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "\n", "(", ")")
_SEPARATORS = frozenset({"&&", "||", ";;", ";", "&", "\n", "(", ")"})
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
_RUN_FLAG = re.compile(r"^--[a-z-]+(=\S*)?$")
# Prefixes that run the next word as the command.
_WRAPPERS = frozenset({"exec", "nohup", "time", "command", "builtin", "eval", "xargs", "then",
                       "do", "else", "!", "{"})


@dataclass(frozen=True, slots=True)
class Script:
    """The shell text a RUN executes, with the line of the file it starts on."""

    text: str
    line: int


def run_scripts(inst: Instruction) -> list[Script]:
    """The shell scripts a RUN executes: its command line and any heredoc run by a shell."""
    value = inst.value.strip()
    words = value.split()
    while words and _RUN_FLAG.match(words[0]):
        value = value[len(words.pop(0)) :].lstrip()
    if value.startswith("["):
        try:
            argv = json.loads(value)
        except ValueError:
            argv = None
        if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
            return [Script(_exec_form_script(argv), inst.line)]
    scripts = [Script(value, inst.line)]
    head = value.split("<<", 1)[0].split()
    feeds_shell = not head or (head[0].rsplit("/", 1)[-1] in SHELLS)
    for heredoc in inst.heredocs:
        body = heredoc.body
        is_shell_body = feeds_shell and not (
            body.startswith("#!") and not any(s in body.split("\n", 1)[0] for s in SHELLS))
        if is_shell_body:
            scripts.append(Script(body, heredoc.line))
    return scripts


def _exec_form_script(argv: list[str]) -> str:
    """Exec form runs no shell, unless it names one with ``-c``."""
    if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in SHELLS and argv[1].startswith("-") \
            and "c" in argv[1]:
        return argv[2]
    return " ".join(_quote(a) for a in argv)


def _quote(word: str) -> str:
    return "'" + word.replace("'", "'\\''") + "'" if not word or re.search(r"\s|[;&|]", word) \
        else word


def pipelines(script: str) -> list[Pipeline]:
    """Tokenize shell text into pipelines; quotes are removed, ``sh -c`` strings are entered."""
    result: list[Pipeline] = []
    current: Pipeline = []
    for token, is_operator in _tokens(script):
        if is_operator:
            if token in _SEPARATORS:
                if current:
                    result.append(current)
                current = []
            else:
                current.append([])
            continue
        if not current:
            current.append([])
        current[-1].append(token)
    if current:
        result.append(current)
    cleaned: list[Pipeline] = []
    for pipeline in result:
        commands = [strip_prefix(c) for c in pipeline]
        commands = [c for c in commands if c]
        if commands:
            cleaned.append(commands)
        for command in commands:
            inner = _shell_c_argument(command)
            if inner is not None:
                cleaned.extend(pipelines(inner))
    return cleaned


def commands(script: str) -> list[Command]:
    """Every simple command in the script, flattened."""
    return [c for p in pipelines(script) for c in p]


def strip_prefix(command: Command) -> Command:
    """Drop leading ``VAR=value`` assignments and wrappers such as ``exec`` or ``nohup``."""
    i = 0
    while i < len(command) and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", command[i])
                                or command[i] in _WRAPPERS):
        i += 1
    if i < len(command) and command[i] == "env":
        i += 1
        while i < len(command) and (command[i].startswith("-") or "=" in command[i]):
            i += 1
    return command[i:]


def program(command: Command) -> str:
    """The command's program name without its directory."""
    return command[0].rsplit("/", 1)[-1] if command else ""


def _shell_c_argument(command: Command) -> str | None:
    """The script of ``sh -c '...'`` (or bash, su -c ...), if this command is one."""
    if program(command) not in SHELLS:
        return None
    for i, word in enumerate(command[1:-1], 1):
        if word.startswith("-") and not word.startswith("--") and "c" in word:
            return command[i + 1]
    return None


def _tokens(script: str) -> list[tuple[str, bool]]:
    """Words (quotes removed) and operators; comments and line continuations are skipped."""
    tokens: list[tuple[str, bool]] = []
    word: list[str] = []
    in_word = False
    i, n = 0, len(script)

    def flush() -> None:
        nonlocal word, in_word
        if in_word:
            tokens.append(("".join(word), False))
        word, in_word = [], False

    while i < n:
        ch = script[i]
        if ch == "\\" and i + 1 < n:
            if script[i + 1] == "\n":
                i += 2
                continue
            word.append(script[i + 1])
            in_word = True
            i += 2
            continue
        if ch in "'\"":
            end = _closing_quote(script, i)
            word.append(script[i + 1 : end].replace('\\"', '"') if ch == '"'
                        else script[i + 1 : end])
            in_word = True
            i = end + 1
            continue
        if ch == "$" and script.startswith("$(", i):
            end = _closing_paren(script, i + 1)
            word.append(script[i:end + 1])
            in_word = True
            i = end + 1
            continue
        if ch == "#" and not in_word:
            newline = script.find("\n", i)
            i = n if newline < 0 else newline
            continue
        if ch in " \t\r":
            flush()
            i += 1
            continue
        operator = next((op for op in _OPERATORS if script.startswith(op, i)), None)
        if operator and not (operator in "()" and in_word):
            flush()
            tokens.append((operator, True))
            i += len(operator)
            continue
        word.append(ch)
        in_word = True
        i += 1
    flush()
    return tokens


def _closing_quote(script: str, start: int) -> int:
    """Index of the quote closing the one at ``start`` (or the end of the text)."""
    quote = script[start]
    i = start + 1
    while i < len(script):
        if quote == '"' and script[i] == "\\":
            i += 2
            continue
        if script[i] == quote:
            return i
        i += 1
    return len(script)


def _closing_paren(script: str, start: int) -> int:
    """Index of the ``)`` closing the ``(`` at ``start``."""
    depth = 0
    for i in range(start, len(script)):
        if script[i] == "(":
            depth += 1
        elif script[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(script) - 1
