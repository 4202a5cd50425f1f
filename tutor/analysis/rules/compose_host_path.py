"""HT311: a compose service bind-mounts a sensitive host path."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tutor.analysis.compose import ComposeModel, YamlMap, interpolated
from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import is_true, items, text
from tutor.analysis.rules.base import ComposeContext, ComposeRule
from tutor.analysis.rules.compose_docker_socket import is_engine_socket

_E, _W = Severity.ERROR, Severity.WARNING
# What root in the container gets from a mount, and how bad it is: (severity, gain).
Gain = tuple[Severity, str]


@dataclass(frozen=True, slots=True)
class Exposure:
    """A sensitive host path and what mounting it gives, read-only and writable."""

    pattern: re.Pattern[str]
    read_only: Gain | None
    writable: Gain | None


def _at(paths: str, read_only: Gain | None, writable: Gain | None,
        below: bool = True) -> Exposure:
    """An exposure for these paths (a regex alternation), and with ``below`` what is under them."""
    tail = "(?:/.*)?" if below else ""
    return Exposure(re.compile(f"(?:{paths}){tail}"), read_only, writable)


_ROOT_RO = (_E, "root in the container can read every host file: the password hashes in "
                "/etc/shadow, SSH and TLS private keys, other containers' data")
_ROOT_RW = (_E, "root in the container can rewrite any host file, add a cron job or a uid-0 "
                "user, and so take over the host")
_ENGINE_RO = (_W, "root in the container can read every container's files, volumes and "
                  "settings, environment variables included")
_ENGINE_RW = (_E, "root in the container can change other containers' files, images and "
                  "settings")
_SOCKETS = (_E, "root in the container can reach the container engine's runtime state and "
                "the sockets in it, and an engine socket amounts to root on the host; :ro "
                "does not restrict a socket")
_CORE_PATTERN = ("root in the container can change host-wide kernel settings in /proc/sys, "
                 "such as core_pattern, which can name a program the kernel runs as root")
_SYSFS_RW = (_W, "writes there change kernel and device settings for the whole host, not "
                 "just the container's")
_DBUS = (_W, "root in the container can reach the sockets of the host's system D-Bus and "
             "systemd, which act on requests from root")
_DEV = (_W, "root in the container sees every host device node and shares the host's "
            "/dev/shm; the device cgroup still decides which devices open")
_CREDENTIALS = r"\.ssh|\.aws|\.azure|\.config/gcloud|\.docker|\.gnupg|\.kube"
_HOME = r"/home/[^/]+|~"

# First match wins, so a narrower path comes before the tree that holds it. A path matched
# by nothing, or whose mode maps to None, is not reported: /etc/localtime, /etc/ssl/certs,
# /home/alice/project, /sys/fs/cgroup read-only, /run/udev, device nodes under /dev (the
# device cgroup decides whether they open; `devices:` is HT309), a single volume's data.
_EXPOSURES: tuple[Exposure, ...] = (
    _at("/", _ROOT_RO, _ROOT_RW, below=False),
    # /etc: the directory itself, and the few files the host trusts or keeps secrets in.
    _at("/etc", (_W, "root in the container can read the host's password hashes "
                     "(/etc/shadow), SSH host keys and service configuration"),
        (_E, "root in the container can rewrite the host's users, sudoers, cron jobs and "
             "services, and so take over the host"), below=False),
    _at("/etc/g?shadow", (_W, "root in the container can read the host's password hashes"),
        (_E, "root in the container can set the password of any host account, root's "
             "included")),
    _at("/etc/ssh", (_W, "root in the container can read the host's SSH private keys"),
        (_E, "root in the container can change the host's SSH server configuration and "
             "keys")),
    _at("/etc/passwd", None, (_E, "root in the container can add a host account, a second "
                                  "uid-0 account included")),
    _at("/etc/group", None, (_E, "root in the container can add host users to groups such as "
                                 "sudo or docker")),
    _at("/etc/sudoers(?:\\.d)?", None,
        (_E, "root in the container can let any host user run anything as root")),
    _at("/etc/crontab|/etc/cron\\.(?:d|hourly|daily|weekly|monthly)", None,
        (_E, "root in the container can add jobs that the host's cron runs as root")),
    _at("/etc/systemd|/etc/init\\.d|/etc/rc\\.local", None,
        (_E, "root in the container can add or change services the host starts as root")),
    _at("/etc/profile(?:\\.d)?|/etc/bash\\.bashrc|/etc/ld\\.so\\.preload|/etc/pam\\.d", None,
        (_E, "root in the container can add code that runs when anyone, root included, "
             "logs in to the host")),
    _at("/etc/kubernetes", (_W, "root in the container can read this node's Kubernetes "
                                "credentials and keys"),
        (_E, "root in the container can add static pods (kubeadm's "
             "/etc/kubernetes/manifests), which the node's kubelet runs")),
    _at("/etc/docker", (_W, "root in the container can read the Docker daemon's "
                            "configuration and any TLS keys kept there"),
        (_E, "root in the container can rewrite the Docker daemon's configuration, which it "
             "loads as root when it restarts")),
    _at("/etc/ssl/private", (_W, "root in the container can read the host's TLS private keys"),
        (_E, "root in the container can read and replace the host's TLS private keys")),
    _at("/etc/hosts|/etc/resolv\\.conf", None,
        (_W, "root in the container can redirect the host's name lookups")),
    # Home directories and the credentials kept in them; other folders there are projects.
    _at("/root/\\.ssh", (_W, "root in the container can read root's SSH keys"),
        (_E, "root in the container can add an SSH key that logs in as the host's root")),
    _at("/root", (_W, "root in the container can read root's SSH keys, shell history and "
                      "saved credentials"),
        (_E, "root in the container can add an SSH key or a shell startup command for the "
             "host's root"), below=False),
    _at("/home", (_W, "root in the container can read every user's SSH keys, shell history "
                      "and saved credentials"),
        (_W, "root in the container can read every user's SSH keys and saved credentials, "
             "and plant new keys or shell startup commands for any of them"), below=False),
    _at(f"(?:/root|{_HOME})/(?:{_CREDENTIALS})",
        (_W, "root in the container can read the saved credentials kept there"),
        (_W, "root in the container can read and replace the saved credentials kept there")),
    _at(_HOME, (_W, "root in the container can read the user's SSH keys, shell history and "
                    "saved credentials"),
        (_W, "root in the container can read the user's SSH keys and saved credentials, and "
             "plant new keys or shell startup commands"), below=False),
    # The kernel's views: processes and settings, devices, boot files.
    _at("/proc", (_W, "root in the container can see every host process and its command "
                      "line, and read the host kernel's settings"),
        (_E, _CORE_PATTERN), below=False),
    _at("/proc/sys", None, (_E, _CORE_PATTERN)),
    _at("/proc/sysrq-trigger", None, (_E, "root in the container can crash, reboot or "
                                          "power off the host")),
    _at("/sys", (_W, "root in the container can read the host's kernel and hardware "
                     "information"), _SYSFS_RW, below=False),
    _at("/sys/fs/cgroup", None, (_W, "root in the container can change the resource limits "
                                     "of host services and other containers")),
    _at("/sys", None, _SYSFS_RW),
    _at("/dev", _DEV, _DEV, below=False),
    _at("/dev/shm", (_W, "root in the container can read the shared memory of host "
                         "processes"),
        (_W, "root in the container can read and change the shared memory of host "
             "processes")),
    _at("/boot", (_W, "root in the container can read the host's kernels, initramfs images "
                      "and boot configuration"),
        (_E, "root in the container can replace the kernel or boot configuration the host "
             "starts next")),
    # The engine's state: other containers, their images, settings and sockets.
    _at("/var/lib/docker/volumes/[^/]+", None, None),
    _at("/var/lib/(?:docker|containerd|containers)", _ENGINE_RO, _ENGINE_RW),
    _at("/var|/var/lib", (_W, "it holds /var/lib/docker, where " + _ENGINE_RO[1]),
        (_E, "it holds /var/lib/docker, where " + _ENGINE_RW[1]), below=False),
    _at("(?:/var)?/run/(?:docker|containerd|podman|containers)", _SOCKETS, _SOCKETS),
    _at("(?:/var)?/run", (_E, "root in the container can use every socket the host keeps "
                              "there, the Docker engine's and the system D-Bus included; "
                              ":ro does not restrict a socket"),
        (_E, "root in the container can use every socket the host keeps there, the Docker "
             "engine's and the system D-Bus included"), below=False),
    _at("(?:/var)?/run/(?:dbus|systemd)", _DBUS, _DBUS),
)
_HOME_VARIABLE = re.compile(r"^\$(?:HOME|\{HOME\})(?=/|$)")
_PWD_VARIABLE = re.compile(r"^\$(?:PWD|\{PWD\})(?=/|$)")


@dataclass(frozen=True, slots=True)
class BindMount:
    """A volume of a service whose host side is a path (after interpolation)."""

    host_path: str
    read_only: bool
    line: int
    # The named volume whose driver options make it a bind mount, if it is one.
    volume_name: str | None = None


def host_path(source: str) -> str | None:
    """An absolute or ``~`` host path, normalised; None for relative, named or unknown."""
    source = _PWD_VARIABLE.sub(".", _HOME_VARIABLE.sub("~", source.strip()))
    source, unresolved = interpolated(source)
    if unresolved or "$" in source:
        return None
    if source == "~" or source.startswith("~/"):
        rest = _normal(source[1:] or "/")
        return "~" if rest == "/" else "~" + rest
    return _normal(source) if source.startswith("/") else None


def _normal(path: str) -> str:
    """An absolute path with ``//``, ``.`` and ``..`` resolved, as the kernel reads it."""
    return posixpath.normpath(re.sub("/+", "/", path))


def exposure(path: str, read_only: bool) -> Gain | None:
    """What mounting this normalised host path gives the container, or None if harmless."""
    for entry in _EXPOSURES:
        if entry.pattern.fullmatch(path):
            return entry.read_only if read_only else entry.writable
    return None


def bind_mount(volume: Any, line: int, model: ComposeModel) -> BindMount | None:
    """The host side of one volume, in short or long syntax, when it is a host path."""
    if isinstance(volume, YamlMap):
        kind = text(volume.get("type")).strip().lower()
        source = text(volume.get("source"))
        read_only = is_true(volume.get("read_only"))
        line = volume.line_of("source")
    else:
        parts = interpolated(text(volume))[0].split(":")
        if len(parts) < 2:  # a lone container path is an anonymous volume
            return None
        kind, source = "", parts[0]
        read_only = len(parts) > 2 and "ro" in parts[2].split(",")
    if kind not in ("", "bind", "volume"):
        return None
    path = host_path(source)
    if path is not None:
        return BindMount(path, read_only, line) if kind != "volume" else None
    if source and not source.startswith((".", "$")):
        return _bound_volume(model, source, read_only, line)
    return None


def _bound_volume(model: ComposeModel, name: str, read_only: bool,
                  line: int) -> BindMount | None:
    """A named volume declared as a bind of a host path (``driver_opts: {o: bind}``)."""
    declared = model.data.get("volumes") if model.data is not None else None
    spec = declared.get(name) if isinstance(declared, YamlMap) else None
    options = spec.get("driver_opts") if isinstance(spec, YamlMap) else None
    flags = text(options.get("o")).split(",") if isinstance(options, YamlMap) else []
    if isinstance(options, YamlMap) and {"bind", "rbind"} & set(flags):
        device = host_path(text(options.get("device")))
        if device is not None:
            return BindMount(device, read_only or "ro" in flags, line, volume_name=name)
    return None


class ComposeHostPath(ComposeRule):
    """A service bind-mounts a sensitive host path (`/`, `/etc`, `/proc`, a home…).

    Why:
        A bind mount puts the host's own files in the container, and with Docker's
        default settings root in the container has root's access to them, unless user
        namespace remapping, rootless Docker or SELinux labels stand in the way.
        Writable, `/` or `/etc` lets it add a cron job or a uid-0 user that the host
        honours. Read-only is not safe either: `/` and `/etc` still show the password
        hashes in /etc/shadow and the SSH host keys, and `:ro` does not stop anyone
        from using a socket, so /run and /var/run hand over the engine's socket and
        the system D-Bus. /proc, /sys and /dev are the host's processes, kernel
        settings and devices rather than the container's; /var/lib/docker holds every
        other container's files and settings; a home directory holds SSH keys and
        cloud credentials.

        Errors: `/` in any mode; /run and /var/run; a writable mount of a place the
        host reads code, accounts or settings from as root (/etc and its sensitive
        files, /root, /boot, /proc, /var/lib/docker). Warnings: read-only mounts of
        those, and /home, /sys, /dev, /dev/shm and saved credentials (`~/.ssh`,
        `~/.aws`…). Not reported, because they are common and give little:
        /etc/localtime, /etc/timezone, /etc/ssl/certs, /etc/passwd read-only, a
        project folder under /home, /sys/fs/cgroup read-only, /run/udev, single
        device nodes (the device cgroup decides whether they open; `devices:` is
        HT309), relative paths and named volumes. The engine's socket is HT307.

    Failing:
        services:
          agent:
            image: registry.example.com/ops/agent:7.1.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            volumes:
              - /:/host:ro

    Passing:
        services:
          agent:
            image: registry.example.com/ops/agent:7.1.0
            user: "10001"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]
            volumes:
              - /var/log/nginx:/logs/nginx:ro
              - /etc/localtime:/etc/localtime:ro

    Fix:
        Mount only the directory the service needs (`/var/log/nginx:/logs:ro`, not `/`
        or `/var`), read-only when it only reads, and keep the service's own data in a
        named volume. For the time zone mount just `/etc/localtime:ro` or set `TZ`; for
        more shared memory set `shm_size:` instead of mounting /dev/shm. An agent that
        truly needs the whole host's view is a host service: review it as one.
    """

    id = "HT311"
    name = "compose-host-path-mount"
    topic = Topic.CAPABILITIES
    severity = Severity.ERROR
    lesson = "capabilities"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """One finding per volume whose host side is a sensitive path; sockets are HT307's."""
        for service in ctx.services:
            for volume, line in items(service, "volumes"):
                mount = bind_mount(volume, line, ctx.model)
                gain = exposure(mount.host_path, mount.read_only) if mount else None
                if mount is None or gain is None or is_engine_socket(mount.host_path):
                    continue
                severity, consequence = gain
                mode = "read-only" if mount.read_only else "read-write"
                what = (f"the host's {mount.host_path}" if mount.volume_name is None else
                        f"volume '{mount.volume_name}', a bind of the host's {mount.host_path},")
                yield self.finding(mount.line, f"service '{service.name}' mounts {what} {mode}: "
                                               f"{consequence}.", severity=severity)
