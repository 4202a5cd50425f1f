"""HT114: a VOLUME the app is meant to write is not writable by the runtime user."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule


class VolumeNotWritable(DockerfileRule):
    """A VOLUME's directory belongs to root while the container runs as another user.

    Why:
        A new named volume starts as a copy of the image's directory, owner and mode
        included (https://docs.docker.com/engine/storage/volumes/#populate-a-volume-using-a-container),
        so a root-owned mount point stays root-owned and every write the app makes there
        fails. The usual reaction, running the container as root or making the directory
        world-writable, undoes the hardening.

    Failing:
        FROM debian:13-slim
        RUN useradd --uid 10001 app && mkdir -p /var/lib/app
        USER 10001
        VOLUME /var/lib/app

    Passing:
        FROM debian:13-slim
        RUN useradd --uid 10001 app && mkdir -p /var/lib/app && chown 10001 /var/lib/app
        USER 10001
        VOLUME /var/lib/app

    Fix:
        Create the directory before `USER` and give it to the runtime user
        (`chown 10001 /var/lib/app`), keeping its mode at 0700 or 0750 rather than 0777.
    """

    id = "HT114"
    name = "volume-not-writable"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "non-root-user"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag each VOLUME of the final image that the runtime user cannot write."""
        model = ctx.model
        if model.final is None or model.runtime_user is None:
            return
        by_line = {inst.line: inst for inst in ctx.dockerfile.instructions}
        for path, line in model.final.volumes:
            verdict = model.writable(path)
            inst = by_line.get(line)
            if verdict.ok is False and inst is not None:
                yield self.at(inst, f"The app cannot write its volume {path}: "
                                    f"{verdict.why}.")
