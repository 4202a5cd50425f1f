"""A model of the image a Dockerfile builds: its users, who runs each step, and its files.

Nothing is built or run. Each stage is followed instruction by instruction, from what its
base image is known to hold; the answers are three-valued (yes, no, unknown) and a "no"
always names the line and the reason. Facts about BuildKit (the default builder since
Docker Engine 23.0, https://docs.docker.com/build/buildkit/), read in its source at
https://github.com/moby/buildkit/tree/73ed6825c4b7569379ef89df0aedcdbe64473d31 :

- WORKDIR creates its directory and any missing parents, mode 0755, owned by the USER in
  force (``dispatchWorkdir`` passes ``llb.WithUser(d.image.Config.User)`` to ``llb.Mkdir``
  with ``WithParents``, frontend/dockerfile/dockerfile2llb/convert.go). The classic builder
  made it root's.
- COPY and ADD write as root unless ``--chown`` says otherwise, whatever USER is in force
  (convert_copy.go adds ``WithUser`` only for ``--chown``); files from the build context
  are root's (https://docs.docker.com/reference/dockerfile/#copy---chown---chmod), while
  ``COPY --from`` keeps the owner the files had in that stage (fsutil's copier keeps the
  source uid and gid when no chown is given).
- Missing parent directories of a COPY destination are created owned by the ``--chown``
  user and with the ``--chmod`` mode when it is octal, else 0755 (fsutil ``copy.Copy``
  calls ``MkdirAll(ensureDstPath, perm, ci.Chown, ...)`` with ``perm = *ci.Mode``).
- ``--chmod`` accepts octal or, on current frontends, symbolic modes (convert_copy.go).
- ADD of a URL writes the file with mode 600 (https://docs.docker.com/reference/dockerfile/#add).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field

from tutor.analysis.base_images import MissingCommand, unnamed_image
from tutor.analysis.facts import effective_command
from tutor.analysis.image_accounts import ROOT, Accounts, Identity
from tutor.analysis.image_files import Entry, FileTree, ancestors, describe, may, normalize
from tutor.analysis.image_run import apply_run
from tutor.analysis.image_run_state import Failure, RunState
from tutor.analysis.model import Dockerfile, Instruction, Stage
from tutor.analysis.profile import ImageProfile
from tutor.analysis.shell import pipelines, run_scripts
from tutor.analysis.variables import parse_assignments, split_words

# Base images whose files outside the standard directories are only what the Dockerfile
# adds: the distributions, and language images that install under /usr/local only.
_PLAIN_BASES = frozenset({"debian", "ubuntu", "alpine", "busybox", "python", "node",
                          "fedora", "rockylinux", "almalinux", "amazonlinux"})
_PLAIN_PREFIXES = ("gcr.io/distroless/",)
_INTERPRETERS = frozenset({"sh", "bash", "ash", "dash", "python", "python3", "node", "ruby",
                           "perl", "php", "java"})


@dataclass(slots=True)
class StageModel:
    """One stage followed to its end."""

    stage: Stage
    accounts: Accounts
    tree: FileTree
    user: Identity
    cwd: str | None
    env: dict[str, str | None]
    failures: list[Failure] = field(default_factory=list)
    volumes: list[tuple[str, int]] = field(default_factory=list)
    copies: list[tuple[Instruction, str]] = field(default_factory=list)
    shell: bool | None = None
    # Commands the image does not have yet (until a RUN installs their package).
    lacks: dict[str, MissingCommand] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A yes/no/unknown answer and, when it matters, the line and why."""

    ok: bool | None
    line: int = 0
    why: str = ""


@dataclass(slots=True)
class ImageModel:
    """Every stage, the stages the build needs, and the user the container runs as."""

    stages: list[StageModel]
    needed: frozenset[int]
    final: StageModel | None
    runtime_user: Identity | None
    command: list[str]

    @property
    def failures(self) -> list[Failure]:
        """Steps that fail, in the stages the build runs, in file order."""
        found = [f for s in self.stages if s.stage.index in self.needed for f in s.failures]
        return sorted(found, key=lambda f: f.line)

    def builds(self) -> Verdict:
        """No when a step the build runs must fail; yes otherwise (as far as followed)."""
        failures = self.failures
        if failures:
            first = failures[0]
            brief = first.brief or f"{first.action} fails, USER is {first.user.shown}"
            return Verdict(False, first.line, f"line {first.line}: {brief}")
        return Verdict(True)

    def entry(self, path: str) -> Entry | None:
        """What the final image holds at ``path`` (relative paths from its WORKDIR)."""
        if self.final is None:
            return None
        return self.final.tree.get(normalize(path, self.final.cwd or "/"))

    def starts(self) -> Verdict:
        """Whether the runtime user can run the entrypoint the Dockerfile put in the image."""
        final, user = self.final, self.runtime_user
        if final is None or user is None or not self.command:
            return Verdict(None)
        words = self.command
        if words[:2] in (["/bin/sh", "-c"], ["sh", "-c"]) and len(words) > 2:
            words = split_words(words[2]) or words
        first = words[0]
        script = None
        if posixpath.basename(first) in _INTERPRETERS and len(words) > 1 \
                and not words[1].startswith("-"):
            script = words[1]
        checks = [(script, 4, "read")] if script else [(first, 1, "execute")]
        for word, perm, verb in checks:
            if "/" not in word and not script:
                return Verdict(None)  # found on PATH: a base image program
            path = normalize(word, final.cwd or "/")
            entry = final.tree.get(path)
            if entry is None or entry.line == 0:
                return Verdict(None)
            blocked = self._blocked_dir(final.tree, path, user)
            if blocked is not None:
                return Verdict(False, blocked.line,
                               f"{user.shown} cannot reach {path}: {describe(blocked)} "
                               f"does not let it in")
            allowed = may(entry, user, perm)
            if allowed is False:
                return Verdict(False, entry.line, f"{user.shown} cannot {verb} "
                                                  f"{describe(entry)}")
            if allowed is None:
                return Verdict(None, entry.line, f"who may {verb} {describe(entry)} is unknown")
        return Verdict(True)

    @staticmethod
    def _blocked_dir(tree: FileTree, path: str, user: Identity) -> Entry | None:
        for parent in ancestors(path):
            entry = tree.get(parent)
            if entry is not None and entry.line and may(entry, user, 1) is False:
                return entry
        return None

    def writable(self, path: str) -> Verdict:
        """Whether the runtime user can write (or create) ``path`` in the running container."""
        final, user = self.final, self.runtime_user
        if final is None or user is None:
            return Verdict(None)
        target = normalize(path, final.cwd or "/")
        entry = final.tree.get(target)
        if entry is None:
            parent = final.tree.nearest(target)
            if parent is None or final.tree.exists(target) is None:
                return Verdict(None, 0, f"{target} is not made by the Dockerfile")
            entry = parent
        allowed = may(entry, user, 2)
        blocked = self._blocked_dir(final.tree, entry.path, user)
        if blocked is not None:
            return Verdict(False, blocked.line, f"{describe(blocked)} does not let "
                                                f"{user.shown} in")
        if allowed is None:
            return Verdict(None, entry.line, f"who may write {describe(entry)} is unknown")
        verb = "can" if allowed else "cannot"
        what = target if entry.path == target else f"{target} (it would go in {entry.path})"
        return Verdict(allowed, entry.line, f"{user.shown} {verb} write {what}: "
                                            f"{describe(entry)}")

    def writable_inside(self, path: str, meant: Iterable[str] = ()) -> str | None:
        """Why the runtime user can change something the build put inside ``path``, if so.

        Paths in ``meant`` (and VOLUMEs), which the app is meant to write, are skipped.
        """
        final, user = self.final, self.runtime_user
        if final is None or user is None:
            return None
        top = normalize(path, final.cwd or "/")
        skip = [normalize(p, final.cwd or "/") for p in meant] + [v for v, _ in final.volumes]
        entry = final.tree.entries.get(top)
        inside = [*([entry.below] if entry is not None and entry.below else []),
                  *final.tree.below(top)]
        for item in inside:
            if any(item.path == k or item.path.startswith(k.rstrip("/") + "/") for k in skip):
                continue
            if item.line and may(item, user, 2) is True:
                what = item.path if item.path != top else f"the files in {top}"
                return (f"{user.shown} can change {what}: "
                        f"{describe(item).replace(item.path + ' ', '', 1)}")
        return None

    def code_writable(self, allowed: Iterable[str] = ()) -> list[tuple[Instruction, Entry]]:
        """Code copied into the final image that the runtime user could rewrite.

        One pair per COPY/ADD: the instruction and the file or directory the user can write,
        skipping paths the app is meant to write (VOLUMEs and ``allowed``).
        """
        final, user = self.final, self.runtime_user
        if final is None or user is None or user.is_root is not False:
            return []
        keep = [normalize(p, final.cwd or "/") for p in allowed]
        keep += [path for path, _ in final.volumes]
        found: list[tuple[Instruction, Entry]] = []
        for inst, dest in final.copies:
            if any(inst is done for done, _ in found):
                continue
            if any(dest == k or dest.startswith(k.rstrip("/") + "/") for k in keep):
                continue
            entry = final.tree.entries.get(dest)
            if entry is None or not (entry.code or (entry.below and entry.below.code)):
                continue
            candidates = [entry, *([entry.below] if entry.below else []),
                          *(e for e in final.tree.below(dest) if e.code and e.line == inst.line)]
            candidates = [c for c in candidates if c.line == inst.line or c is entry]
            parent = final.tree.get(posixpath.dirname(dest))
            if parent is not None and parent.line and not any(
                    parent.path == k or parent.path.startswith(k.rstrip("/") + "/")
                    for k in keep):
                candidates.append(parent)
            hit = next((c for c in candidates if may(c, user, 2) is True), None)
            if hit is not None:
                found.append((inst, hit))
        return found


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
            source = _flag(inst, "from") if inst.keyword in ("COPY", "ADD") else None
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
        _copy(inst, model, earlier, dockerfile)
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


def _flag(inst: Instruction, name: str) -> str | None:
    for word in inst.text.split():
        if not word.startswith("--"):
            break
        key, _, value = word[2:].partition("=")
        if key == name:
            return value
    return None


def _copy(inst: Instruction, model: StageModel, earlier: list[StageModel],
          dockerfile: Dockerfile) -> None:
    words = [w for w in split_words(inst.text) if w]
    while words and words[0].startswith("--"):
        words.pop(0)
    if inst.heredocs and len(words) >= 1:
        sources, dest = [h.delimiter for h in inst.heredocs], words[-1]
    elif len(words) >= 2:
        sources, dest = words[:-1], words[-1]
    else:
        return
    if inst.unresolved or (model.cwd is None and not dest.startswith("/")):
        return
    chown, chmod = _flag(inst, "chown"), _flag(inst, "chmod")
    from_stage = _flag(inst, "from")
    owner = model.accounts.resolve(chown) if chown else (None if from_stage else ROOT)
    source_model = None
    if from_stage is not None:
        named = dockerfile.stage_named(from_stage)
        if named is not None and named.index < len(earlier):
            source_model = earlier[named.index]
    mode = int(chmod, 8) if chmod and chmod.isdigit() else None
    dest_path = normalize(dest, model.cwd or "/")
    existing = model.tree.get(dest_path)
    into_dir = dest.endswith("/") or len(sources) > 1 or (
        existing is not None and existing.kind == "dir")
    is_url = any("://" in s for s in sources)
    parent_mode = mode if mode is not None else 0o755
    top = dest_path if into_dir else posixpath.dirname(dest_path)
    missing = [top, *ancestors(top)]
    for item in reversed(missing):
        if model.tree.exists(item) is False:
            model.tree.set(Entry(item, "dir", owner or ROOT, parent_mode, inst.line,
                                 f"{inst.keyword} (made for its destination)",
                                 known_contents=True))
    for source in sources:
        found = source_model.tree.get(normalize(source, source_model.cwd or "/")) \
            if source_model is not None else None
        whole_dir = source in (".", "./") or source.endswith("/") or (
            found is not None and found.kind == "dir") or (
            into_dir and "." not in posixpath.basename(source) and not is_url)
        target = dest_path if (whole_dir or not into_dir) else posixpath.join(
            dest_path, posixpath.basename(source))
        file_mode = mode if mode is not None else (0o600 if is_url else None)
        src_owner = owner
        if source_model is not None:
            # COPY --from keeps the owner (unless --chown) and the mode (unless --chmod).
            if owner is None:
                src_owner = found.owner if found else None
            if mode is None and found is not None and found.kind == "file":
                file_mode = found.mode
        kind = "dir" if whole_dir else "file"
        context = from_stage is None and not is_url
        contents = Entry(target, "unknown", src_owner, mode, inst.line, inst.keyword,
                         code=True, from_context=context)
        if kind == "dir" and existing is not None and existing.kind == "dir":
            # Contents go into an existing directory, which keeps its owner; what it held
            # stays unless a file of the same name comes from the context.
            model.tree.set(Entry(existing.path, "dir", existing.owner, existing.mode,
                                 existing.line, existing.how, existing.code,
                                 existing.known_contents, below=contents))
        else:
            model.tree.remove(target)
            dir_mode = mode if mode is not None or found is None else found.mode
            model.tree.set(Entry(target, kind, src_owner,
                                 file_mode if kind == "file" else dir_mode,
                                 inst.line, inst.keyword, code=True,
                                 below=contents if kind == "dir" else None,
                                 from_context=context))
        model.copies.append((inst, target))


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
