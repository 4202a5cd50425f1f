"""Parse Dockerfile text into the model, once, on top of dockerfile-parse.

dockerfile-parse handles continuations, the escape directive and comments; this module adds
what it lacks (tooling.md §5): heredoc bodies, an instruction left open at end of file, line
spans in original lines, stages, ARG/ENV scoping and variable expansion.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import replace

from dockerfile_parse import DockerfileParser

from tutor.analysis.base_images import SCRATCH, BaseImages, unnamed_image
from tutor.analysis.images import parse_image_ref
from tutor.analysis.interrupt import checkpoint
from tutor.analysis.model import (
    EXPANDED_INSTRUCTIONS,
    KNOWN_INSTRUCTIONS,
    Comment,
    Dockerfile,
    Heredoc,
    Instruction,
    ParseProblem,
    Severity,
    Stage,
)
from tutor.analysis.variables import dangling_words, parse_assignments, split_words, substitute
from tutor.safetext import first_control, visible

# dockerfile-parse logs to the root logger on odd input; the analyzer reports problems itself.
logging.getLogger("dockerfile_parse").setLevel(logging.CRITICAL)

_HEREDOC = re.compile(r"(?<![<\w])<<(-?)([\"']?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
_HEREDOC_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
_DIRECTIVE = re.compile(r"^\s*#\s*([a-zA-Z]+)\s*=\s*(.*?)\s*$")
# BuildKit predefines these for FROM lines from the build machine; we read the file as the
# common linux/amd64 build, so `FROM base-${TARGETOS}` names a stage we can follow.
_PLATFORM_ARGS = {
    "BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": "",
    "TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
}


def split_lines(text: str) -> list[str]:
    """The file's lines as Docker reads them: split at LF only, a CR before it dropped.

    ``str.splitlines`` also splits at form feeds, vertical tabs, U+001C-U+001E, U+0085 and
    U+2028, which Docker does not (BuildKit's parser scans with ``bufio.ScanLines``), and
    dockerfile-parse reads the text by LF too; splitting there would shift every later line.
    """
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


_TABLE_ONLY = BaseImages()


def parse(text: str, images: BaseImages = _TABLE_ONLY) -> Dockerfile:
    """Parse Dockerfile text; problems become ``ParseProblem`` entries, never exceptions.

    ``images`` says what each base image sets: its environment is in scope for the stage, as
    BuildKit starts a stage's variables from its base image's ``Env``.
    """
    lines = split_lines(text)
    directives, escape = _directives(lines)
    tokenizer_input = _join_blank_continuations(lines, escape, text)
    entries = DockerfileParser(fileobj=io.StringIO(tokenizer_input)).structure
    entries.sort(key=lambda e: (e["startline"], e["endline"]))
    problems: list[ParseProblem] = []
    comments: list[Comment] = []
    raw_instructions: list[Instruction] = []
    skip_until = -1  # 0-based last line of the heredoc bodies consumed so far
    covered_to = -1
    for entry in entries:
        checkpoint()
        start, end = entry["startline"], entry["endline"]
        covered_to = max(covered_to, end)
        if start <= skip_until:
            continue
        keyword = entry["instruction"]
        if keyword == "COMMENT":
            comments.append(Comment(start + 1, lines[start].strip() if start < len(lines) else ""))
            continue
        value = entry["value"]
        heredocs: tuple[Heredoc, ...] = ()
        if keyword in _HEREDOC_KEYWORDS and "<<" in value:
            heredocs, last = _read_heredocs(value, lines, end + 1, problems, start + 1)
            if heredocs:
                skip_until = last
                end = max(end, last)
        raw_instructions.append(
            Instruction(keyword=keyword, value=value, line=start + 1, end_line=end + 1,
                        raw="\n".join(lines[start : end + 1]), stage=-1, heredocs=heredocs)
        )
    leftover = _unclosed_tail(lines, max(covered_to, skip_until) + 1, escape)
    if leftover:
        raw_instructions.append(leftover)
        problems.append(ParseProblem(
            leftover.line, leftover.end_line,
            f"the file ends inside a line continuation: line {leftover.end_line} ends with "
            f"'{escape}' and nothing follows", Severity.WARNING))
    if not raw_instructions:
        problems.append(ParseProblem(1, 1, "the file has no instructions: a Dockerfile must "
                                     "start with FROM (after optional ARG lines)"))
    problems.extend(_control_characters(lines))
    del entries  # dockerfile-parse's copy of the file, before the stages make another
    instructions, stages, global_args = _build_stages(raw_instructions, escape, problems, images)
    return Dockerfile(text=text, instructions=instructions, comments=comments,
                      directives=directives, global_args=global_args, stages=stages,
                      problems=sorted(problems, key=lambda p: p.line))


def _control_characters(lines: list[str]) -> list[ParseProblem]:
    """A warning on each line holding a control character, which editors and terminals hide.

    The editor and the reports show such a character as a visible glyph (ESC as ␛), never
    raw, so this warning is what tells the learner which bytes of their file those are.
    """
    found: list[ParseProblem] = []
    for number, line in enumerate(lines, 1):
        hit = first_control(line)
        if hit is not None:
            column, name = hit
            found.append(ParseProblem(
                number, number,
                f"this line holds the control character {name} at column {column + 1}, which "
                f"most editors and terminals hide or act on; it is shown here as "
                f"{visible(line[column])}",
                Severity.WARNING,
                fix="Delete the character unless the command needs it; if it does, write it "
                    "as an escape the command decodes, such as printf '\\033'."))
    return found


def _join_blank_continuations(lines: list[str], escape: str, text: str) -> str:
    """Turn blank lines inside a continuation into comments, which keep line numbers.

    Docker skips blank lines inside a continued instruction (BuildKit only warns), while
    dockerfile-parse ends the instruction there and reads the next line as a new one.
    Heredoc bodies are read later from the original lines, so they are unaffected.
    """
    continued = False
    changed = False
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if continued:
                line, changed = "#", True
        elif not stripped.startswith("#"):
            continued = stripped.endswith(escape)
        out.append(line)
    return "\n".join(out) + "\n" if changed else text


def _directives(lines: list[str]) -> tuple[dict[str, str], str]:
    """Parser directives (``# syntax=``, ``# escape=``, ``# check=``) at the top of the file."""
    directives: dict[str, str] = {}
    for line in lines:
        match = _DIRECTIVE.match(line)
        if not match:
            break
        key = match.group(1).lower()
        if key in directives:
            break
        directives[key] = match.group(2)
    escape = directives.get("escape", "\\")
    return directives, escape if escape in ("\\", "`") else "\\"


def _read_heredocs(
    value: str, lines: list[str], body_start: int, problems: list[ParseProblem], opener: int
) -> tuple[tuple[Heredoc, ...], int]:
    """Consume the bodies of every ``<<WORD`` in the instruction, in order."""
    heredocs: list[Heredoc] = []
    cursor = body_start
    for match in _HEREDOC.finditer(value):
        strip_tabs, quote, delimiter = match.group(1) == "-", match.group(2), match.group(3)
        end = cursor
        while end < len(lines):
            candidate = lines[end].rstrip("\r")
            if (candidate.lstrip("\t") if strip_tabs else candidate) == delimiter:
                break
            end += 1
        terminated = end < len(lines)
        body_lines = lines[cursor:end]
        if strip_tabs:
            body_lines = [b.lstrip("\t") for b in body_lines]
        heredocs.append(Heredoc(delimiter=delimiter, body="\n".join(body_lines) + "\n",
                                line=cursor + 1, end_line=min(end, len(lines) - 1) + 1,
                                expands=not quote, terminated=terminated))
        if not terminated:
            problems.append(ParseProblem(
                opener, len(lines),
                f"the here-document <<{delimiter} opened on line {opener} is never closed: "
                f"add a line containing only {delimiter}"))
            return tuple(heredocs), len(lines) - 1
        cursor = end + 1
    return tuple(heredocs), cursor - 1


def _unclosed_tail(lines: list[str], first: int, escape: str) -> Instruction | None:
    """Recover an instruction dockerfile-parse drops when the file ends inside a continuation."""
    body = [(i, ln) for i, ln in enumerate(lines[first:], first) if ln.strip()
            and not ln.lstrip().startswith("#")]
    if not body or not lines[body[-1][0]].rstrip().endswith(escape):
        return None
    start, end = body[0][0], body[-1][0]
    joined = " ".join(ln.strip().rstrip(escape).strip() for _, ln in body)
    keyword, _, value = joined.partition(" ")
    return Instruction(keyword=keyword.upper(), value=value.strip(), line=start + 1,
                       end_line=end + 1, raw="\n".join(lines[start : end + 1]), stage=-1)


def _build_stages(
    raw: list[Instruction], escape: str, problems: list[ParseProblem], images: BaseImages
) -> tuple[list[Instruction], list[Stage], dict[str, str | None]]:
    """Assign instructions to stages and expand variables with Docker's scoping rules."""
    global_args: dict[str, str | None] = {}
    global_scope: dict[str, str | None] = dict(_PLATFORM_ARGS)
    stages: list[Stage] = []
    stage_env: list[dict[str, str | None]] = []
    scope: dict[str, str | None] = {}
    out: list[Instruction] = []
    for inst in raw:
        checkpoint()
        keyword = inst.keyword
        if keyword not in KNOWN_INSTRUCTIONS:
            problems.append(ParseProblem(inst.line, inst.end_line,
                                         f"unknown instruction '{_clip(keyword)}'"))
            out.append(replace(inst, stage=len(stages) - 1))
            continue
        for name in dangling_words(keyword, inst.value, escape):
            # The stray word is never quoted: it is usually the rest of a secret's value.
            problems.append(ParseProblem(
                inst.line, inst.end_line,
                f"{keyword} {_clip(name)}=… runs on into a word without '=', which Docker "
                f"rejects (\"can't find =\"): quote a value that holds spaces, and remember "
                f"that white space at the start of a continuation line is kept"))
        if keyword == "FROM":
            stage, base = _open_stage(inst, len(stages), stages, global_scope, escape,
                                      problems, images)
            inst = replace(inst, stage=stage.index, expanded=base,
                           unresolved=stage.base_unresolved)
            stage.from_instruction = inst
            stages.append(stage)
            # ENV is inherited from a parent stage or the base image; ARGs never cross a FROM.
            inherited: dict[str, str | None] = (
                dict(stage_env[stage.parent]) if stage.parent is not None else
                dict(stage.base_config.env) if stage.base_config else {})
            scope = dict(inherited)
            stage_env.append(inherited)
            stage.instructions.append(inst)
            out.append(inst)
            continue
        if not stages:
            if keyword == "ARG":
                for name, default in parse_assignments("ARG", inst.value, escape):
                    value = substitute(default, global_scope, escape)[0] if default else default
                    global_args[name] = value
                    global_scope[name] = value
            else:
                problems.append(ParseProblem(
                    inst.line, inst.end_line,
                    f"{keyword} before the first FROM: only ARG may come before FROM"))
            out.append(inst)
            continue
        expanded: str | None = None
        unresolved: tuple[str, ...] = ()
        if keyword in EXPANDED_INSTRUCTIONS:
            expanded, unresolved = substitute(inst.value, scope, escape)
            if keyword == "USER" and ('"' in expanded or "'" in expanded):
                # BuildKit expands USER as one shell word, which drops its quotes:
                # USER "${NB_UID}" is user 1000, not '"1000"'.
                expanded = " ".join(split_words(expanded, escape))
        inst = replace(inst, stage=len(stages) - 1, expanded=expanded, unresolved=unresolved)
        if keyword == "ARG":
            for name, default in parse_assignments("ARG", inst.value, escape):
                if default is not None:
                    scope[name] = substitute(default, scope, escape)[0]
                elif name not in scope or name in global_args:
                    # A bare ARG imports the global default, if there is one.
                    scope[name] = global_args.get(name)
        elif keyword == "ENV":
            for name, value in parse_assignments("ENV", expanded or "", escape):
                scope[name] = value
                stage_env[-1][name] = value
        stages[-1].instructions.append(inst)
        out.append(inst)
    if raw and not stages:
        problems.append(ParseProblem(raw[0].line, raw[-1].end_line,
                                     "the file has no FROM instruction, so it builds no image"))
    return out, stages, global_args


def _open_stage(
    inst: Instruction,
    index: int,
    stages: list[Stage],
    global_scope: dict[str, str | None],
    escape: str,
    problems: list[ParseProblem],
    images: BaseImages,
) -> tuple[Stage, str]:
    """Read a FROM line: flags, base (expanded with global ARGs) and ``AS name``."""
    words = inst.value.split()
    platform = None
    while words and words[0].startswith("--"):
        flag = words.pop(0)
        if flag.lower().startswith("--platform="):
            platform = flag.split("=", 1)[1]
    name = None
    if len(words) >= 3 and words[-2].lower() == "as":
        name = words[-1]
        words = words[:-2]
    base_text = words[0] if words else ""
    if not words:
        problems.append(ParseProblem(inst.line, inst.end_line, "FROM names no image"))
    elif len(words) > 1:
        problems.append(ParseProblem(inst.line, inst.end_line,
                                     f"unexpected text after the image in FROM: "
                                     f"'{_clip(' '.join(words[1:]))}'"))
    base, unresolved = substitute(base_text, global_scope, escape)
    parent = None
    wanted = base.lower()
    for earlier in stages:
        if earlier.name and earlier.name.lower() == wanted:
            parent = earlier.index
    is_scratch = wanted == "scratch"
    image = None
    if parent is None and not is_scratch and base and not unresolved:
        image = parse_image_ref(base)
    config = None
    if parent is None:
        config = (SCRATCH if is_scratch else images.lookup(image) if image is not None
                  else unnamed_image())
    stage = Stage(index=index, name=name, from_instruction=inst, base=base, platform=platform,
                  image=image, parent=parent, is_scratch=is_scratch, base_unresolved=unresolved,
                  base_config=config)
    return stage, base


def _clip(text: str, limit: int = 40) -> str:
    """Shorten untrusted text quoted in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
