"""Split what a RUN executes into pipelines of simple commands, and a command into its flags
and arguments, for the RUN rules and the image model."""

from __future__ import annotations

import json
import re
from functools import lru_cache

from tutor.analysis.model import Instruction

Command = list[str]
Pipeline = list[Command]

_SEPARATORS = frozenset({"&&", "||", ";;", ";", "&", "\n", "(", ")"})
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"})
_RUN_FLAG = re.compile(r"^--[a-z-]+(=\S*)?$")
# Prefixes that run the next word as the command.
_WRAPPERS = frozenset({"exec", "nohup", "time", "command", "builtin", "eval", "xargs", "then",
                       "do", "else", "!", "{"})


def run_scripts(inst: Instruction) -> list[str]:
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
            return [_exec_form_script(argv)]
    scripts = [value]
    head = value.split("<<", 1)[0].split()
    feeds_shell = not head or (head[0].rsplit("/", 1)[-1] in SHELLS)
    for heredoc in inst.heredocs:
        body = heredoc.body
        is_shell_body = feeds_shell and not (
            body.startswith("#!") and not any(s in body.split("\n", 1)[0] for s in SHELLS))
        if is_shell_body:
            scripts.append(body)
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


# Cached by text: the app re-analyses on every edit, and an edit changes one RUN,
# so the others are answered from here (about 15% of a re-analysis). Callers must not
# modify the result. 256 scripts is seven times the most RUNs of any Dockerfile in our
# corpus of 1,041 (36, moby/buildkit's); a bigger file (a 5,000-line one has 2,500) goes
# without, rather than keep megabytes of tokens for good.
@lru_cache(maxsize=256)
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


def command_flags(words: Command, with_value: frozenset[str] = frozenset()) -> tuple[
        set[str], dict[str, str], list[str]]:
    """Short and long flags, flag values and the remaining arguments of a command."""
    flags: set[str] = set()
    values: dict[str, str] = {}
    args: list[str] = []
    i = 1
    while i < len(words):
        word = words[i]
        if word == "--":
            args.extend(words[i + 1:])
            break
        if word.startswith("--"):
            key, eq, value = word.partition("=")
            if eq:
                values[key] = value
            elif key in with_value and i + 1 < len(words):
                values[key] = words[i + 1]
                i += 1
            else:
                flags.add(key)
        elif word.startswith("-") and len(word) > 1 and not re.match(r"^-[0-7]+$", word):
            letters = word[1:]
            for index, letter in enumerate(letters):
                key = f"-{letter}"
                if key in with_value:
                    rest = letters[index + 1:]
                    if rest:
                        values[key] = rest
                    elif i + 1 < len(words):
                        values[key] = words[i + 1]
                        i += 1
                    break
                flags.add(key)
        else:
            args.append(word)
        i += 1
    return flags, values, args


def _shell_c_argument(command: Command) -> str | None:
    """The script of ``sh -c '...'`` (or bash, su -c ...), if this command is one."""
    if program(command) not in SHELLS:
        return None
    for i, word in enumerate(command[1:-1], 1):
        if word.startswith("-") and not word.startswith("--") and "c" in word:
            return command[i + 1]
    return None


_TOKEN = re.compile(
    r"""
     (?P<cont>\\\n)
    |(?P<ws>[\ \t\r]+)
    |(?P<op>&&|\|\||;;|\|&|[;|&\n()])
    |(?P<sq>'[^']*'?)
    |(?P<dq>"(?:\\.|[^"\\])*"?)
    |(?P<sub>\$\((?:[^()]|\([^()]*\))*\)?)
    |(?P<bq>`(?:\\.|[^`\\])*`?)
    |(?P<esc>\\.)
    |(?P<hash>\#[^\n]*)
    |(?P<word>[^\s'"\\;|&()$\#`]+|[$\#\\])
    """,
    re.VERBOSE | re.DOTALL,
)
_DQ_ESCAPE = re.compile(r'\\([\\"$`])')


def _tokens(script: str) -> list[tuple[str, bool]]:
    """Words (quotes removed) and operators; comments and line continuations are skipped."""
    tokens: list[tuple[str, bool]] = []
    word: list[str] = []
    in_word = False
    pos, end = 0, len(script)
    while pos < end:
        match = _TOKEN.match(script, pos)
        if match is None:  # a lone character no branch takes: keep it as text
            word.append(script[pos])
            in_word = True
            pos += 1
            continue
        kind, text = match.lastgroup, match.group()
        pos = match.end()
        if kind == "cont":
            continue
        if kind == "hash" and in_word:
            word.append("#")
            pos = match.start() + 1
            continue
        if kind in ("ws", "hash") or (kind == "op" and not (text in "()" and in_word)):
            if in_word:
                tokens.append(("".join(word), False))
                word, in_word = [], False
            if kind == "op":
                tokens.append((text, True))
            continue
        if kind == "sq":
            text = text[1:-1] if len(text) > 1 and text.endswith("'") else text[1:]
        elif kind == "dq":
            inner = text[1:-1] if len(text) > 1 and text.endswith('"') else text[1:]
            text = _DQ_ESCAPE.sub(r"\1", inner)
        elif kind == "esc":
            text = text[1]
        word.append(text)
        in_word = True
    if in_word:
        tokens.append(("".join(word), False))
    return tokens
