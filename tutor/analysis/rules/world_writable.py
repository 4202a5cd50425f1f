"""HT107: files or directories made writable by every user."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.image_files import normalize
from tutor.analysis.model import Instruction, Severity, Topic
from tutor.analysis.rules._run import (
    chmod_modes,
    copy_chmod,
    env_before,
    mode_grants,
    resolved,
    run_commands,
)
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule
from tutor.analysis.variables import split_words

# Where new files are served or run: web roots, application and program folders, system
# configuration. A sticky world-writable folder is the /tmp pattern, right for scratch and
# data; in these places "anyone may add a file" means "anyone may add code".
_SERVED = ("/var/www", "/srv", "/usr/share/nginx", "/app", "/opt", "/usr", "/bin", "/sbin",
           "/lib", "/lib32", "/lib64", "/libx32", "/etc")
_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm", "/run", "/var/run")
# Folders on the PATH of every image, whatever its ENV says.
_SYSTEM_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")


class WorldWritable(DockerfileRule):
    """A chmod or `--chmod` makes paths writable by every user (777, 666, o+w, or 1777 on code).

    Why:
        A world-writable file can be replaced by any process in the container, whatever
        its user. If root (or the app) later runs or loads that file, an attacker who
        only has an unprivileged foothold rewrites it and takes over the more privileged
        process. It usually hides an ownership problem that `chown` solves properly.
        The sticky bit (1777, as on /tmp) only stops users deleting each other's files;
        anyone may still add new ones. That is right for scratch space and wrong where
        files are served or run: in a PHP web root, a folder on PATH or under /usr, /opt
        or /app, any uid can drop a script the server executes or a program that shadows
        one root runs.

    Failing:
        FROM debian:13-slim
        COPY app /opt/app
        RUN mkdir /srv/uploads && chmod 777 /srv/uploads
        USER 10001

    Passing:
        FROM debian:13-slim
        COPY app /opt/app
        RUN mkdir /srv/uploads && chown 10001:10001 /srv/uploads
        USER 10001

    Fix:
        Give the directories the app writes to the user that needs them
        (`chown -R 10001:10001 /srv/uploads`), keep the code owned by root, and keep modes
        at 755/644 or tighter. The sticky bit (1777) suits shared scratch directories such
        as /tmp, never a web root, an application folder or a folder on PATH.
    """

    id = "HT107"
    name = "world-writable"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "root-risks"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag modes that let others write: always without the sticky bit, on code with it."""
        for inst, mode, how, paths, recursive in _modes(ctx):
            if not mode_grants(mode, "o", "w"):
                continue
            if not _sticky(mode):
                yield self.at(inst, f"{how} lets every user in the container rewrite these "
                                    f"files, so a low-privilege foothold can replace what root "
                                    f"or the app later runs.")
                continue
            served = _served_path(ctx, inst, paths, recursive)
            if served is not None:
                yield self.at(inst, f"{how} lets every user add files to {served}: the sticky "
                                    f"bit only stops them deleting each other's, so any uid "
                                    f"can drop a script or program there that is served or "
                                    f"run.")


def _modes(ctx: DockerfileContext) -> Iterator[tuple[Instruction, str, str, list[str], bool]]:
    """Every mode the build sets, with the paths it applies to and whether it recurses."""
    for cmd in run_commands(ctx):
        if cmd.program != "chmod":
            continue
        for mode in chmod_modes(cmd.words):
            after = cmd.words[cmd.words.index(mode) + 1:]
            paths = [w for w in after if not w.startswith("-")]
            recursive = any(w in ("-R", "--recursive") or (w.startswith("-") and
                                                            not w.startswith("--") and "R" in w)
                            for w in cmd.words[1:] if w != mode)
            yield cmd.inst, mode, f"chmod {mode}", paths, recursive
    for inst in ctx.instructions("COPY", "ADD"):
        copy_mode = copy_chmod(inst)
        if copy_mode:
            words = [w for w in split_words(inst.text, ctx.escape) if not w.startswith("--")]
            yield inst, copy_mode, f"--chmod={copy_mode}", words[-1:], True


def _sticky(mode: str) -> bool:
    """The sticky bit is set (``1777``, ``+t``)."""
    return bool(len(mode) == 4 and mode.isdigit() and int(mode[0]) & 1) or "t" in mode


def _served_path(ctx: DockerfileContext, inst: Instruction, paths: list[str],
                 recursive: bool) -> str | None:
    """The first path that is served, code or on PATH (or, recursively, holds one), if any."""
    env = env_before(ctx, inst)
    on_path = _path_dirs(env)
    for word in paths:
        value = resolved(word, env)
        if value is None or not value.startswith("/"):
            continue
        path = normalize(value)
        if _under(path, _SCRATCH):
            continue
        if _under(path, _SERVED) or path in on_path:
            return path
        if recursive:
            inside = next((d for d in on_path if d.startswith(path.rstrip("/") + "/")), None)
            if inside is not None:
                return f"{inside}, a folder on PATH"
    return None


def _path_dirs(env: dict[str, str | None]) -> set[str]:
    """The folders on PATH: the ENV's when the Dockerfile sets one, and the system's."""
    found = set(_SYSTEM_PATH)
    value = env.get("PATH")
    if value:
        found |= {normalize(d) for d in value.split(":") if d.startswith("/")}
    return found


def _under(path: str, roots: tuple[str, ...]) -> bool:
    """``path`` is one of ``roots`` or inside one."""
    return any(path == root or path.startswith(root + "/") for root in roots)
