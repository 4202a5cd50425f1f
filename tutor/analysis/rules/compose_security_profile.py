"""HT310: a compose service turns off seccomp, AppArmor or SELinux confinement."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import items, text
from tutor.analysis.rules.base import ComposeContext, ComposeRule

_DISABLED = re.compile(r"^\s*(seccomp|apparmor|systempaths)\s*[:=]\s*unconfined\s*$|"
                       r"^\s*(label)\s*[:=]\s*disable\s*$", re.IGNORECASE)
_WHAT = {
    "seccomp": "the seccomp filter that blocks some 40 dangerous system calls",
    "apparmor": "the AppArmor profile that keeps the container out of /proc and /sys",
    "systempaths": "the masking of sensitive /proc and /sys paths",
    "label": "SELinux labelling that separates the container from the host",
}


class ComposeSecurityProfileDisabled(ComposeRule):
    """A service runs `unconfined`: seccomp, AppArmor, SELinux or path masking turned off.

    Why:
        Docker's default seccomp and AppArmor profiles block the system calls and
        files most container escapes start from (`mount`, `keyctl`, `unshare`, writes
        to /proc/sys). Turning them off removes that safety net, so a kernel bug or a
        leftover capability becomes much easier to exploit.

    Failing:
        services:
          builder:
            image: registry.example.com/builder:4.0.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt:
              - no-new-privileges:true
              - seccomp:unconfined

    Passing:
        services:
          builder:
            image: registry.example.com/builder:4.0.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt:
              - no-new-privileges:true

    Fix:
        Remove the `unconfined` option. If one system call is missing, write a custom
        seccomp profile that allows just that call (`seccomp:./profile.json`).
    """

    id = "HT310"
    name = "compose-unconfined"
    topic = Topic.CAPABILITIES
    severity = Severity.ERROR
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """Flag each security_opt entry that switches confinement off."""
        for service in ctx.services:
            for value, line in items(service, "security_opt"):
                match = _DISABLED.match(text(value))
                if match:
                    kind = (match.group(1) or match.group(2)).lower()
                    yield self.finding(line, f"service '{service.name}' turns off "
                                             f"{_WHAT[kind]}.")
