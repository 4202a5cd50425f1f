"""HT201: an ENV or ARG whose name says it holds a secret."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._secrets import (
    NamedSecret,
    article,
    masked_operands,
    named_secrets,
    shown,
)
from tutor.analysis.rules.base import CRITICAL, DockerfileContext, DockerfileRule
from tutor.analysis.secrets import is_documentation_example, is_placeholder, redact


class SecretInEnvOrArg(DockerfileRule):
    """An `ENV` or `ARG` is named like a secret (`DB_PASSWORD`, `API_TOKEN`, `AWS_SECRET_ACCESS_KEY`).

    Why:
        An `ENV` value is written into the image's configuration: `docker inspect` shows
        it to anyone who can pull the image, and every container started from it has it
        in its environment. A build argument is no better: its value is recorded in
        `docker history` for every RUN that uses it, and cached layers keep it. Either
        way the secret outlives the build and travels wherever the image goes. Some
        tools define credentials under names with no secret word in them, and those count
        too: `PGPASSWORD`, Bundler's `BUNDLE_<HOST>`, npm's `NPM_CONFIG__AUTHTOKEN`,
        GitLab Runner's `DOCKER_AUTH_CONFIG`. AWS's documentation example key is no leak,
        but setting keys this way is still worth a warning.

    Failing:
        FROM python:3.13-slim
        ENV DB_PASSWORD=s3cr3t-Passw0rd
        USER 10001

    Passing:
        FROM python:3.13-slim
        ENV DB_PASSWORD_FILE=/run/secrets/db_password
        USER 10001

    Fix:
        Give secrets to the container at run time: `docker run -e`, compose
        `environment:` taken from the host, or better compose/Swarm `secrets:` mounted
        under /run/secrets and read through a `*_FILE` variable. If the build itself
        needs the secret, use `RUN --mount=type=secret,id=NAME`, which never stores it.
    """

    id = "HT201"
    name = "secret-in-env-or-arg"
    topic = Topic.SECRETS
    severity = Severity.ERROR
    security_severity = CRITICAL
    lesson = "secrets"
    aliases = ("DL3064", "DS-0031", "SecretsUsedInArgOrEnv", "CKV_SECRET_*")

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """One finding per secret-named assignment; a literal in the final image is an error."""
        for found in named_secrets(ctx):
            inst, value = found.inst, found.value
            if value and is_documentation_example(value):
                yield self._example(found)
                continue
            shipped = inst.stage in ctx.final_chain
            reference = value is not None and "$" in value
            how = ""
            if found.match is not None:
                what = f"what looks like {article(found.match.kind)}{shown(found.match.masked)}"
            elif value and not reference and not is_placeholder(value):
                what = f"a literal value{shown(redact(value))}"
            elif found.operands:
                operator, literal = found.operands[0]
                what = f"a literal value{shown(redact(literal))}"
                how = (f" as the {'default' if operator == '-' else 'alternative'} of its "
                       f"${{…}} reference")
            else:
                what = None
            if inst.keyword == "ENV":
                if what:
                    held = f"stores {what}{how} in the image's configuration"
                elif reference:
                    # Any ${X:?message} word is masked as well: a reference shows its shape.
                    held = (f"copies {masked_operands((value or '').strip(), ctx.escape)} into "
                            f"the image's configuration at build time")
                else:
                    held = "declares a secret in the image's configuration"
                message = (f"ENV {_called(found)} {held}: `docker inspect`, `docker history` and "
                           f"the environment of every container reveal it to anyone who can "
                           f"pull the image, and every layer after line {inst.line} is built "
                           f"with it.")
                severity = (Severity.ERROR if what is not None and not reference and shipped
                            else Severity.WARNING)
            else:
                given = "" if not what else f" with {what}{how}" if how else \
                    f" with a default of {what}"
                message = (f"ARG {_called(found)}{given} is a build argument: its value is recorded in "
                           f"`docker history` for every RUN that uses it and kept in cached "
                           f"layers.")
                severity = Severity.ERROR if found.match is not None else Severity.WARNING
            yield self.finding(inst.line, message, inst.end_line, severity=severity)

    def _example(self, found: NamedSecret) -> Finding:
        """AWS's documentation key opens nothing; the way it is set would store a real one."""
        inst = found.inst
        stored = ("in the image's configuration, where `docker inspect` shows it" if
                  inst.keyword == "ENV" else "in `docker history` for every RUN that uses it")
        return self.finding(
            inst.line, f"{inst.keyword} {_called(found)} holds AWS's documentation example "
                       f"key, which opens nothing; a real key set this way would be stored "
                       f"{stored}.", inst.end_line, severity=Severity.WARNING)


def _called(found: NamedSecret) -> str:
    """The variable's name, with what it holds when the name alone does not say."""
    return f"{found.name} ({found.meaning})" if found.meaning else found.name
