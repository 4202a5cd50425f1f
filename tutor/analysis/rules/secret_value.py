"""HT202: a secret value written into the Dockerfile."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._secrets import article, shown, value_secrets
from tutor.analysis.rules.base import CRITICAL, DockerfileContext, DockerfileRule


class SecretValue(DockerfileRule):
    """A credential is written into the Dockerfile itself: a token, a key, a password.

    Why:
        Whatever the variable is called, a real credential in the Dockerfile is in your
        version control history, in the image's layers or history (`docker history`
        prints every RUN command line), and in the build logs of every CI run. Known
        formats (AWS, GitHub, GitLab, Slack, Stripe, Google keys, private keys, JWTs),
        passwords in URLs and on command lines, literals in LABELs named like secrets,
        passwords an askpass script prints for git or ssh, and long random-looking
        strings are all caught; a random-looking identifier (`DOCUMENT_ID`) is not a
        credential. Rotate a credential that has been committed: deleting it is not enough.

    Failing:
        FROM node:22-slim
        RUN npm config set //registry.npmjs.org/:_authToken npm_Zq3xK9vLm2Pw8RtY5bN1cD4fG7hJ0sA6eU2i
        USER 1000

    Passing:
        FROM node:22-slim
        RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
        USER 1000

    Fix:
        Remove the value and rotate the credential. Pass it to the build with
        `RUN --mount=type=secret,id=NAME` (or `--mount=type=ssh` for SSH keys) and
        `docker build --secret id=NAME,src=FILE`; at run time use compose `secrets:`.
    """

    id = "HT202"
    name = "secret-value"
    topic = Topic.SECRETS
    severity = Severity.ERROR
    security_severity = CRITICAL
    lesson = "secrets"
    aliases = ("CKV_SECRET_*",)

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """One finding per secret value, showing only its masked form."""
        for found in value_secrets(ctx):
            yield self.at(found.inst, f"{found.where} contains what looks like "
                                      f"{article(found.match.kind)}{shown(found.match.masked)}; it "
                                      f"is stored in the image history and in version control.")
