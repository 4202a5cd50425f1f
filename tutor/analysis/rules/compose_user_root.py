"""HT109: a compose service sets `user:` to root."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.profile import is_root_user
from tutor.analysis.rules._compose import resolved
from tutor.analysis.rules.base import ComposeContext, ComposeRule


class ComposeUserRoot(ComposeRule):
    """A service sets `user:` to root (`root`, `0`, `0:0`), overriding the image's USER.

    Why:
        `user:` wins over the image's USER instruction, so one line in a compose file
        undoes the non-root user the image was built with. The process runs as uid 0:
        a bug in it is root in the container, and root in the container is one kernel
        bug or one misconfiguration away from root on the host.

    Failing:
        services:
          app:
            image: registry.example.com/app:1.4.2
            user: root
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Passing:
        services:
          app:
            image: registry.example.com/app:1.4.2
            user: "10001:10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Fix:
        Remove `user: root` to keep the image's own non-root USER, or set a numeric
        unprivileged uid such as `user: "10001:10001"`. Fix file ownership at build
        time (`COPY --chown`) rather than running as root to work around it.
    """

    id = "HT109"
    name = "compose-user-root"
    topic = Topic.ROOT
    severity = Severity.ERROR
    lesson = "non-root-user"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """Flag services whose user (or its ``${VAR:-default}``) is root."""
        for service in ctx.services:
            resolved_user = resolved(service, "user")
            if resolved_user is None or not is_root_user(resolved_user[1]):
                continue
            written, user = resolved_user
            how = f" (the default of {written})" if written != user else ""
            built = " built from its Dockerfile" if "build" in service.spec else ""
            yield self.finding(service.spec.line_of("user"),
                               f"service '{service.name}' runs as root: user: {user}{how} "
                               f"overrides the USER of the image{built}.")
