"""HT113: the runtime user can rewrite the application's own code."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.image_files import describe
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule


class CodeWritableByUser(DockerfileRule):
    """Files copied into the image are writable by the user the container runs as.

    Why:
        A non-root user limits what an attacker can do after getting code execution in
        the app, but if that same user owns the app's code (`COPY --chown=app . .`, or a
        directory it owns holding the code), the attacker can rewrite the code or drop a
        new file next to it and stay in the container across restarts of the process.
        Only the directories the app really writes to should belong to it.

    Failing:
        FROM python:3.13-slim
        RUN useradd --uid 10001 app
        WORKDIR /app
        COPY --chown=10001:10001 . .
        USER 10001
        CMD ["python", "app.py"]

    Passing:
        FROM python:3.13-slim
        RUN useradd --uid 10001 app
        WORKDIR /app
        COPY . .
        RUN mkdir /app/data && chown 10001 /app/data
        USER 10001
        CMD ["python", "app.py"]

    Fix:
        Copy the code as root (drop `--chown`), create the directories the app writes
        before `USER` and give only those to the user, or declare them as `VOLUME`s.
    """

    id = "HT113"
    name = "code-writable-by-user"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "non-root-user"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """One finding per COPY or ADD whose files the runtime user could change."""
        model = ctx.model
        user = model.runtime_user
        if user is None:
            return
        for inst, entry in model.code_writable():
            yield self.at(inst, f"{user.shown}, the user the container runs as, can write "
                                f"{describe(entry)}, so whoever gets into the app can "
                                f"change its code.")
