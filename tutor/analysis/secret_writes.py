"""Where a shell script writes a secret that has no literal form: a build argument or a mount.

Split from ``secret_commands`` (literal secrets on a command line) because this follows a
value by name: ``$TOKEN``, ``$(cat /run/secrets/npm)``, or a variable set from either,
through echo, printf, cat, a here-document or a pipe into a redirection, ``tee``, ``cp``,
``sed -i``, or a tool that saves credentials itself (``secret_tools``). A write that a
later command of the same script deletes is marked as removed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from tutor.analysis.lazyre import LazyPattern
from tutor.analysis.secret_flow import GT, LT, REFERENCE, Removal, Scan, Write
from tutor.analysis.secret_tools import tool_removal, tool_writes
from tutor.analysis.shell import SHELLS, Command, pipelines, program

# Marks for the ``$ > <`` the shell takes literally (quoted or escaped), so that any left
# in the tokens is an expansion or a redirection. ``'${NPM_TOKEN}'`` written to .npmrc is
# npm's own placeholder, read from the environment when npm runs: not the secret.
_DOLLAR = "\x01"
_QUOTED = str.maketrans({"$": _DOLLAR, ">": GT, "<": LT})
_ANGLES = str.maketrans({">": GT, "<": LT})
# A quoted string right after ``sh -c`` is a script that the inner shell expands.
_SHELL_C = LazyPattern(r"(?:^|[\s;&|(])(?:\S*/)?(?:" + "|".join(sorted(SHELLS))
                      + r")(?:\s+-[-\w]*)*?\s+-[a-z]*c[a-z]*\s+$")
_HEREDOC = LazyPattern(r"(?<![<\w])<<(-?)[ \t]*(['\"]?)([A-Za-z_][\w.-]*)\2")
_REDIRECT = LazyPattern(r"^(\d*)(>>|>\||>|<<<|<<-?|<)(.*)$", re.S)
_ASSIGNMENT = LazyPattern(r"""(?:^|(?<=[\s;&|(]))([A-Za-z_]\w*)=((?:"(?:[^"\\]|\\.)*"|'[^']*'"""
                         r"""|\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`|[^\s;&|()'"`])*)""")
_READ = LazyPattern(r"\bread\s+(?:-\S+\s+)*([A-Za-z_]\w*)\s*<\s*(\S+)")
# Programs whose output is their input or arguments: what they read, they print.
_ECHOERS = frozenset({"echo", "printf", "cat", "tac", "base64", "base32", "tr", "head", "tail",
                      "sed", "awk", "gawk", "mawk", "jq", "yq", "envsubst", "cut", "paste",
                      "sort", "uniq", "xxd", "rev", "tee"})
_ARGUMENT_ECHOERS = frozenset({"echo", "printf"})
_COPIERS = frozenset({"cp", "install", "rsync"})
_VALUED_OPTIONS = {"install": frozenset({"-m", "--mode", "-o", "--owner", "-g", "--group",
                                         "-t", "--target-directory", "-S", "--suffix"}),
                   "cp": frozenset({"-t", "--target-directory", "-S", "--suffix"})}
_REMOVERS = frozenset({"rm", "shred", "unlink"})
Heredocs = tuple[tuple[str, str, bool], ...]


@lru_cache(maxsize=2048)
def secret_writes(script: str, variables: frozenset[str], paths: frozenset[str],
                  heredocs: Heredocs = ()) -> tuple[Write, ...]:
    """Files the script writes a secret into, from the named variables or secret files.

    ``heredocs`` are the Dockerfile's here-documents for this script as (delimiter, body,
    expands); a ``<<EOF`` in the script reads them in order. Cached by its arguments:
    callers must not modify the result.
    """
    text, bodies = _cut_heredocs(script, heredocs)
    marked = _mark_literals(text)
    scan = Scan(_tainted(marked, variables, paths), paths)
    writes: list[tuple[int, Write]] = []
    removals: list[tuple[int, Removal]] = []
    position = 0
    for pipeline in pipelines(marked):
        stream: tuple[tuple[str, ...], str] = ((), "")
        for words in pipeline:
            position += 1
            args, redirects = _split_redirects(words)
            fed, fed_text = _stdin(redirects, bodies, scan)
            stdin = _unique([*stream[0], *fed])
            stdin_text = "\n".join(t for t in (stream[1], fed_text) if t)
            name = program(args)
            out = _output_origins(name, args, stdin, scan)
            out_text = _printed(name, args, stdin_text) if out else ""
            credentials = scan.credentials(out_text) if out_text else []
            for fd, operator, target in redirects:
                if operator in (">", ">>", ">|") and fd in ("", "1") and out \
                        and _is_file(target):
                    writes.append((position, Write(target, f"{name} {operator}", out,
                                                   tuple(o for o in out if o in credentials))))
            writes += [(position, w) for w in _in_place_writes(name, args, stdin, stdin_text,
                                                               scan)]
            writes += [(position, w) for w in tool_writes(args, stdin, scan)]
            removal = _removal(name, args) or tool_removal(args)
            if removal is not None:
                removals.append((position, removal))
            redirected = any(op.startswith(">") and fd in ("", "1") for fd, op, _ in redirects)
            stream = ((), "") if redirected else (out, out_text)
    return tuple(replace(w, removed=any(pos > at and r.undoes(w) for pos, r in removals))
                 for at, w in writes)


@lru_cache(maxsize=2048)
def script_removals(script: str) -> tuple[Removal, ...]:
    """What the script deletes or unsets, for judging the writes of earlier RUNs."""
    found: list[Removal] = []
    for pipeline in pipelines(_mark_literals(_cut_heredocs(script, ())[0])):
        for words in pipeline:
            args, _ = _split_redirects(words)
            removal = _removal(program(args), args) or tool_removal(args)
            if removal is not None:
                found.append(removal)
    return tuple(found)


def _unique(origins: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(origins))


def _cut_heredocs(script: str, given: Heredocs) -> tuple[str, list[tuple[str, bool]]]:
    """The script without here-document bodies, and the bodies (text, expands) in order."""
    pending = list(given)
    lines = script.split("\n")
    kept: list[str] = []
    bodies: list[tuple[str, bool]] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        kept.append(line)
        index += 1
        for match in _HEREDOC.finditer(line):
            delimiter = match.group(3)
            supplied = next((h for h in pending if h[0] == delimiter), None)
            if supplied is not None:
                pending.remove(supplied)
                bodies.append((supplied[1], supplied[2]))
                continue
            body: list[str] = []
            while index < len(lines):
                candidate = lines[index].lstrip("\t") if match.group(1) else lines[index]
                index += 1
                if candidate.strip() == delimiter:
                    break
                body.append(lines[index - 1])
            kept.extend([""] * (len(body) + 1))
            bodies.append(("\n".join(body), not match.group(2)))
    return "\n".join(kept), bodies


def _mark_literals(script: str) -> str:
    """Replace the ``$ > <`` the shell takes literally with marks (see ``_QUOTED``)."""
    out: list[str] = []
    index, end = 0, len(script)
    while index < end:
        char = script[index]
        if char == "\\" and index + 1 < end:
            following = script[index + 1]
            out.append(following.translate(_QUOTED) if following in "$<>"
                       else script[index:index + 2])
            index += 2
            continue
        if char not in "'\"":
            out.append(char)
            index += 1
            continue
        close = _closing(script, index)
        inner = script[index + 1:close]
        if not _SHELL_C.search(script[max(0, index - 120):index]):
            inner = inner.translate(_QUOTED) if char == "'" else \
                inner.replace("\\$", _DOLLAR).translate(_ANGLES)
        out.append(char + inner + script[close:close + 1])
        index = close + 1
    return "".join(out)


def _closing(script: str, start: int) -> int:
    """The index of the quote that closes the one at ``start`` (or the end of the script)."""
    quote, index = script[start], start + 1
    while index < len(script):
        if script[index] == "\\" and quote == '"':
            index += 2
            continue
        if script[index] == quote:
            return index
        index += 1
    return len(script)


def _tainted(marked: str, variables: frozenset[str],
             paths: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """Each variable holding a secret, with the given origins it holds.

    The given variables hold themselves; ``V=$(cat /run/secrets/x)``, ``V="$TOKEN"`` and
    ``read V < /run/secrets/x`` hold what they are assigned from. One pass in text order,
    as the shell runs them: ``A=$B`` before ``B`` is set leaves ``A`` empty.
    """
    tainted: dict[str, tuple[str, ...]] = {name: (name,) for name in variables}
    assignments = [(m.start(), m.group(1), m.group(2)) for m in _ASSIGNMENT.finditer(marked)]
    assignments += [(m.start(), m.group(1), f"$(cat {m.group(2)})")
                    for m in _READ.finditer(marked)]
    for _, name, value in sorted(assignments):
        origins = [o for m in REFERENCE.finditer(value)
                   for o in tainted.get(m.group(1) or m.group(2), ())]
        if "$(" in value or "`" in value:
            origins += sorted((p for p in paths if p in value), key=value.index)
        if origins:
            tainted[name] = _unique(origins)
        elif name not in variables:
            # Reassigned from something else: the secret is gone from it.
            tainted.pop(name, None)
    return tainted


def _split_redirects(words: Command) -> tuple[Command, list[tuple[str, str, str]]]:
    """A command's arguments, and its redirections as (fd, operator, target)."""
    args: Command = []
    redirects: list[tuple[str, str, str]] = []
    pieces = [piece for word in words for piece in _at_redirection(word)]
    index = 0
    while index < len(pieces):
        match = _REDIRECT.match(pieces[index])
        if match is None:
            args.append(pieces[index])
        else:
            fd, operator, target = match.groups()
            if not target and index + 1 < len(pieces) and not _REDIRECT.match(pieces[index + 1]):
                index += 1
                target = pieces[index]
            redirects.append((fd, operator, "" if target.startswith("&") else target))
        index += 1
    return args, redirects


def _at_redirection(word: str) -> list[str]:
    """``x>/root/.npmrc`` as ``x`` and ``>/root/.npmrc``; a ``2>`` keeps its number."""
    depth = 0
    for index, char in enumerate(word):
        if char == "(" and word[index - 1:index] == "$":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char in "<>" and not depth:
            head = word[:index]
            return [word] if not head or head.isdigit() else [head, word[index:]]
    return [word]


def _stdin(redirects: list[tuple[str, str, str]], bodies: list[tuple[str, bool]],
           scan: Scan) -> tuple[list[str], str]:
    """Secrets fed to a command on stdin (``< file``, a here-string or -document), and text."""
    origins: list[str] = []
    texts: list[str] = []
    for fd, operator, target in redirects:
        if fd not in ("", "0"):
            continue
        if operator == "<":
            origins += scan.path_origins(target)
        elif operator == "<<<":
            origins += scan.value_origins(target)
            texts.append(target)
        elif operator.startswith("<<") and bodies:
            body, expands = bodies.pop(0)
            if expands:
                origins += scan.value_origins(body)
                texts.append(body)
    return origins, "\n".join(texts)


def _printed(name: str, args: Command, stdin_text: str) -> str:
    """The text an echoing command prints, as far as the script shows it.

    printf's ``%s`` take its arguments in turn, so ``password %s`` ``"$PW"`` reads as one line.
    """
    if name == "printf" and len(args) > 1:
        values = iter(args[2:])
        line = re.sub(r"%[-#0 +]*\d*[sb]", lambda _: next(values, ""), args[1])
        return " ".join([line, *values])
    if name in _ARGUMENT_ECHOERS:
        return " ".join(args[1:])
    return stdin_text


def _is_file(target: str) -> bool:
    """Whether writing to ``target`` leaves a file in the layer (``/dev/null`` does not)."""
    return bool(target) and not target.startswith(("/dev/", "/proc/"))


def _output_origins(name: str, args: Command, stdin: tuple[str, ...],
                    scan: Scan) -> tuple[str, ...]:
    """The secrets in what an echoing command prints: its arguments, files and stdin."""
    if name not in _ECHOERS:
        return ()
    origins = [o for word in args[1:] for o in scan.value_origins(word)]
    if name == "envsubst":
        # It substitutes the variables its argument lists (``envsubst '$A $B'``), or else
        # whatever the template names, which the script does not show.
        listed = [w.replace(_DOLLAR, "$") for w in args[1:] if not w.startswith("-")]
        origins += [o for w in listed for o in scan.value_origins(w)] if listed else \
            [o for found in scan.variables.values() for o in found]
    if name not in _ARGUMENT_ECHOERS:
        origins += [o for word in args[1:] if not word.startswith("-")
                    for o in scan.path_origins(word)]
        origins += stdin
    return _unique(origins)


def _in_place_writes(name: str, args: Command, stdin: tuple[str, ...], stdin_text: str,
                     scan: Scan) -> list[Write]:
    """``tee FILE``, ``cp SECRET FILE``, ``dd``, ``sed -i s/x/$T/ FILE``: no ``>`` needed."""
    if name == "tee" and stdin:
        credentials = scan.credentials(stdin_text) if stdin_text else []
        return [Write(word, "tee", stdin, tuple(o for o in stdin if o in credentials))
                for word in args[1:] if not word.startswith("-") and _is_file(word)]
    if name in _COPIERS:
        operands = _operands(args, _VALUED_OPTIONS.get(name, frozenset()))
        sources = [o for word in operands[:-1] for o in scan.path_origins(word)]
        return [Write(operands[-1], name, _unique(sources))] if sources else []
    if name == "dd":
        given = dict(w.split("=", 1) for w in args[1:] if "=" in w)
        sources = scan.path_origins(given.get("if", ""))
        return [Write(given["of"], "dd", _unique(sources))] if sources and "of" in given \
            else []
    if (name == "sed" and any(w.startswith(("-i", "--in-place")) for w in args[1:])) or \
            (name == "perl" and any(w.startswith("-") and not w.startswith("--") and "i" in w
                                    for w in args[1:])):
        return _edit_writes(name, args, scan)
    return []


def _edit_writes(name: str, args: Command, scan: Scan) -> list[Write]:
    """An in-place edit whose expression carries a secret into the edited files."""
    expressions: list[str] = []
    files: list[str] = []
    index = 1
    while index < len(args):
        word = args[index]
        if word in ("-e", "--expression") and index + 1 < len(args):
            expressions.append(args[index + 1])
            index += 2
            continue
        if not word.startswith("-"):
            files.append(word)
        index += 1
    if not expressions and files:
        expressions.append(files.pop(0))
    origins = _unique([o for e in expressions for o in scan.value_origins(e)])
    if not origins:
        return []
    credentials = scan.credentials(" ".join(expressions))
    return [Write(f, f"{name} -i", origins, tuple(o for o in origins if o in credentials))
            for f in files]


def _operands(args: Command, valued: frozenset[str]) -> Command:
    """A command's non-option words, skipping the values of options that take one."""
    operands: Command = []
    index = 1
    while index < len(args):
        word = args[index]
        if word in valued:
            index += 2
            continue
        if not word.startswith("-"):
            operands.append(word)
        index += 1
    return operands if len(operands) >= 2 else []


def _removal(name: str, args: Command) -> Removal | None:
    """``rm``, ``shred`` or ``unlink`` of some paths."""
    if name not in _REMOVERS:
        return None
    targets = tuple(w for w in args[1:] if not w.startswith("-"))
    return Removal(paths=targets) if targets else None
