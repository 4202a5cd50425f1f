"""HT309: a compose service is given host devices."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tutor.analysis.compose import YamlMap
from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import items, text
from tutor.analysis.rules.base import ComposeContext, ComposeRule

# Raw memory and whole disks give the host away; most other devices are a narrower risk.
_CRITICAL = re.compile(r"^/dev/(?:mem|kmem|port|sd[a-z]+|nvme\d+n\d+|vd[a-z]+|xvd[a-z]+|"
                       r"hd[a-z]+|mapper/.*|dm-\d+|disk/.*|kvm|fuse)$")


class ComposeDevices(ComposeRule):
    """A service maps host devices into the container with `devices`.

    Why:
        A device node is a direct line to a driver in the host kernel. Raw disks let
        the container read and rewrite the host's filesystems, `/dev/mem` exposes
        physical memory, and driver bugs are kernel bugs. Each mapped device widens
        what an attacker in the container can reach.

    Failing:
        services:
          backup:
            image: registry.example.com/backup:2.0.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            devices:
              - /dev/sda:/dev/sda

    Passing:
        services:
          backup:
            image: registry.example.com/backup:2.0.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            volumes:
              - backups:/backups
        volumes:
          backups: {}

    Fix:
        Remove the device, or map the single device the service needs (a GPU, a serial
        port) and document why; give data access through volumes instead of disks.
    """

    id = "HT309"
    name = "compose-devices"
    topic = Topic.CAPABILITIES
    severity = Severity.WARNING
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """One finding per mapped device; raw memory and disks are errors."""
        for service in ctx.services:
            for device, line in items(service, "devices"):
                source = text(device.get("source") if isinstance(device, YamlMap) else device)
                host = source.split(":", 1)[0]
                if _CRITICAL.match(host):
                    yield self.finding(line, f"service '{service.name}' maps {host}, which "
                                             f"gives raw access to the host's memory or disks.",
                                       severity=Severity.ERROR)
                else:
                    yield self.finding(line, f"service '{service.name}' maps the host device "
                                             f"{host or source} into the container.")
