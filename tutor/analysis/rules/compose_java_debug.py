"""HT312: a compose service runs or publishes the Java debug port (JDWP)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tutor.analysis.compose import Service, YamlList, YamlMap
from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import text, variables
from tutor.analysis.rules._jdwp import CONVENTIONAL_PORT, Listener, listener
from tutor.analysis.rules.base import ComposeContext, ComposeRule

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


class ComposeJavaDebug(ComposeRule):
    """A service turns on the Java debug agent (JDWP), or publishes port 5005.

    Why:
        The Java Debug Wire Protocol has no authentication: whoever connects can call
        any method in the JVM, `Runtime.exec` included, and so runs commands in the
        container. A debug agent in `JAVA_TOOL_OPTIONS`, `JAVA_OPTS` or the command,
        with its port in `ports:`, is remote code execution for anyone who can reach the
        host. Port 5005 is where IDEs and build tools put the agent by convention, so
        publishing it usually means exactly that.

    Failing:
        services:
          api:
            image: registry.example.com/api:3.2.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            environment:
              JAVA_TOOL_OPTIONS: -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005
            ports: ["8080:8080", "5005:5005"]

    Passing:
        services:
          api:
            image: registry.example.com/api:3.2.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            ports: ["8080:8080"]

    Fix:
        Remove the agent and the published debug port from the file you deploy. For a
        debugging session on your own machine, put them in an override file you do not
        ship, and publish the port on the loopback only (`"127.0.0.1:5005:5005"`).
    """

    id = "HT312"
    name = "compose-java-debug"
    topic = Topic.CAPABILITIES
    severity = Severity.ERROR
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """The agent where the service sets it; else a published port 5005."""
        for service in ctx.services:
            published = _published(service)
            agent = _agent(service)
            if agent is not None:
                found, line, where = agent
                port = found.port
                shown = (f", and publishes it on host port {published[port][0]}"
                         if port in published else "")
                yield self.finding(
                    line, f"service '{service.name}' turns on the Java debug agent in {where} "
                          f"{found.where()}{shown}: JDWP has no authentication, so whoever "
                          f"reaches the port runs code in the JVM.",
                    severity=Severity.ERROR if found.everywhere or shown else Severity.WARNING)
            elif CONVENTIONAL_PORT in published:
                host, line = published[CONVENTIONAL_PORT]
                yield self.finding(
                    line, f"service '{service.name}' publishes container port "
                          f"{CONVENTIONAL_PORT} on host port {host}, the Java debug (JDWP) "
                          f"port by convention: if the image starts the agent there, anyone "
                          f"who reaches the host runs code in the JVM, since JDWP has no "
                          f"authentication.", severity=Severity.WARNING)


def _agent(service: Service) -> tuple[Listener, int, str] | None:
    """The listening agent in the service's environment, command or entrypoint."""
    spec = service.spec
    for name, value, line in variables(spec.get("environment")):
        found = listener(value)
        if found is not None:
            return found, line, name
    for key in ("command", "entrypoint"):
        written = spec.get(key)
        words = [text(v) for v in written] if isinstance(written, YamlList) else [text(written)]
        found = listener(" ".join(words))
        if found is not None:
            return found, spec.line_of(key), key
    return None


def _published(service: Service) -> dict[int, tuple[str, int]]:
    """Container port → (host port, line) for each port published beyond the loopback."""
    ports = service.spec.get("ports")
    found: dict[int, tuple[str, int]] = {}
    if not isinstance(ports, YamlList):
        return found
    for index, item in enumerate(ports):
        entry = _port(item)
        if entry is not None:
            container, host = entry
            found.setdefault(container, (host, ports.line_of(index)))
    return found


def _port(item: Any) -> tuple[int, str] | None:
    """(container port, host port) of one `ports:` entry, None when it stays on loopback."""
    if isinstance(item, YamlMap):
        if text(item.get("host_ip")) in _LOOPBACK_HOSTS:
            return None
        target = text(item.get("target"))
        return (int(target), text(item.get("published")) or "random") \
            if target.isdigit() else None
    value = text(item).split("/", 1)[0]
    if value.startswith(_LOOPBACK_HOSTS):
        return None
    parts = value.rsplit(":", 2) if not value.startswith("[") else [value]
    container = parts[-1]
    host = parts[-2] if len(parts) > 1 else "random"
    if container.isdigit():
        return int(container), host
    low, _, high = container.partition("-")
    if low.isdigit() and high.isdigit() and int(low) <= CONVENTIONAL_PORT <= int(high):
        return CONVENTIONAL_PORT, host
    return None
