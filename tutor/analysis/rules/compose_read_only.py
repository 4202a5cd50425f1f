"""HT306: a compose service has a writable root filesystem."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import is_true, where
from tutor.analysis.rules.base import ComposeContext, ComposeRule


class ComposeReadOnly(ComposeRule):
    """A service does not mount its root filesystem read-only (`read_only: true`).

    Why:
        With a writable root filesystem, an attacker who gets code execution can
        replace binaries, drop tools and persist a backdoor for as long as the
        container lives. A read-only root makes the image what runs; the places the
        program really writes to become explicit `tmpfs` or volume mounts.

    Failing:
        services:
          worker:
            image: registry.example.com/worker:1.0.3
            user: "10001"
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Passing:
        services:
          worker:
            image: registry.example.com/worker:1.0.3
            user: "10001"
            read_only: true
            tmpfs: [/tmp]
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Fix:
        Add `read_only: true`, then give the program the writable paths it needs with
        `tmpfs:` (scratch space such as /tmp) or named volumes (data to keep).
    """

    id = "HT306"
    name = "compose-read-only"
    topic = Topic.CAPABILITIES
    severity = Severity.INFO
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """Note each service whose root filesystem stays writable."""
        for service in ctx.services:
            if not is_true(service.spec.get("read_only")):
                yield self.finding(where(service, "read_only"),
                                   f"service '{service.name}' can write to its own root "
                                   f"filesystem; read_only: true with tmpfs for scratch space "
                                   f"stops an intruder changing the image.")
