"""HT205: COPY of a directory sweeps secret files from the build context into the image."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._secret_copies import swept_secrets
from tutor.analysis.rules.base import CRITICAL, DockerfileContext, DockerfileRule

_SHOWN = 5


class SecretInBuildContext(DockerfileRule):
    """`COPY . .` (or any directory copy) carries secret files that .dockerignore lets through.

    Why:
        A directory copy takes everything in it: the `.env` with production passwords,
        a forgotten `id_rsa`, `.npmrc` with a registry token, a cloud credentials file.
        Once in a layer they ship with the image, and nothing in the Dockerfile shows
        it. `.dockerignore` is what keeps such files out of the build context; this
        rule reads it with Docker's own matching rules and names every file that would
        still get in. An `.npmrc` or `.pypirc` is read too: one that only reads its
        token from the environment (`${NPM_TOKEN}`) holds no secret.

    Failing:
        # The build context holds a .env file, and there is no .dockerignore.
        FROM node:22-slim
        WORKDIR /app
        COPY . .
        USER 1000

    Passing:
        FROM node:22-slim
        WORKDIR /app
        COPY package.json package-lock.json ./
        COPY src/ ./src/
        USER 1000

    Fix:
        Add the files to .dockerignore (for example `.env*`, `**/*.pem`, `**/id_*`,
        `.npmrc`, `.git`), or copy only what the image needs instead of the whole
        directory. Rotate anything that has already been shipped in an image.
    """

    id = "HT205"
    name = "secret-in-build-context"
    topic = Topic.SECRETS
    severity = Severity.ERROR
    security_severity = CRITICAL
    lesson = "secrets"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Name the secret files each directory or glob source would carry in."""
        build = ctx.build_context
        if build is None:
            return
        for swept in swept_secrets(ctx):
            inst = swept.source.inst
            names = ", ".join(f"{f.path} ({f.kind})" for f in swept.files[:_SHOWN])
            more = len(swept.files) - _SHOWN
            if more > 0:
                names += f" and {more} more"
            count = len(swept.files)
            files, them = ("file", "it") if count == 1 else ("files", "them")
            guard = (f"{build.ignore_name} does not exclude {them}" if build.ignore_name
                     else "there is no .dockerignore")
            shipped = inst.stage in ctx.final_chain
            yield self.finding(
                inst.line,
                f"{inst.keyword} {swept.source.source} copies {count} secret-looking {files} "
                f"from the build context into the "
                f"{'image' if shipped else 'build stage'}: {names}; {guard}.",
                inst.end_line, severity=Severity.ERROR if shipped else Severity.WARNING)
