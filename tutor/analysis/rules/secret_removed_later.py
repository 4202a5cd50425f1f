"""HT204: a RUN deletes a secret that an earlier layer already stored."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._run import run_commands
from tutor.analysis.rules._secret_copies import copied_secrets
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule

_REMOVERS = frozenset({"rm", "shred", "unlink"})


class SecretRemovedLater(DockerfileRule):
    """A RUN deletes a secret file that an earlier COPY or ADD stored in its own layer.

    Why:
        Deleting a file in a later layer only hides it: the layer that added it is
        still part of the image, and `docker save` plus `tar` brings the file back. This
        pattern gives a false sense of safety, which is why it is reported on its own
        even though the COPY is already flagged.

    Failing:
        FROM debian:13-slim
        COPY id_ed25519 /tmp/id_ed25519
        RUN ssh-agent sh -c 'ssh-add /tmp/id_ed25519 && git clone git@example.com:app.git /app'
        RUN rm /tmp/id_ed25519
        USER 10001

    Passing:
        FROM debian:13-slim
        RUN --mount=type=ssh git clone git@example.com:app.git /app
        USER 10001

    Fix:
        Never let the secret into a layer: use `RUN --mount=type=secret` or
        `--mount=type=ssh` for the step that needs it. If a secret was already
        shipped this way, rotate it.
    """

    id = "HT204"
    name = "secret-removed-later"
    topic = Topic.SECRETS
    severity = Severity.WARNING
    lesson = "secrets"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Match rm/shred/unlink arguments against the secrets copied before them."""
        copied = copied_secrets(ctx)
        if not copied:
            return
        for cmd in run_commands(ctx):
            if cmd.program not in _REMOVERS:
                continue
            targets = [w for w in cmd.words[1:] if not w.startswith("-")]
            for secret in copied:
                source = secret.source
                if source.inst.line >= cmd.inst.line or not self._same_image(
                        ctx, source.inst.stage, cmd.inst.stage):
                    continue
                if any(_removes(t, secret.path_in_image) for t in targets):
                    yield self.at(cmd.inst, f"removing {secret.path_in_image} here does not "
                                            f"take it out of the image: the "
                                            f"{source.inst.keyword} on line {source.inst.line} "
                                            f"stored it in an earlier layer.")
                    break

    @staticmethod
    def _same_image(ctx: DockerfileContext, copy_stage: int, run_stage: int) -> bool:
        """The RUN's stage is the COPY's stage or builds on it."""
        stage = ctx.dockerfile.stages[run_stage] if run_stage >= 0 else None
        while stage is not None:
            if stage.index == copy_stage:
                return True
            stage = (ctx.dockerfile.stages[stage.parent] if stage.parent is not None
                     else None)
        return False


def _removes(target: str, path: str) -> bool:
    """Whether ``rm target`` deletes ``path``: the file itself, a glob, or a parent folder."""
    target = target.rstrip("/") or "/"
    if fnmatch.fnmatchcase(path, target) or posixpath.basename(path) == target:
        return True
    return path.startswith(target + "/")
