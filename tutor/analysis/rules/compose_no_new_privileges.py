"""HT305: a compose service lets processes gain privileges through setuid files."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import items, text, where
from tutor.analysis.rules.base import ComposeContext, ComposeRule

# Docker reads `no-new-privileges`, `no-new-privileges:true` and `=true` (Go's ParseBool).
_NNP = re.compile(r"^\s*no-new-privileges\s*(?:[:=]\s*(\S*))?\s*$", re.IGNORECASE)
_TRUE = frozenset({"", "1", "t", "true"})


class ComposeNoNewPrivileges(ComposeRule):
    """A service does not set `security_opt: ["no-new-privileges:true"]`.

    Why:
        Without it, a process in the container can still become root by running a
        setuid-root program (su, passwd, a forgotten copy of bash with the setuid
        bit), or gain file capabilities from a binary. `no-new-privileges` tells the
        kernel that nothing started in the container may ever gain more privilege
        than its parent had, which closes that whole route for a non-root service.

    Failing:
        services:
          web:
            image: registry.example.com/web:5.2.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]

    Passing:
        services:
          web:
            image: registry.example.com/web:5.2.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Fix:
        Add `security_opt: ["no-new-privileges:true"]` to the service (or start the
        Docker daemon with `"no-new-privileges": true` to make it the default).
    """

    id = "HT305"
    name = "compose-no-new-privileges"
    topic = Topic.CAPABILITIES
    severity = Severity.WARNING
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """Flag services without no-new-privileges, or with it explicitly off."""
        for service in ctx.services:
            setting: tuple[bool, int] | None = None
            for value, line in items(service, "security_opt"):
                match = _NNP.match(text(value))
                if match:
                    setting = ((match.group(1) or "").lower() in _TRUE, line)
            if setting is None:
                yield self.finding(where(service, "security_opt"),
                                   f"service '{service.name}' does not set no-new-privileges: "
                                   f"a setuid-root program in the image can still make a "
                                   f"process root.")
            elif not setting[0]:
                yield self.finding(setting[1], f"service '{service.name}' turns "
                                               f"no-new-privileges off explicitly.")
