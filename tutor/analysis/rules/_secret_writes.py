"""Where the instructions of a Dockerfile write build arguments and BuildKit secrets (HT207).

The script-level work is ``secret_writes``; this module knows the Dockerfile around it:
which build arguments a RUN sees, what its ``--mount`` flags lend and discard, a COPY
here-document, and later instructions that delete the file or copy it into the final image.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from tutor.analysis.model import Instruction
from tutor.analysis.rules._secret_copies import copy_sources
from tutor.analysis.rules.base import DockerfileContext
from tutor.analysis.secret_flow import Scan, Write, removes
from tutor.analysis.secret_writes import script_removals, secret_writes
from tutor.analysis.shell import run_scripts
from tutor.analysis.variables import parse_assignments, split_words

# Mounts whose target is not part of the layer. Dockerfile reference, RUN --mount
# (https://docs.docker.com/reference/dockerfile/#run---mount): a bind mount is read-only,
# and with rw "Written data will be discarded"; tmpfs and cache mounts are not committed;
# secret and ssh mounts are read-only files the build does not keep.
_NOT_KEPT = frozenset({"tmpfs", "cache", "bind", "secret", "ssh"})


@dataclass(frozen=True, slots=True)
class Secret:
    """A secret a RUN can read: a build argument (by its name) or a BuildKit secret (its id)."""

    name: str
    argument: bool


def instruction_writes(ctx: DockerfileContext, inst: Instruction) -> Iterator[tuple[Write, Secret]]:
    """Each (write, secret) of one instruction, writes under a discarded mount left out."""
    arguments = _arguments_in_scope(ctx, inst)
    if inst.keyword != "RUN":
        yield from _heredoc_writes(ctx, inst, arguments)
        return
    secrets = {name: Secret(name, argument=True) for name in arguments}
    paths: dict[str, Secret] = {}
    discarded: list[str] = []
    # A secret mount lends the secret "without baking them into the image", as a file at
    # `target`, else at /run/secrets/<id> "if unset and if env is also unset", and as a
    # variable with env= (since Dockerfile 1.10); id defaults to the target's basename.
    # https://docs.docker.com/reference/dockerfile/#run---mounttypesecret
    for options in _mounts(inst):
        kind = options.get("type", "bind")
        target = options.get("target") or options.get("dst") or options.get("destination")
        if kind == "secret":
            secret_id = options.get("id") or posixpath.basename(target or "")
            secret = Secret(secret_id, argument=False)
            if options.get("env"):
                secrets[options["env"]] = secret
            if target or not options.get("env"):
                paths[target or f"/run/secrets/{secret_id}"] = secret
        if kind in _NOT_KEPT and target:
            discarded.append(target.rstrip("/"))
    if not paths and not any(f"${name}" in inst.value or f"${{{name}" in inst.value
                             or any(f"${name}" in h.body or f"${{{name}" in h.body
                                    for h in inst.heredocs) for name in secrets):
        return
    heredocs = tuple((h.delimiter, h.body, h.expands) for h in inst.heredocs)
    for index, script in enumerate(run_scripts(inst)):
        found = secret_writes(script, frozenset(secrets), frozenset(paths),
                              heredocs if index == 0 else ())
        for write in found:
            if any(write.destination == d or write.destination.startswith(d + "/")
                   for d in discarded):
                continue
            for origin in write.origins:
                found_secret = secrets.get(origin) or paths.get(origin)
                if found_secret is not None:
                    yield write, found_secret


def _heredoc_writes(ctx: DockerfileContext, inst: Instruction,
                    arguments: list[str]) -> Iterator[tuple[Write, Secret]]:
    """``COPY <<EOF /root/.npmrc``: Docker expands build arguments in an unquoted body.

    "the variable is expanded when the COPY instruction gets executed"; a quoted delimiter
    leaves it for run time (https://docs.docker.com/reference/dockerfile/#here-documents).
    """
    if not inst.heredocs or not arguments:
        return
    words = [w for w in split_words(inst.value, ctx.escape) if not w.startswith("--")]
    if len(words) < 2:
        return
    scan = Scan({name: (name,) for name in arguments}, frozenset())
    for heredoc in inst.heredocs:
        if not heredoc.expands:
            continue
        origins = tuple(scan.value_origins(heredoc.body))
        destination = words[-1] + heredoc.delimiter if words[-1].endswith("/") else words[-1]
        credentials = tuple(o for o in scan.credentials(heredoc.body) if o in origins)
        write = Write(destination, f"{inst.keyword} <<{heredoc.delimiter}", origins,
                      credentials)
        for origin in origins:
            yield write, Secret(origin, argument=True)


def _arguments_in_scope(ctx: DockerfileContext, inst: Instruction) -> list[str]:
    """Build arguments the instruction sees: those declared earlier in its own stage."""
    if inst.stage < 0:
        return []
    # Each stage's ARGs are read once per analysis, not once per RUN: a long file has
    # hundreds of RUNs, and the live workbench analyses it on every edit.
    declared: dict[int, list[tuple[int, list[str]]]] = ctx.memo.setdefault("stage_args", {})
    stage_args = declared.get(inst.stage)
    if stage_args is None:
        stage_args = declared[inst.stage] = [
            (earlier.line, [name for name, _ in parse_assignments("ARG", earlier.value,
                                                                  ctx.escape)])
            for earlier in ctx.dockerfile.stages[inst.stage].instructions
            if earlier.keyword == "ARG"]
    names = [name for line, found in stage_args if line < inst.line for name in found]
    return list(dict.fromkeys(names))


def _mounts(inst: Instruction) -> list[dict[str, str]]:
    """The options of each ``--mount=`` flag of a RUN."""
    mounts: list[dict[str, str]] = []
    for word in inst.value.split():
        if not word.startswith("--"):
            break
        if word.startswith("--mount="):
            options: dict[str, str] = {}
            for part in word[len("--mount="):].strip("'\"").split(","):
                key, _, value = part.partition("=")
                options[key.strip().lower()] = value.strip().strip("'\"")
            mounts.append(options)
    return mounts


def removed_later(ctx: DockerfileContext, inst: Instruction, write: Write) -> int | None:
    """The line of a later RUN in the same image that deletes the file, if any.

    Paths are compared made absolute with each instruction's WORKDIR, so ``rm .npmrc``
    under ``WORKDIR /app`` does not delete ``/root/.npmrc``.
    """
    chain = _descendants(ctx, inst.stage)
    written = _absolute(ctx, inst, write.destination) or write.destination
    for later in ctx.instructions("RUN"):
        if later.line <= inst.line or later.stage not in chain:
            continue
        for removal in (r for script in run_scripts(later) for r in script_removals(script)):
            if removal.tool and removal.undoes(write):
                return later.line
            if any(removes(_absolute(ctx, later, target) or target, written)
                   for target in removal.paths):
                return later.line
    return None


def _descendants(ctx: DockerfileContext, stage: int) -> set[int]:
    """The stage and every stage built FROM it, directly or not."""
    found = {stage}
    for other in ctx.dockerfile.stages:
        if other.parent in found:
            found.add(other.index)
    return found


def copied_out(ctx: DockerfileContext, inst: Instruction, write: Write) -> int | None:
    """The line of a ``COPY --from`` that carries the written file into the final image."""
    path = _absolute(ctx, inst, write.destination)
    if path is None:
        return None
    stage = ctx.dockerfile.stages[inst.stage]
    names = {str(stage.index)} | ({stage.name.lower()} if stage.name else set())
    for source in copy_sources(ctx):
        if source.from_stage is None or source.from_stage.lower() not in names \
                or source.inst.stage not in ctx.final_chain:
            continue
        root = posixpath.normpath("/" + source.source.strip().lstrip("/"))
        if root == "/" or path == root or path.startswith(root + "/"):
            return source.inst.line
    return None


def _absolute(ctx: DockerfileContext, inst: Instruction, path: str) -> str | None:
    """The written path made absolute with the stage's WORKDIR, when the file says it."""
    if path.startswith("~"):
        path = "/root" + path[1:]
    if path.startswith("/"):
        return posixpath.normpath(path)
    workdir = None
    for earlier in ctx.dockerfile.stages[inst.stage].instructions:
        if earlier.line >= inst.line:
            break
        if earlier.keyword == "WORKDIR":
            given = earlier.text.strip()
            workdir = given if given.startswith("/") or workdir is None else \
                posixpath.join(workdir, given)
    return posixpath.normpath(posixpath.join(workdir, path)) if workdir and \
        workdir.startswith("/") else None
