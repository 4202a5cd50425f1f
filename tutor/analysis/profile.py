"""Who the built image runs as: the final stage's effective user, traced through its parents."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tutor.analysis.images import default_user
from tutor.analysis.model import Dockerfile, Instruction, Stage
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


def compute_profile(
    dockerfile: Dockerfile, target: str | None = None, trusted_nonroot: tuple[str, ...] = ()
) -> ImageProfile:
    """Trace the final (or ``target``) stage's user through FROM-stage inheritance."""
    profile = _trace(dockerfile, target, trusted_nonroot)
    return replace(profile, stages=tuple(dockerfile.stages))


def _trace(
    dockerfile: Dockerfile, target: str | None, trusted_nonroot: tuple[str, ...]
) -> ImageProfile:
    """Follow the final stage to the USER or base image that decides its user."""
    final = select_final_stage(dockerfile, target)
    if final is None:
        return ImageProfile(None, None, None, None,
                            "the file has no FROM instruction, so it builds no image", 1)
    stage: Stage = final
    while True:
        user_inst = _last_user(stage)
        if user_inst is not None:
            return _from_user(final, stage, user_inst)
        if stage.parent is None:
            return _from_base(final, stage, trusted_nonroot)
        stage = dockerfile.stages[stage.parent]


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


def _from_user(final: Stage, stage: Stage, inst: Instruction) -> ImageProfile:
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
    shown = user if user == inst.value.strip() else f"{user} (from {inst.value.strip()})"
    verdict = "is root" if root else "is a non-root user"
    return ImageProfile(final, user, inst, root,
                        f"USER {shown} on line {inst.line} {where} {verdict}",
                        inst.line)


def _from_base(final: Stage, stage: Stage, trusted: tuple[str, ...]) -> ImageProfile:
    """The profile when no USER is set anywhere in the chain: the base image decides."""
    no_user = (f"no USER in final stage {final.label}" if stage is final else
               f"no USER in final stage {final.label} or the stages it builds on")
    line = final.from_instruction.line
    if stage.is_scratch:
        return ImageProfile(final, None, None, True,
                            f"{no_user}; it starts FROM scratch, where processes run as uid 0",
                            line)
    if stage.image is None:
        names = ", ".join(stage.base_unresolved) or stage.base
        return ImageProfile(
            final, None, None, None,
            f"{no_user}; the base image comes from {names}, which has no default value, so "
            f"its default user is unknown", line)
    entry = default_user(stage.image, trusted)
    ref = stage.image.ref
    if entry is not None:
        known_user = entry.user if entry.source != "configuration" else None
        return ImageProfile(final, known_user, None, False,
                            f"{no_user}; base image {ref} runs as non-root user {entry.user} "
                            f"by default", line)
    return ImageProfile(final, None, None, True,
                        f"{no_user}; base image {ref} runs as root by default", line)


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
