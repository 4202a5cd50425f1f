"""HT307: a compose service mounts the container engine's socket."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tutor.analysis.compose import YamlMap
from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import items, text
from tutor.analysis.rules.base import CRITICAL, ComposeContext, ComposeRule

_SOCKET = re.compile(r"(?:^|/)(?:docker|podman|containerd|crio|buildkitd)\.sock$|"
                     r"^/var/run/docker$|^/run/(?:docker|containerd|podman)$")


def volume_source(volume: Any) -> str:
    """The host side of a volume in short (``src:dst:mode``) or long (``source:``) syntax."""
    if isinstance(volume, YamlMap):
        return text(volume.get("source"))
    return text(volume).split(":", 1)[0]


def is_engine_socket(source: str) -> bool:
    """True when a mount's host side is an engine socket or its directory (HT307's concern)."""
    source = source.rstrip("/")
    return bool(source) and bool(_SOCKET.search(source))


class ComposeDockerSocket(ComposeRule):
    """A service mounts the Docker (or another container engine's) socket.

    Why:
        Whoever can talk to the Docker socket can start a privileged container with
        the host's root filesystem mounted and chroot into it: the socket is root on
        the host, and a `:ro` mount does not change that (read-only applies to the
        file, not to the API calls sent through it).

    Failing:
        services:
          dashboard:
            image: registry.example.com/dashboard:0.9.1
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            volumes:
              - /var/run/docker.sock:/var/run/docker.sock:ro

    Passing:
        services:
          dashboard:
            image: registry.example.com/dashboard:0.9.1
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            environment:
              DOCKER_HOST: tcp://socket-proxy:2375

    Fix:
        Do not mount the socket. If the service must read container state, put a
        filtering proxy in between (for example a socket proxy that only allows GET
        on /containers) and point DOCKER_HOST at it; or use rootless Docker.
    """

    id = "HT307"
    name = "compose-docker-socket"
    topic = Topic.CAPABILITIES
    severity = Severity.ERROR
    security_severity = CRITICAL
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """Flag volumes whose host side is an engine socket or its directory."""
        for service in ctx.services:
            for volume, line in items(service, "volumes"):
                source = volume_source(volume).rstrip("/")
                if isinstance(volume, YamlMap):
                    line = volume.line_of("source")
                if is_engine_socket(source):
                    yield self.finding(line, f"service '{service.name}' mounts {source}: "
                                             f"anything in the container can ask the engine "
                                             f"for a privileged container, which is root on "
                                             f"the host.")
