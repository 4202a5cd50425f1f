"""HT308: a compose service shares one of the host's namespaces."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import text
from tutor.analysis.rules.base import ComposeContext, ComposeRule

# key → (what sharing it exposes, severity)
_NAMESPACES = {
    "network_mode": ("the host's network stack: every host port and interface, and services "
                     "bound to localhost on the host", Severity.WARNING),
    "pid": ("every process on the host: it can see their command lines and environment, and "
            "signal or trace them", Severity.ERROR),
    "ipc": ("the host's shared memory and semaphores", Severity.WARNING),
    "userns_mode": ("the host's user namespace, turning off user remapping so root in the "
                    "container is root on the host", Severity.WARNING),
    "uts": ("the host's hostname, which the container can then change", Severity.WARNING),
    "cgroup": ("the host's cgroup namespace and hierarchy", Severity.WARNING),
}


class ComposeHostNamespace(ComposeRule):
    """A service joins a host namespace (`network_mode: host`, `pid: host`, `ipc: host`…).

    Why:
        Namespaces are what make a container a container. Sharing the host's PID
        namespace lets the container see and signal every host process; the network
        namespace exposes every host interface and localhost-only service; IPC, UTS,
        cgroup and user namespaces each remove another wall.

    Failing:
        services:
          agent:
            image: registry.example.com/agent:7.1.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            pid: host

    Passing:
        services:
          agent:
            image: registry.example.com/agent:7.1.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Fix:
        Remove the `host` setting. Publish ports with `ports:` instead of host
        networking; monitoring agents that truly need the host's view belong on the
        host, or in a dedicated, separately reviewed deployment.
    """

    id = "HT308"
    name = "compose-host-namespace"
    topic = Topic.CAPABILITIES
    severity = Severity.WARNING
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """One finding per namespace key set to ``host`` (``net:`` is version 1's network_mode)."""
        for service in ctx.services:
            for key, (exposed, severity) in _NAMESPACES.items():
                if key == "network_mode" and "net" in service.spec and key not in service.spec:
                    key = "net"
                if text(service.spec.get(key)).strip().lower() == "host":
                    yield self.finding(service.spec.line_of(key),
                                       f"service '{service.name}' sets {key}: host and shares "
                                       f"{exposed}.", severity=severity)
