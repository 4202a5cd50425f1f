"""A model of the image a Dockerfile builds: its users, who runs each step, and its files.

Nothing is built or run: ``image_build`` follows each stage into a ``StageModel``, and the
``ImageModel`` answers what the rules ask of the result (does the build succeed, can the
runtime user start the entrypoint, write a path, rewrite the code). The answers are
three-valued (yes, no, unknown) and a "no" always names the line and the reason.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field

from tutor.analysis.base_images import MissingCommand
from tutor.analysis.image_accounts import Accounts, Identity
from tutor.analysis.image_files import Entry, FileTree, ancestors, describe, may, normalize
from tutor.analysis.image_run_state import Failure
from tutor.analysis.model import Instruction, Stage
from tutor.analysis.variables import split_words

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
