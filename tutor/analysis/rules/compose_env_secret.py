"""HT206: a compose service has a secret written into its environment or build args."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._secrets import article, compose_env_secrets, shown
from tutor.analysis.rules.base import ComposeContext, ComposeRule
from tutor.analysis.secrets import redact


class ComposeEnvironmentSecret(ComposeRule):
    """A service's `environment` or build `args` holds a literal secret.

    Why:
        A password in the compose file is in version control for good, and an
        environment variable is visible to `docker inspect`, to every process in the
        container and to anything that dumps its environment into a log or crash
        report. Build args are worse: they land in the image history. `${VAR}`
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
    """

    id = "HT206"
    name = "compose-env-secret"
    topic = Topic.SECRETS
    severity = Severity.WARNING
    lesson = "secrets"

    def check_compose(self, ctx: ComposeContext) -> Iterator[Finding]:
        """One finding per literal secret; known credential formats are errors."""
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
                f"service '{found.service}' sets {found.name} in {found.section} to "
                f"{what}{how}: it is in version control and in {leak}.",
                severity=Severity.ERROR if found.match is not None else Severity.WARNING)
