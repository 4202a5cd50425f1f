"""HT302: a compose service runs privileged."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import is_true, where
from tutor.analysis.rules.base import CRITICAL, ComposeContext, ComposeRule


class ComposePrivileged(ComposeRule):
    """A service sets `privileged: true`.

    Why:
        A privileged container gets every capability, every host device under /dev,
        and no seccomp or AppArmor filtering. Root inside it can mount the host's
        disks, load kernel modules and write to /sys: escaping to the host is a
        documented one-liner, so the container boundary is gone.

    Failing:
        services:
          app:
            image: registry.example.com/app:1.4.2
            user: "10001"
            privileged: true
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Passing:
        services:
          app:
            image: registry.example.com/app:1.4.2
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Fix:
        Remove `privileged: true`. Find out which single power the service needs and
        grant only that: one device with `devices`, one capability with `cap_add` after
        `cap_drop: [ALL]`. A process running as root can use that capability; one
        running as a non-root `user:` cannot, because Docker puts added capabilities only
        in a non-root process's bounding set (moby/moby#36587), so give its binary the
        file capability as well (`setcap cap_net_admin=+ep /path/to/program`).
    """

    id = "HT302"
    name = "compose-privileged"
    topic = Topic.CAPABILITIES
    severity = Severity.ERROR
    security_severity = CRITICAL
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """Flag each service with privileged set to true."""
        for service in ctx.services:
            if is_true(service.spec.get("privileged")):
                yield self.finding(
                    where(service, "privileged"),
                    f"service '{service.name}' is privileged: it gets every capability and "
                    f"every host device with no seccomp filter, so root in it is root on "
                    f"the host.")
