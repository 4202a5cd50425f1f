"""HT206: a compose service has a secret written into its environment, build args or command."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose_secrets import compose_command_secrets, compose_env_secrets
from tutor.analysis.rules._secrets import article, shown
from tutor.analysis.rules.base import ComposeContext, ComposeRule
from tutor.analysis.secret_commands import COMMAND_LINE_KINDS
from tutor.analysis.secrets import is_placeholder, redact

# A placeholder in a file that is deployed works as written: say why it still counts (only
# a file named as a template keeps quiet about one).
_PLACEHOLDER = (" It reads like a placeholder, but whoever deploys this file as it is gets "
                "that value; a template to copy belongs in a file named as one "
                "(compose.example.yaml).")


class ComposeEnvironmentSecret(ComposeRule):
    """A service's `environment`, build `args` or command line holds a literal secret.

    Why:
        A password in the compose file is in version control for good, and an
        environment variable is visible to `docker inspect`, to every process in the
        container and to anything that dumps its environment into a log or crash
        report. Build args are worse: they land in the image history. A password on a
        `command:` (`redis-server --requirepass …`) or healthcheck line is shown by
        `docker inspect` too, and by `ps` to every user of the host. `${VAR}`
        interpolation keeps the value out of the file, and compose `secrets:` keep it
        out of the environment as well.

    Failing:
        services:
          db:
            image: postgres:18
            user: "999:999"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            environment:
              POSTGRES_PASSWORD: Tr0ub4dor-and-3

    Passing:
        services:
          db:
            image: postgres:18
            user: "999:999"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            environment:
              POSTGRES_PASSWORD_FILE: /run/secrets/db_password
            secrets: [db_password]
        secrets:
          db_password:
            file: ./db_password.txt

    Fix:
        Move the value out of the file: declare it under top-level `secrets:` (from a
        file or the host's environment), list it in the service's `secrets:`, and point
        the program at /run/secrets/NAME, usually through a `*_FILE` variable. At the
        least, use `${VAR}` so the value comes from the environment or an untracked .env.
        A server that takes its password only as an option can read it from a mounted
        file instead (`redis-server /run/secrets/redis.conf`, with `requirepass` in it).
    """

    id = "HT206"
    name = "compose-env-secret"
    topic = Topic.SECRETS
    severity = Severity.WARNING
    lesson = "secrets"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """One finding per literal secret; known credential formats are errors."""
        yield from self._environment(ctx)
        for line_secret in compose_command_secrets(ctx):
            match = line_secret.match
            yield self.finding(
                line_secret.line,
                f"service '{line_secret.service}' has {article(match.kind)}"
                f"{shown(match.masked)} in its {line_secret.section}: it is in version "
                f"control, in `docker inspect` and in the host's process list."
                f"{_PLACEHOLDER if is_placeholder(match.value) else ''}",
                severity=Severity.WARNING if match.kind in COMMAND_LINE_KINDS
                else Severity.ERROR)

    def _environment(self, ctx: ComposeContext) -> Iterator[Finding]:
        """Literal secrets in environment and build args."""
        for found in compose_env_secrets(ctx):
            if found.match is not None:
                what = f"{article(found.match.kind)}{shown(found.match.masked)}"
            else:
                what = f"a literal value{shown(redact(found.value))}"
            how = f" as the {found.via} of its ${{…}} reference" if found.via else ""
            leak = ("the image history" if found.section == "build args"
                    else "`docker inspect` and the container's environment")
            yield self.finding(
                found.line,
                f"service '{found.service}' sets {found.name}"
                f"{f' ({found.meaning})' if found.meaning else ''} in {found.section} to "
                f"{what}{how}: it is in version control and in {leak}."
                f"{_PLACEHOLDER if found.placeholder else ''}",
                severity=Severity.ERROR if found.match is not None else Severity.WARNING)
