"""HT203: COPY or ADD of a file whose name says it holds secrets."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._secret_copies import copied_secrets
from tutor.analysis.rules._secrets import article
from tutor.analysis.rules.base import CRITICAL, DockerfileContext, DockerfileRule


class SecretFileCopied(DockerfileRule):
    """A COPY or ADD puts a secret file into the image (`id_rsa`, `*.pem`, `.env`, `.npmrc`…).

    Why:
        Every COPY is a layer, and layers are just tar files: anyone who can pull the
        image can unpack it and read the key, the `.env` file or the registry token,
        even if a later RUN deletes the file. Private keys and cloud credentials copied
        this way are among the most common secrets found in public images. The name
        decides (`secrets.txt`, `credentials.yml`, `*.secret`), except for an `.npmrc` or
        `.pypirc` in the build context, which is read: one that only reads its token
        from the environment (`${NPM_TOKEN}`) holds none.

    Failing:
        FROM alpine:3.22
        COPY id_ed25519 /root/.ssh/id_ed25519
        RUN apk add --no-cache git && git clone git@github.com:example/private.git /src
        USER 10001

    Passing:
        FROM alpine:3.22
        RUN apk add --no-cache git openssh-client
        RUN --mount=type=ssh git clone git@github.com:example/private.git /src
        USER 10001

    Fix:
        Do not copy secrets into the image. For build steps use
        `RUN --mount=type=secret,id=NAME` or `RUN --mount=type=ssh` with
        `docker build --secret`/`--ssh`; at run time mount them with compose `secrets:`
        or a volume. Add such files to .dockerignore so they never reach the build.
    """

    id = "HT203"
    name = "secret-file-copied"
    topic = Topic.SECRETS
    severity = Severity.ERROR
    security_severity = CRITICAL
    lesson = "secrets"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag sources named like secrets; in a stage the image does not ship, warn."""
        for copied in copied_secrets(ctx):
            if copied.swept:
                continue
            inst = copied.source.inst
            shipped = inst.stage in ctx.final_chain
            origin = (f" from stage {copied.source.from_stage}" if copied.source.from_stage
                      else "")
            where = ("a layer of the final image: anyone who pulls it can extract the file"
                     if shipped else "a layer of a build stage, its cache and history")
            yield self.finding(
                inst.line,
                f"{inst.keyword} {copied.source.source}{origin} puts {article(copied.kind)} "
                f"into {where}, even if a later step deletes it.",
                inst.end_line, severity=Severity.ERROR if shipped else Severity.WARNING)
