"""HT303: a compose service adds Linux capabilities."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import items, non_root_user, text
from tutor.analysis.rules.base import ComposeContext, ComposeRule

# What each dangerous capability hands an attacker, in a phrase.
_HIGH = {
    "ALL": "every capability at once, most of root's power over the kernel",
    "SYS_ADMIN": "mount, namespaces and dozens of admin calls; the classic escape route",
    "NET_ADMIN": "control of network interfaces, routes and firewall rules",
    "SYS_PTRACE": "reading and changing the memory of other processes",
    "SYS_MODULE": "loading kernel modules, which is the host kernel",
    "DAC_READ_SEARCH": "reading any file, past permissions (the 'shocker' escape)",
    "SYS_RAWIO": "raw access to I/O ports and devices",
    "SYS_BOOT": "rebooting the host",
    "SYS_TIME": "changing the host's clock",
    "MAC_ADMIN": "changing AppArmor or SELinux policy",
    "MAC_OVERRIDE": "bypassing AppArmor or SELinux policy",
    "BPF": "loading eBPF programs into the kernel",
    "PERFMON": "kernel performance monitoring, a side channel into other processes",
    "SYSLOG": "reading kernel logs, which leak kernel addresses",
    "LINUX_IMMUTABLE": "changing immutable and append-only file flags",
    "SYS_TTY_CONFIG": "reconfiguring terminals",
    "WAKE_ALARM": "setting wake-up alarms on the host",
    "BLOCK_SUSPEND": "stopping the host from suspending",
}
_KNOWN = frozenset(_HIGH) | {
    "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "CHECKPOINT_RESTORE", "CHOWN",
    "DAC_OVERRIDE", "FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE", "MKNOD",
    "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
    "SYS_CHROOT", "SYS_NICE", "SYS_PACCT", "SYS_RESOURCE",
}


def capability_name(value: str) -> str:
    """``cap_net_admin`` and ``NET_ADMIN`` are the same capability to Docker."""
    name = value.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


class ComposeCapAdd(ComposeRule):
    """A service adds Linux capabilities with `cap_add`.

    Why:
        Capabilities split root's power into pieces; every piece you add back is a
        piece an attacker in the container can use. `SYS_ADMIN` permits `mount` and
        dozens of admin calls, and on Docker only the AppArmor profile and the device
        cgroup stand between it and the host's disk; `NET_ADMIN` rewrites the network,
        `SYS_PTRACE` reads other processes' memory. Severity follows the capability: the dangerous ones are
        errors, ordinary ones warnings, and `NET_BIND_SERVICE` is information only.

    Failing:
        services:
          vpn:
            image: registry.example.com/vpn:2.1.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            cap_add: [NET_ADMIN]
            security_opt: ["no-new-privileges:true"]

    Passing:
        services:
          vpn:
            image: registry.example.com/vpn:2.1.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Fix:
        Remove the capability, or keep only the one the program needs, after
        `cap_drop: [ALL]`, with a comment saying why. That works as it reads only for a
        process running as root: Docker gives a non-root `user:` an added capability in
        its bounding set alone, not its effective set, so it cannot use it
        (moby/moby#36587; making it ambient, moby/moby#52830, was still open in June
        2026). A non-root program also needs the file capability on its binary
        (`setcap cap_net_raw=+ep /usr/local/bin/probe` in the image). A low port needs no
        capability on Docker: Engine 20.10 and later lets any user bind ports below 1024 in
        a container with its own network (moby/moby#41030), so `NET_BIND_SERVICE` matters
        only with `network_mode: host`. Listening on port 1024 or above and mapping it
        (`ports: ["80:8080"]`) needs no capability anywhere.
    """

    id = "HT303"
    name = "compose-cap-add"
    topic = Topic.CAPABILITIES
    severity = Severity.ERROR
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """One finding per added capability, graded by what it grants."""
        for service in ctx.services:
            user = non_root_user(service)
            for value, line in items(service, "cap_add"):
                name = capability_name(text(value))
                fix = _non_root_fix(user, name) if user and name in _KNOWN else None
                if name in _HIGH:
                    yield self.finding(line, f"service '{service.name}' adds {name}: "
                                             f"{_HIGH[name]}.", fix=fix)
                elif name == "NET_BIND_SERVICE":
                    yield self.finding(
                        line, f"service '{service.name}' adds NET_BIND_SERVICE to listen "
                              f"below port 1024; ports from 1024 up need no capability, and "
                              f"on Docker's own networks no port does.",
                        fix="Drop this line: Docker Engine 20.10 and later lets any user bind "
                            "ports below 1024 in a container with its own network "
                            "(moby/moby#41030), so it matters only with `network_mode: host`. "
                            "Listening on port 1024 or above and mapping it with `ports:` "
                            "(for example \"80:8080\") needs no capability anywhere."
                            + (f" As user {user}, the process could not use the added "
                               f"capability anyway: Docker puts it only in a non-root "
                               f"process's bounding set (moby/moby#36587)." if user else ""),
                        severity=Severity.INFO)
                elif name in _KNOWN:
                    yield self.finding(line, f"service '{service.name}' adds {name}, a piece "
                                             f"of root's power an attacker could use.",
                                       fix=fix, severity=Severity.WARNING)
                else:
                    yield self.finding(line, f"service '{service.name}' adds '{text(value)}', "
                                             f"which is not a Linux capability name.",
                                       fix="Use a name from capabilities(7) without the "
                                           "CAP_ prefix, such as CHOWN, or remove the line.",
                                       severity=Severity.WARNING)


def _non_root_fix(user: str, name: str) -> str:
    """The fix for a service whose ``user:`` is not root, where cap_add alone does nothing."""
    return (f"This service runs as user {user}, and Docker puts an added capability only in "
            f"a non-root process's bounding set, not its effective set, so the program cannot "
            f"use {name} as written (moby/moby#36587). If it can do without, remove the line. "
            f"If it truly needs it, keep the line after `cap_drop: [ALL]` and give the one "
            f"binary the file capability in the image (`setcap cap_{name.lower()}=+ep "
            f"/path/to/program`; with no-new-privileges this needs Docker Engine 24 or later, "
            f"moby/moby#45511). Running the service as root with only this capability also "
            f"works, at the price of the non-root user.")
