"""Who the built image runs as: the final stage's effective user, traced through its parents."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tutor.analysis.model import Dockerfile, Instruction, Stage
from tutor.analysis.variables import parse_assignments
from tutor.errors import InputError


@dataclass(frozen=True, slots=True)
class ImageProfile:
    """The answer to "which user does this image run as", with the line that decides it."""

    final_stage: Stage | None
    user: str | None
    user_instruction: Instruction | None
    runs_as_root: bool | None
    reason: str
    # The line a finding about the result belongs on: the deciding USER, else the final FROM.
    deciding_line: int
    # Every stage of the file, for listing base images.
    stages: tuple[Stage, ...] = ()
    # Who overrode the image's user at run time (a compose service's ``user:``), if anyone.
    override: str | None = None
    # The final stage is FROM scratch with no CMD or ENTRYPOINT: files for
    # ``docker build --output`` to export, never run as a container.
    exports_files: bool = False


@dataclass(frozen=True, slots=True)
class UserOverride:
    """A run-time ``user:`` that replaces the image's USER, and where it is written."""

    user: str
    source: str
    unresolved: bool = False


def select_final_stage(dockerfile: Dockerfile, target: str | None) -> Stage | None:
    """The stage the build produces: ``target`` by name or index, else the last one."""
    if target is None:
        return dockerfile.stages[-1] if dockerfile.stages else None
    stage = dockerfile.stage_named(target)
    if stage is None and target.isdigit() and int(target) < len(dockerfile.stages):
        stage = dockerfile.stages[int(target)]
    if stage is None:
        names = ", ".join(s.name for s in dockerfile.stages if s.name) or "none are named"
        raise InputError(f"no build stage named '{target}' (stages: {names})")
    return stage


# Windows containers' administrator account plays root's part.
_ROOT_NAMES = frozenset({"root", "containeradministrator"})


def is_root_user(user: str) -> bool:
    """True for ``root``, ``0`` and either with a group (``root:root``, ``0:0``, ``0:1000``)."""
    name = user.split(":", 1)[0].strip()
    return name.lower() in _ROOT_NAMES or (name.isdigit() and int(name) == 0)


def compute_profile(dockerfile: Dockerfile, target: str | None = None) -> ImageProfile:
    """Trace the final (or ``target``) stage's user through FROM-stage inheritance.

    What a base image sets (its user, its environment) is on the parsed stages already.
    """
    profile = _trace(dockerfile, target)
    return replace(profile, stages=tuple(dockerfile.stages))


def _trace(dockerfile: Dockerfile, target: str | None) -> ImageProfile:
    """Follow the final stage to the USER or base image that decides its user."""
    final = select_final_stage(dockerfile, target)
    if final is None:
        return ImageProfile(None, None, None, None,
                            "the file has no FROM instruction, so it builds no image", 1)
    chain = _chain(dockerfile, final)
    for stage in chain:
        user_inst = _last_user(stage)
        if user_inst is not None:
            return _from_user(final, stage, user_inst, chain)
    return _from_base(final, chain)


def _chain(dockerfile: Dockerfile, final: Stage) -> list[Stage]:
    """The final stage, then each stage it is built FROM, ending at the one FROM an image."""
    chain = [final]
    while chain[-1].parent is not None:
        chain.append(dockerfile.stages[chain[-1].parent])
    return chain


def _last_user(stage: Stage) -> Instruction | None:
    """The stage's last USER instruction (heredoc bodies are never instructions)."""
    for inst in reversed(stage.instructions):
        if inst.keyword == "USER":
            return inst
    return None


def _where(final: Stage, stage: Stage) -> str:
    """'in final stage X' or 'in stage Y, which final stage X builds on'."""
    if stage is final:
        return f"in final stage {final.label}"
    return f"in stage {stage.label}, which final stage {final.label} builds on"


_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def _from_base_env(inst: Instruction, chain: list[Stage]) -> str:
    """", which base image X sets" when USER names a variable that only the base image sets."""
    root = chain[-1]
    env = root.base_config.env if root.base_config is not None else {}
    names = {n for n in _REFERENCE.findall(inst.value) if n in env}
    if not names or root.image is None:
        return ""
    # The USER's stage and the stages it builds on: a value set there shadows the base's.
    for stage in chain[next(i for i, s in enumerate(chain) if s.index == inst.stage):]:
        for earlier in stage.instructions:
            if earlier.keyword in ("ARG", "ENV") and earlier.line < inst.line and any(
                    name in names and value is not None
                    for name, value in parse_assignments(earlier.keyword, earlier.value)):
                return ""
    return f", which base image {root.image.ref} sets"


def _from_user(final: Stage, stage: Stage, inst: Instruction,
               chain: list[Stage]) -> ImageProfile:
    """The profile when a USER instruction decides it."""
    user = inst.text.strip()
    where = _where(final, stage)
    if inst.unresolved:
        names = ", ".join(inst.unresolved)
        return ImageProfile(
            final, None, inst, None,
            f"USER {inst.value.strip()} on line {inst.line} {where} depends on {names}, "
            f"which has no value in the Dockerfile (a build argument or the base image's "
            f"environment sets it)",
            inst.line)
    if not user:
        return ImageProfile(final, None, inst, None,
                            f"USER on line {inst.line} {where} names no user", inst.line)
    root = is_root_user(user)
    shown = (user if user == inst.value.strip() else
             f"{user} (from {inst.value.strip()}{_from_base_env(inst, chain)})")
    verdict = "is root" if root else "is a non-root user"
    return ImageProfile(final, user, inst, root,
                        f"USER {shown} on line {inst.line} {where} {verdict}",
                        inst.line)


def _from_base(final: Stage, chain: list[Stage]) -> ImageProfile:
    """The profile when no USER is set anywhere in the chain: the base image decides."""
    stage = chain[-1]
    no_user = (f"no USER in final stage {final.label}" if stage is final else
               f"no USER in final stage {final.label} or the stages it builds on")
    line = final.from_instruction.line
    if stage.is_scratch:
        if not any(i.keyword in ("CMD", "ENTRYPOINT") for s in chain for i in s.instructions):
            return ImageProfile(
                final, None, None, True,
                f"{no_user}; it starts FROM scratch and has no CMD or ENTRYPOINT, so it holds "
                f"files for `docker build --output` to export rather than a program to run (a "
                f"command given to `docker run` would run as uid 0)", line, exports_files=True)
        return ImageProfile(final, None, None, True,
                            f"{no_user}; it starts FROM scratch, where processes run as uid 0",
                            line)
    if stage.image is None:
        names = ", ".join(stage.base_unresolved) or stage.base
        return ImageProfile(
            final, None, None, None,
            f"{no_user}; the base image comes from {names}, which has no default value, so "
            f"its default user is unknown", line)
    config = stage.base_config
    ref = stage.image.ref
    if config is None or not config.known:
        return ImageProfile(final, None, None, True,
                            f"{no_user}; base image {ref} runs as root by default", line)
    if config.built_by is not None:
        return ImageProfile(final, config.user, None, config.runs_as_root,
                            f"{no_user}; base image {ref} is built by {config.built_by}, "
                            f"where {config.why}", line)
    if config.source == "configuration":
        return ImageProfile(final, None, None, False,
                            f"{no_user}; base image {ref} runs as a non-root user by default "
                            f"(trusted-nonroot-images in the configuration)", line)
    caveat = f", {config.caveat}" if config.caveat else ""
    return ImageProfile(final, config.user, None, False,
                        f"{no_user}; base image {ref} runs as non-root user "
                        f"{config.shown_user} by default{caveat}", line)


def apply_override(profile: ImageProfile, override: UserOverride | None) -> ImageProfile:
    """The profile as the container really runs: a compose ``user:`` beats the image's USER."""
    if override is None:
        return profile
    if override.unresolved or not override.user.strip():
        return replace(profile, user=None, runs_as_root=None, override=override.source,
                       reason=f"{override.source} sets user: {override.user}, which depends on "
                              f"a variable with no default, so the user is unknown")
    root = is_root_user(override.user)
    verdict = "root" if root else "a non-root user"
    return replace(profile, user=override.user, runs_as_root=root, override=override.source,
                   reason=f"{override.source} sets user: {override.user}, {verdict}, which "
                          f"overrides the image's own user ({profile.reason})")
