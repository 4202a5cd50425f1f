"""HT304: a compose service keeps Docker's default capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import items, text, where
from tutor.analysis.rules.base import ComposeContext, ComposeRule
from tutor.analysis.rules.compose_cap_add import capability_name


class ComposeCapDropMissing(ComposeRule):
    """A service does not drop all capabilities with `cap_drop: [ALL]`.

    Why:
        Without `cap_drop`, Docker gives every container 14 capabilities, among them
        CHOWN, DAC_OVERRIDE (ignore file permissions), SETUID and SETGID (become any
        user), NET_RAW (forge packets on the container network) and MKNOD. Most
        services need none of them; each is a tool for an attacker who gets in.

    Failing:
        services:
          api:
            image: registry.example.com/api:3.0.1
            user: "10001"
            read_only: true
            security_opt: ["no-new-privileges:true"]

    Passing:
        services:
          api:
            image: registry.example.com/api:3.0.1
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Fix:
        Add `cap_drop: [ALL]` to the service, then add back with `cap_add` only the
        capability the service proves it needs (a non-root `user:` can use it only
        through a binary given that file capability: see HT303).
    """

    id = "HT304"
    name = "compose-cap-drop-missing"
    topic = Topic.CAPABILITIES
    severity = Severity.WARNING
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """Flag services whose cap_drop is missing or does not include ALL."""
        for service in ctx.services:
            dropped = {capability_name(text(v)) for v, _ in items(service, "cap_drop")}
            if "ALL" in dropped:
                continue
            if dropped:
                yield self.finding(where(service, "cap_drop"),
                                   f"service '{service.name}' drops only "
                                   f"{', '.join(sorted(dropped))}; it keeps the rest of "
                                   f"Docker's default capabilities.")
            else:
                yield self.finding(service.line,
                                   f"service '{service.name}' keeps Docker's 14 default "
                                   f"capabilities (SETUID, DAC_OVERRIDE, NET_RAW…); it has no "
                                   f"cap_drop: [ALL].")
