"""Build the ``ImageModel``: follow each stage of a Dockerfile, instruction by instruction.

Each stage starts from its parent stage or from what its base image is known to hold; USER,
WORKDIR, ENV, ARG, VOLUME, COPY and ADD (``image_copy``) and RUN (``image_run``) change it.
Facts about BuildKit (the default builder since Docker Engine 23.0,
https://docs.docker.com/build/buildkit/), read in its source at
https://github.com/moby/buildkit/tree/73ed6825c4b7569379ef89df0aedcdbe64473d31 :

- WORKDIR creates its directory and any missing parents, mode 0755, owned by the USER in
  force (``dispatchWorkdir`` passes ``llb.WithUser(d.image.Config.User)`` to ``llb.Mkdir``
  with ``WithParents``, frontend/dockerfile/dockerfile2llb/convert.go). The classic builder
  made it root's.
- The stages a build runs are the final one, its parents and the stages it copies or mounts
  from (``COPY --from``, ``RUN --mount=from=``).
"""

from __future__ import annotations

from tutor.analysis.base_images import unnamed_image
from tutor.analysis.facts import effective_command
from tutor.analysis.image_accounts import ROOT, Identity
from tutor.analysis.image_copy import apply_copy, copy_flag
from tutor.analysis.image_files import Entry, FileTree, ancestors, normalize
from tutor.analysis.image_model import ImageModel, StageModel
from tutor.analysis.image_run import apply_run
from tutor.analysis.image_run_state import Failure, RunState
from tutor.analysis.interrupt import checkpoint
from tutor.analysis.model import Dockerfile, Instruction, Stage
from tutor.analysis.profile import ImageProfile
from tutor.analysis.shell import pipelines, run_scripts
from tutor.analysis.variables import parse_assignments

# Base images whose files outside the standard directories are only what the Dockerfile
# adds: the distributions, and language images that install under /usr/local only.
_PLAIN_BASES = frozenset({"debian", "ubuntu", "alpine", "busybox", "python", "node",
                          "fedora", "rockylinux", "almalinux", "amazonlinux"})
_PLAIN_PREFIXES = ("gcr.io/distroless/",)


def build_model(dockerfile: Dockerfile, profile: ImageProfile) -> ImageModel:
    """Follow every stage; the final one is the profile's (``--target`` or the last)."""
    models: list[StageModel] = []
    for stage in dockerfile.stages:
        models.append(_follow(stage, models, dockerfile))
    final_stage = profile.final_stage
    final = models[final_stage.index] if final_stage is not None else None
    needed = _needed(dockerfile, final_stage)
    runtime: Identity | None = None
    if final is not None:
        if profile.override is not None:
            runtime = final.accounts.resolve(profile.user) if profile.user else None
        else:
            runtime = final.user
        if profile.runs_as_root is True and runtime is not None and runtime.is_root is None:
            runtime = ROOT
    chain = _chain(dockerfile, final_stage)
    return ImageModel(models, needed, final, runtime, effective_command(chain))


def _chain(dockerfile: Dockerfile, stage: Stage | None) -> list[Stage]:
    chain: list[Stage] = []
    while stage is not None:
        chain.insert(0, stage)
        stage = dockerfile.stages[stage.parent] if stage.parent is not None else None
    return chain


def _needed(dockerfile: Dockerfile, final: Stage | None) -> frozenset[int]:
    """The stages BuildKit runs for the final one: its parents and COPY --from sources."""
    needed: set[int] = set()
    todo = [final] if final is not None else []
    while todo:
        stage = todo.pop()
        if stage.index in needed:
            continue
        needed.add(stage.index)
        if stage.parent is not None:
            todo.append(dockerfile.stages[stage.parent])
        for inst in stage.instructions:
            source = copy_flag(inst, "from") if inst.keyword in ("COPY", "ADD") else None
            if source is not None:
                named = dockerfile.stage_named(source) or (
                    dockerfile.stages[int(source)] if source.isdigit()
                    and int(source) < len(dockerfile.stages) else None)
                if named is not None:
                    todo.append(named)
        for inst in stage.instructions:
            if inst.keyword == "RUN":
                for word in inst.value.split():
                    if word.startswith("--mount=") and "from=" in word:
                        source = word.split("from=", 1)[1].split(",", 1)[0]
                        named = dockerfile.stage_named(source)
                        if named is not None:
                            todo.append(named)
    return frozenset(needed)


def _follow(stage: Stage, earlier: list[StageModel], dockerfile: Dockerfile) -> StageModel:
    if stage.parent is not None and stage.parent < len(earlier):
        parent = earlier[stage.parent]
        model = StageModel(stage, parent.accounts.copy(), parent.tree.copy(), parent.user,
                           parent.cwd, dict(parent.env), volumes=list(parent.volumes),
                           copies=list(parent.copies), shell=parent.shell,
                           lacks=dict(parent.lacks))
    else:
        image = stage.image
        plain = stage.is_scratch or (image is not None and (
            image.hub_name in _PLAIN_BASES or image.hub_name.startswith(_PLAIN_PREFIXES)))
        config = stage.base_config or unnamed_image()
        accounts = config.accounts_model()
        # An image nobody describes is taken to run as root, as almost all do; a user the
        # table or a checked Dockerfile gives is resolved; one known only not to be root, or
        # not known at all, stays unknown.
        user = (ROOT if config.runs_as_root or not config.known else
                accounts.resolve(config.user) if config.user else
                Identity("the base image's user", None, None, None))
        model = StageModel(stage, accounts, FileTree.for_base(stage.is_scratch, plain), user,
                           config.workdir or "/", dict(config.env), shell=config.shell,
                           lacks={m.command: m for m in config.lacks})
        for account in accounts.users.values():
            if account.creates_home and account.home:
                model.tree.set(Entry(account.home, "dir", accounts.resolve(account.name),
                                     None, 0, f"the base image's {account.name} home"))
    for inst in stage.instructions[1:]:
        _step(inst, model, earlier, dockerfile)
    return model


def _step(inst: Instruction, model: StageModel, earlier: list[StageModel],
          dockerfile: Dockerfile) -> None:
    checkpoint()
    keyword = inst.keyword
    if keyword == "USER":
        model.user = (model.accounts.resolve(inst.text) if not inst.unresolved
                      else Identity(inst.value.strip(), None, None, None))
    elif keyword == "WORKDIR":
        _workdir(inst, model)
    elif keyword in ("ENV", "ARG"):
        for name, value in parse_assignments(keyword, inst.text if keyword == "ENV"
                                             else inst.value):
            if keyword == "ENV" or value is not None or name not in model.env:
                model.env[name] = value
    elif keyword in ("COPY", "ADD"):
        apply_copy(inst, model, earlier, dockerfile)
    elif keyword == "VOLUME":
        for word in _volume_paths(inst):
            model.volumes.append((normalize(word, model.cwd or "/"), inst.line))
    elif keyword == "RUN":
        _run(inst, model)


def _workdir(inst: Instruction, model: StageModel) -> None:
    if inst.unresolved:
        model.cwd = None
        return
    path = normalize(inst.text.strip(), model.cwd or "/")
    model.cwd = path
    created: list[str] = []
    for item in [path, *ancestors(path)]:
        if model.tree.exists(item) is not False:
            break
        created.insert(0, item)
    for item in created:
        model.tree.set(Entry(item, "dir", model.user, 0o755, inst.line,
                             f"WORKDIR (made as {model.user.shown})", known_contents=True))


def _volume_paths(inst: Instruction) -> list[str]:
    text = inst.text.strip()
    if text.startswith("["):
        import json

        try:
            items = json.loads(text)
        except ValueError:
            return []
        return [str(i) for i in items] if isinstance(items, list) else []
    return [w for w in text.split() if w]


def _run(inst: Instruction, model: StageModel) -> None:
    exec_form = inst.value.strip().split("]")[0].startswith("[") if inst.value.strip() else False
    if model.shell is False and not exec_form:
        model.failures.append(Failure(inst.line, model.user, "RUN",
                                      "the image has no /bin/sh to run it (distroless and "
                                      "scratch images hold no shell)",
                                      "RUN needs a shell, and the image has no /bin/sh"))
        return
    state = RunState(model.accounts, model.tree, model.user, model.cwd, model.env,
                     lacks=model.lacks)
    for script in run_scripts(inst):
        apply_run(pipelines(script), inst.line, state)
    model.failures.extend(state.failures)
