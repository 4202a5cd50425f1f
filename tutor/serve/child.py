"""Each learner's app process: started without a shell, with little, and within limits.

textual-serve runs one shell command for every visitor with a copy of the server's whole
environment (workshop.md). Here each learner gets ``python -I -m tutor --confined
<their folder>``: an argument list, an environment of a few named variables (never the
signing key), their folder as working directory, and resource limits on POSIX.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual_serve.app_service import AppService

import tutor
from tutor.errors import InputError
from tutor.safetext import visible
from tutor.serve.workshop import Seat

log = logging.getLogger("hardening-tutor.serve")

POSIX = os.name == "posix"
# What textual-serve puts in the environment for its web driver; nothing else of it is kept.
SERVED_VARIABLES = ("TEXTUAL_DRIVER", "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM",
                    "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS")
# Python on Windows cannot start (sockets, random numbers) without these.
_WINDOWS_VARIABLES = ("SYSTEMROOT", "TEMP", "TMP")
QUIT_GRACE = 5.0  # seconds an app has to end after "quit" before it is killed
_STDERR_KEPT = 16 * 1024  # the end of what an app wrote to stderr, for the server's log
_MAX_FRAME = 32 * 1024 * 1024  # a 500-column screen in true colour is a few MB
_PRELUDE = b"__GANGLION__\n"  # what Textual's web driver writes first


@dataclass(frozen=True)
class Launcher:
    """How a learner's app starts: the interpreter and its options, and a PYTHONPATH if the
    isolated interpreter cannot find this copy of hardening-tutor by itself."""

    prefix: tuple[str, ...]
    content: Path | None = None
    pythonpath: str | None = None

    def argv(self, folder: Path, seat: Seat | None = None) -> list[str]:
        """The argument list for the learner whose folder is ``folder``; never a shell line.

        With ``seat``, the app is told who the learner is (their link said so), and records
        their exams for that id and name without asking.
        """
        argv = [*self.prefix, "--confined", str(folder)]
        if seat is not None:
            argv += ["--learner", seat.id, "--learner-name", seat.name]
        if self.content is not None:
            argv += ["--content", str(self.content)]
        return argv


def find_launcher(content: Path | None) -> Launcher:
    """The launcher for this installation, found once when the server starts.

    ``-m`` puts the working directory first on ``sys.path``, and a learner's working
    directory is their folder, where they may save a ``tutor.py``; ``-I`` (isolated mode)
    leaves it out, and ignores PYTHON* variables and the user site-packages in their HOME.
    A source checkout that is not installed needs PYTHONPATH, which ``-I`` ignores: there
    ``-P -s`` (Python 3.11+) does the same for the path and the user site.
    """
    root = str(Path(tutor.__file__).resolve().parent.parent)
    probe = ("import os, tutor; "
             "print(os.path.dirname(os.path.dirname(os.path.realpath(tutor.__file__))))")
    try:
        found = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True,
                               text=True, timeout=60, check=False,
                               env=_base_environment(Path(tempfile.gettempdir()))).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        found = ""
    if found == root:
        return Launcher((sys.executable, "-I", "-m", "tutor"), content)
    if sys.version_info >= (3, 11):
        return Launcher((sys.executable, "-P", "-s", "-m", "tutor"), content, root)
    raise InputError(f"serve runs each learner's app with 'python -I', which does not find "
                     f"hardening-tutor in {visible(root)}: install it (pip install -e "
                     f"'.[serve]') or use Python 3.11 or later")


def _base_environment(home: Path) -> dict[str, str]:
    environment = {"PATH": os.environ.get("PATH", os.defpath), "HOME": str(home),
                   "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm-256color"}
    if not POSIX:
        environment.update({name: os.environ[name] for name in _WINDOWS_VARIABLES
                            if name in os.environ})
    return environment


def child_environment(served: Mapping[str, str], folder: Path,
                      pythonpath: str | None) -> dict[str, str]:
    """The learner's environment: a few named variables, not a copy of the server's.

    Whatever the server was started with (HARDENING_TUTOR_SIGNING_KEY, cloud credentials,
    tokens) stays in the server.
    """
    environment = _base_environment(folder)
    environment.update({name: served[name] for name in SERVED_VARIABLES if name in served})
    if pythonpath is not None:
        environment["PYTHONPATH"] = pythonpath
    return environment


def _prepared_limits() -> list[tuple[int, tuple[int, int]]]:
    """The limits each learner's process gets, never above what the server itself may use."""
    if not POSIX:
        return []
    import resource

    wanted = [(resource.RLIMIT_AS, 1024 * 1024 * 1024),  # 1 GiB; the app uses ~60 MiB
              (resource.RLIMIT_NOFILE, 256),
              (resource.RLIMIT_CPU, 2 * 60 * 60),  # two CPU-hours: a day's work is minutes
              (resource.RLIMIT_CORE, 0)]
    limits = []
    for which, value in wanted:
        hard = resource.getrlimit(which)[1]
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        limits.append((which, (value, value)))
    return limits


_LIMITS = _prepared_limits()


def limit_resources() -> None:
    """Set the limits (in the child, between fork and exec).

    The subprocess docs warn that code run there can deadlock on a lock another thread held
    at fork; this only calls setrlimit with arguments built in advance, which takes none.
    """
    import resource

    for which, limit in _LIMITS:
        resource.setrlimit(which, limit)


class LearnerAppService(AppService):
    """textual-serve's AppService, starting a learner's own process and ending it surely."""

    def __init__(self, argv: Sequence[str], folder: Path, *, label: str,
                 pythonpath: str | None, write_bytes: Callable[[bytes], Awaitable[None]],
                 write_str: Callable[[str], Awaitable[None]],
                 close: Callable[[], Awaitable[Any]], download_manager: Any) -> None:
        super().__init__(" ".join(argv), write_bytes=write_bytes, write_str=write_str,
                         close=close, download_manager=download_manager, debug=False)
        self.argv = tuple(argv)
        self.folder = folder
        self.label = label
        self.pythonpath = pythonpath

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        served: dict[str, str] = super()._build_environment(width=width, height=height)
        return child_environment(served, self.folder, self.pythonpath)

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width, height),
            cwd=self.folder, preexec_fn=limit_resources if POSIX else None,
            # Its own process group: Ctrl+C at the server reaches the server, which ends
            # every app in turn, and a kill reaches anything the app started.
            start_new_session=POSIX)
        self._process = process
        self._stdin = process.stdin
        return process

    async def run(self) -> None:
        """Relay the app's frames to the browser until it ends; then end the session.

        Replaces textual-serve's run(), which keeps all of stderr in memory, writes it raw
        to the server's terminal, and leaves the browser connected to an app that died.
        """
        process = self._process
        assert process is not None and process.stdout is not None and process.stderr is not None
        stdout, stderr = process.stdout, process.stderr
        tail = bytearray()

        async def read_stderr() -> None:
            while chunk := await stderr.read(4096):
                tail.extend(chunk)
                del tail[:-_STDERR_KEPT]

        stderr_task = asyncio.create_task(read_stderr())
        try:
            if await self._started(stdout):
                await self._relay(stdout)
            else:
                log.warning("%s: the app did not start", self.label)
        except (asyncio.IncompleteReadError, ConnectionResetError):
            pass  # the app ended
        finally:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(stderr_task, 2)
            if tail:
                said = visible(tail.decode("utf-8", "replace").strip()[-2000:])
                log.warning("%s: the app wrote to stderr: %s", self.label, said)
            await self.remote_close()

    @staticmethod
    async def _started(stdout: asyncio.StreamReader) -> bool:
        for _ in range(10):  # as textual-serve: a few lines may come before the prelude
            try:
                line = await stdout.readline()
            except ValueError:  # a line longer than the stream's limit
                return False
            if not line:
                return False
            if line == _PRELUDE:
                return True
        return False

    async def _relay(self, stdout: asyncio.StreamReader) -> None:
        handlers = {b"D": self.on_data, b"M": self.on_meta, b"P": self.on_packed}
        while True:
            kind = await stdout.readexactly(1)
            size = int.from_bytes(await stdout.readexactly(4), "big")
            if size > _MAX_FRAME:
                log.warning("%s: the app sent a frame of %d bytes; ending it", self.label, size)
                return
            payload = await stdout.readexactly(size)
            handler = handlers.get(kind)
            if handler is None:
                continue
            try:
                await handler(payload)
            except (ValueError, KeyError, TypeError) as exc:  # a malformed meta packet
                log.warning("%s: ignored a packet from the app: %s", self.label,
                            visible(str(exc)))

    async def stop(self) -> None:
        """Ask the app to quit; kill it (and anything it started) if it has not in time."""
        task, process = self._task, self._process
        if task is None or process is None:
            return
        self._task = None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self.send_meta({"type": "quit"})
        try:
            await asyncio.wait_for(asyncio.shield(task), QUIT_GRACE)
        except asyncio.TimeoutError:
            log.warning("%s: the app did not quit; killing it", self.label)
            self._kill(process)
            await task
        try:
            await asyncio.wait_for(process.wait(), QUIT_GRACE)
        except asyncio.TimeoutError:
            self._kill(process)
            await process.wait()

    @staticmethod
    def _kill(process: Process) -> None:
        if process.returncode is not None:  # reaped: its pid may be someone else's now
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if POSIX:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
