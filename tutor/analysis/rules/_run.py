"""Shared helpers for rules that read RUN commands and file modes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tutor.analysis.model import Instruction
from tutor.analysis.rules.base import DockerfileContext
from tutor.analysis.shell import Command, program
from tutor.analysis.variables import parse_assignments, substitute


@dataclass(frozen=True, slots=True)
class RunCommand:
    """A simple command inside a RUN, with the instruction it belongs to."""

    inst: Instruction
    words: Command

    @property
    def program(self) -> str:
        """The program name, without its directory."""
        return program(self.words)


def run_commands(ctx: DockerfileContext, final_only: bool = False) -> Iterator[RunCommand]:
    """Every simple command of every RUN (optionally only in the final image's stages)."""
    for inst in ctx.instructions("RUN"):
        if final_only and inst.stage not in ctx.final_chain:
            continue
        for _, script_pipelines in ctx.shell(inst):
            for pipeline in script_pipelines:
                for words in pipeline:
                    yield RunCommand(inst, words)


_OCTAL = re.compile(r"^[0-7]{3,4}$")
_SYMBOLIC = re.compile(r"^([ugoa]*)([-+=])([rwxXst]*)$")


def mode_grants(mode: str, who: str, perm: str) -> bool:
    """Whether a chmod mode (octal or symbolic, comma-separated) adds ``perm`` for ``who``.

    ``who`` is one of u/g/o; ``perm`` is ``w`` or ``s`` (setuid for u, setgid for g).
    """
    if _OCTAL.match(mode):
        digits = mode.zfill(4)
        if perm == "s":
            return bool(int(digits[0]) & (4 if who == "u" else 2))
        bit = {"r": 4, "w": 2, "x": 1}[perm]
        return bool(int(digits["ugo".index(who) + 1]) & bit)
    for clause in mode.split(","):
        match = _SYMBOLIC.match(clause)
        if not match or match.group(2) == "-":
            continue
        targets, perms = match.group(1), match.group(3)
        if perm not in perms:
            continue
        if perm == "s":
            # ``+s`` with no target sets both setuid and setgid.
            if who in targets or "a" in targets or not targets:
                return True
        elif who in targets or "a" in targets:
            return True
    return False


def chmod_modes(words: Command) -> list[str]:
    """The mode arguments of a chmod command (skipping its flags)."""
    args = [w for w in words[1:] if not (w.startswith("-") and not _SYMBOLIC.match(w))]
    return args[:1]


def file_modes(ctx: DockerfileContext) -> Iterator[tuple[Instruction, str, str]]:
    """Every mode the build sets: ``(instruction, mode, how)`` for chmod and --chmod."""
    for cmd in run_commands(ctx):
        if cmd.program == "chmod":
            for mode in chmod_modes(cmd.words):
                yield cmd.inst, mode, f"chmod {mode}"
    for inst in ctx.instructions("COPY", "ADD"):
        copy_mode = copy_chmod(inst)
        if copy_mode:
            yield inst, copy_mode, f"--chmod={copy_mode}"


def copy_chmod(inst: Instruction) -> str | None:
    """The ``--chmod=`` value of a COPY or ADD, if any."""
    for word in inst.value.split():
        if word.startswith("--chmod="):
            return word.split("=", 1)[1]
        if not word.startswith("--"):
            break
    return None


def env_before(ctx: DockerfileContext, inst: Instruction) -> dict[str, str | None]:
    """The ENV and ARG values a RUN sees, from its stage and the stages it is built FROM.

    A name set by the base image is missing, so a word that uses it stays unresolved. Each
    stage is read once per analysis (the live workbench re-analyses long files on every
    edit); a RUN takes the values in force at its line.
    """
    if inst.stage >= len(ctx.dockerfile.stages):
        return {}
    steps = _env_steps(ctx, inst.stage)
    lines = [line for line, _ in steps]
    index = bisect.bisect_left(lines, inst.line) - 1
    return dict(steps[index][1]) if index >= 0 else {}


def _env_steps(ctx: DockerfileContext, index: int) -> list[tuple[int, dict[str, str | None]]]:
    """``(line, values after it)`` for the stage's start and each ENV or ARG, in order."""
    memo: dict[int, list[tuple[int, dict[str, str | None]]]] = ctx.memo.setdefault(
        "env_steps", {})
    found = memo.get(index)
    if found is not None:
        return found
    stage = ctx.dockerfile.stages[index]
    start: dict[str, str | None] = {}
    if stage.parent is not None:
        parent = _env_steps(ctx, stage.parent)
        start = dict(parent[-1][1]) if parent else {}
    steps = [(stage.from_instruction.line, start)]
    env = dict(start)
    for earlier in stage.instructions:
        if earlier.keyword == "ENV":
            env.update(parse_assignments("ENV", earlier.text, ctx.escape))
        elif earlier.keyword == "ARG":
            for name, value in parse_assignments("ARG", earlier.value, ctx.escape):
                default = value if value is not None else ctx.dockerfile.global_args.get(name)
                env[name] = default if default is not None else env.get(name)
        else:
            continue
        steps.append((earlier.line, dict(env)))
    memo[index] = steps
    return steps


def resolved(word: str, env: dict[str, str | None]) -> str | None:
    """A shell word with its ``$VAR`` references filled in, or None when one is unknown."""
    if "`" in word or "$(" in word:
        return None
    text, unresolved = substitute(word, env)
    return None if unresolved else text
