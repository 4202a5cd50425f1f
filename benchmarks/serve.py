"""The workshop server under a class: join storm, keystroke to frame, memory per learner.

Run: python benchmarks/serve.py [--learners 40] [--seconds 20] [--fast-seconds 10] [--in-step]
Goals (issue 15 §5), on this 2-core machine: with 40 learners, p95 <= 150 ms from a
keystroke to the frame that answers it, and a join storm of 40 (all connecting at once) in
which the last learner sees the course map within 10 s.

A real `hardening-tutor serve` runs on loopback as a subprocess. The learners are websocket
clients in this process (aiohttp, no browser) that do what a browser and textual.js do:
open their link (which sets the cookie), open /ws with the workshop's Origin and Host, send
a resize, then keys as ["stdin", text]. The app's screen reaches the socket as binary
messages, one for each write of Textual's web driver (one screen update); text messages
are JSON meta (pong, open_url) and are not frames. A learner has joined when a frame holds
"Course map". A key's latency is the time from sending it to the next frame that learner
receives (a key sent before the previous one was answered shares that frame, and is counted
as such); keys alternate down and up, which moves the course map's highlight. Each learner
types at a phase of its own within the second, as a class does; with --in-step all press at
the same instant, the worst case, where every app renders at once on 2 cores. Memory is the
resident size of the server's child processes (the learners' apps), read from /proc, so
this runs on Linux only. Every figure is wall-clock on a shared machine, and this client
runs on the same 2 cores as the server and the apps.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import csv
import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]
GOAL_LEARNERS = 40
GOAL_P95_MS = 150.0
GOAL_JOIN_MS = 10_000.0
WIDTH, HEIGHT = 100, 30
DOWN, UP = "\x1b[B", "\x1b[A"
COURSE_MAP = b"Course map"
COOKIE = "ht_session"
STARTUP_TIMEOUT = 60.0  # seconds for the server to print its links
JOIN_TIMEOUT = 180.0  # seconds for every learner to see the course map
QUIET = 1.0  # seconds without a frame from anyone: the screens have settled
SETTLE_LIMIT = 30.0
GRACE = 5.0  # seconds a phase waits for the frames that answer its last keys
STOP_TIMEOUT = 30.0  # the server's own shutdown closes every app within about 15 s
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024


# /proc ------------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # the process has ended
        return None
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of one process so far; 0 once it has ended."""
    fields = _stat_fields(pid)
    return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def start_time(pid: int) -> int | None:
    """When the process started (clock ticks after boot): tells a reused pid from ours."""
    fields = _stat_fields(pid)
    return None if fields is None else int(fields[19])


def rss_bytes(pid: int) -> int:
    """Resident set size of one process; 0 once it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``: the learners' apps and anything they started.

    Scans /proc/*/stat for parents: /proc/PID/task/*/children needs CONFIG_PROC_CHILDREN,
    which not every kernel has (this machine's lacks it).
    """
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found.extend(children)
        todo.extend(children)
    return found


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and iowait
    total = sum(values[:8])  # guest time is already counted in user
    return total - idle, total


@dataclass(frozen=True)
class Usage:
    """CPU used so far by the server, its learners' apps, this client and the machine."""

    wall: float
    server: float
    learners: float
    client: float
    busy: int
    total: int

    @classmethod
    def now(cls, server: int) -> Usage:
        busy, total = machine_jiffies()
        times = os.times()
        return cls(time.perf_counter(), cpu_seconds(server),
                   sum(cpu_seconds(pid) for pid in descendants(server)),
                   times.user + times.system, busy, total)

    def since(self, before: Usage) -> str:
        """What was used between ``before`` and this, as one line."""
        wall = self.wall - before.wall
        cores = os.cpu_count() or 1
        busy = (self.busy - before.busy) / max(1, self.total - before.total) * cores
        return (f"CPU over {wall:.1f} s: server {self.server - before.server:.2f} s, "
                f"learners' apps {self.learners - before.learners:.2f} s, this client "
                f"{self.client - before.client:.2f} s; machine busy {busy:.2f} of "
                f"{cores} cores")


# The learners --------------------------------------------------------------------------


@dataclass
class Learner:
    """One learner's browser tab, as far as the server can tell."""

    seat: str
    link: str
    cookie: str = ""
    websocket: aiohttp.ClientWebSocketResponse[bool] | None = None
    connected_at: float = 0.0  # when the websocket was asked for
    joined_at: float | None = None  # when the course map arrived
    last_frame_at: float = 0.0
    frames: int = 0
    closed: bool = False
    keys_sent: int = 0
    pending: list[float] = field(default_factory=list)  # keys not yet answered by a frame
    latencies: list[float] = field(default_factory=list)  # ms, this phase
    overlapped: int = 0  # keys sent while an earlier one was still unanswered
    joined: asyncio.Event = field(default_factory=asyncio.Event)
    tail: bytes = b""  # the end of the last frame, in case "Course map" straddles two

    @property
    def join_ms(self) -> float:
        assert self.joined_at is not None
        return (self.joined_at - self.connected_at) * 1000


async def enter(session: aiohttp.ClientSession, learner: Learner) -> None:
    """Open the learner's link as a browser would, and keep the cookie it sets."""
    async with session.get(learner.link, allow_redirects=False) as response:
        morsel = response.cookies.get(COOKIE)
        if response.status != 303 or morsel is None:
            raise RuntimeError(f"{learner.seat}: the link answered {response.status} "
                               f"without a {COOKIE} cookie")
        learner.cookie = morsel.value


async def connect(session: aiohttp.ClientSession, learner: Learner, url: str) -> None:
    """Open the learner's websocket with the workshop's Origin and Host, and say the size."""
    learner.connected_at = time.perf_counter()
    websocket = await session.ws_connect(
        f"{url}/ws?width={WIDTH}&height={HEIGHT}",
        headers={"Origin": url, "Host": url.split("://", 1)[1],
                 "Cookie": f"{COOKIE}={learner.cookie}"})
    learner.websocket = websocket
    await websocket.send_str(json.dumps(["resize", {"width": WIDTH, "height": HEIGHT}]))


async def read_frames(learner: Learner) -> None:
    """Take the learner's frames as they come: the join, and answers to pending keys."""
    assert learner.websocket is not None
    async for message in learner.websocket:
        if message.type != aiohttp.WSMsgType.BINARY:
            continue  # JSON meta, not part of the screen
        now = time.perf_counter()
        learner.frames += 1
        learner.last_frame_at = now
        if learner.pending:
            learner.latencies.extend((now - sent) * 1000 for sent in learner.pending)
            learner.pending.clear()
        if learner.joined_at is None:
            seen = learner.tail + message.data
            if COURSE_MAP in seen:
                learner.joined_at = now
                learner.joined.set()
            learner.tail = seen[-len(COURSE_MAP):]
    learner.closed = True
    learner.joined.set()  # nobody waits for a join that cannot come


async def type_keys(learner: Learner, first: float, interval: float, count: int) -> None:
    """Press down, up, down, … ``count`` times, every ``interval`` seconds from ``first``."""
    assert learner.websocket is not None
    for index in range(count):
        await asyncio.sleep(max(0.0, first + index * interval - time.perf_counter()))
        if learner.closed:
            raise RuntimeError(f"{learner.seat}: the session ended while typing")
        key = DOWN if learner.keys_sent % 2 == 0 else UP
        if learner.pending:
            learner.overlapped += 1
        learner.pending.append(time.perf_counter())
        await learner.websocket.send_str(json.dumps(["stdin", key]))
        learner.keys_sent += 1


async def settle(learners: list[Learner]) -> None:
    """Wait until no learner has had a frame for QUIET seconds (at most SETTLE_LIMIT)."""
    deadline = time.perf_counter() + SETTLE_LIMIT
    while time.perf_counter() < deadline:
        if time.perf_counter() - max(learner.last_frame_at for learner in learners) >= QUIET:
            return
        await asyncio.sleep(0.1)


# Figures ----------------------------------------------------------------------------------


def percentile(sorted_values: list[float], percent: float) -> float | None:
    """The nearest-rank percentile of values already sorted; None for no values."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass(frozen=True)
class Phase:
    """The keystroke-to-frame latencies of one typing phase."""

    latencies: list[float]  # sorted, ms
    keys: int
    unanswered: int
    overlapped: int
    usage: str
    server_cpu: float

    def quantiles(self) -> tuple[float | None, float | None, float | None]:
        return (percentile(self.latencies, 50), percentile(self.latencies, 95),
                percentile(self.latencies, 99))


async def typing_phase(learners: list[Learner], server: int, seconds: float, rate: float,
                       rng: random.Random | None) -> Phase:
    """Every learner presses ``rate`` keys a second for ``seconds``, each at a random phase
    of its own (all at once without ``rng``)."""
    for learner in learners:
        learner.latencies.clear()
        learner.overlapped = 0
    keys_before = sum(learner.keys_sent for learner in learners)
    before = Usage.now(server)
    interval = 1 / rate
    start = time.perf_counter() + 0.1
    count = max(1, round(seconds * rate))
    await asyncio.gather(*(type_keys(learner, start + (rng.uniform(0, interval) if rng else 0),
                                     interval, count) for learner in learners))
    deadline = time.perf_counter() + GRACE
    while any(learner.pending for learner in learners) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    after = Usage.now(server)
    unanswered = sum(len(learner.pending) for learner in learners)
    for learner in learners:
        learner.pending.clear()
    return Phase(sorted(ms for learner in learners for ms in learner.latencies),
                 sum(learner.keys_sent for learner in learners) - keys_before, unanswered,
                 sum(learner.overlapped for learner in learners), after.since(before),
                 after.server - before.server)


def print_phase(title: str, phase: Phase, goal: str) -> None:
    p50, p95, p99 = phase.quantiles()
    worst = phase.latencies[-1] if phase.latencies else None
    print(f"{title}: {phase.keys} keys, keystroke to frame p50 {_ms(p50)}, p95 {_ms(p95)}, "
          f"p99 {_ms(p99)}, max {_ms(worst)}; {phase.unanswered} unanswered, "
          f"{phase.overlapped} sent before the previous key's frame{goal}")
    print(f"  {phase.usage}")


def memory(server: int) -> tuple[list[int], float, float]:
    """The learners' processes, their mean resident size and the server's, in MiB."""
    pids = descendants(server)
    each = sum(rss_bytes(pid) for pid in pids) / max(1, len(pids)) / MIB
    return pids, each, rss_bytes(server) / MIB


# The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def start_server(folder: Path, learners: int, log: Path) -> tuple[subprocess.Popen[str],
                                                                          str]:
    """Start `hardening-tutor serve` on a free loopback port; the process and its URL."""
    port = free_port()
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tutor", "serve", "--seats", str(learners), "--workshop",
             str(folder), "--port", str(port), "--max-sessions", str(learners + 5)],
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=REPO)
    assert process.stdout is not None
    try:
        first = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline),
                                       STARTUP_TIMEOUT)
    except asyncio.TimeoutError:
        first = ""
    if not first.startswith("instructor: "):
        process.kill()
        process.wait()
        raise RuntimeError(f"the server did not start: {first!r}\n{log.read_text()[-2000:]}")
    return process, f"http://127.0.0.1:{port}"


def stop(process: subprocess.Popen[str], learners: dict[int, int | None]) -> int:
    """SIGTERM the server, kill it if it lingers, then kill any learner's app it left;
    how many were left."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    left = 0
    for pid, started in learners.items():
        # Each app runs in a session of its own, so it can outlive the server; only the
        # very process seen earlier is killed, not whatever has its pid now.
        if started is not None and start_time(pid) == started:
            left += 1
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    return left


# The run ----------------------------------------------------------------------------------


async def bench(args: argparse.Namespace, url: str, links: list[dict[str, str]], server: int,
                seen: dict[int, int | None]) -> dict[str, object]:
    """Join, type, measure; the figures for the JSON line."""
    learners = [Learner(row["id"], row["url"]) for row in links]
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        await asyncio.gather(*(enter(session, learner) for learner in learners))
        readers: list[asyncio.Task[None]] = []
        try:
            # The join storm: every socket is asked for at once.
            before = Usage.now(server)

            async def join(learner: Learner) -> None:
                await connect(session, learner, url)
                readers.append(asyncio.create_task(read_frames(learner)))
                await learner.joined.wait()

            await asyncio.wait_for(asyncio.gather(*(join(learner) for learner in learners)),
                                   JOIN_TIMEOUT)
            joined_usage = Usage.now(server)
            lost = [learner.seat for learner in learners if learner.joined_at is None]
            if lost:
                raise RuntimeError(f"no course map for {', '.join(lost)}: their sessions ended")
            joins = sorted(learner.join_ms for learner in learners)
            n = len(learners)
            print(f"join storm, {n} learner{'s' * (n != 1)} at once: websocket to course map "
                  f"median {statistics.median(joins):.0f} ms, last {joins[-1]:.0f} ms (goal: "
                  f"the last of {GOAL_LEARNERS} within {GOAL_JOIN_MS / 1000:.0f} s)")
            print(f"  {joined_usage.since(before)}; learners' apps "
                  f"{(joined_usage.learners - before.learners) / n:.2f} CPU-s each")

            await settle(learners)
            pids, joined_rss, _ = memory(server)
            seen.update({pid: start_time(pid) for pid in pids})

            rng = None if args.in_step else random.Random(15)
            step = ", all in step" if args.in_step else ""
            steady_phase = await typing_phase(learners, server, args.seconds, 1.0, rng)
            print_phase(f"steady typing, 1 key/s each for {args.seconds:g} s{step}",
                        steady_phase,
                        f" (goal: p95 <= {GOAL_P95_MS:.0f} ms with {GOAL_LEARNERS} learners)")
            await settle(learners)
            fast_phase = await typing_phase(learners, server, args.fast_seconds, 5.0, rng)
            print_phase(f"fast typists, 5 keys/s each for {args.fast_seconds:g} s{step}",
                        fast_phase, "")

            await settle(learners)
            pids, used_rss, server_rss = memory(server)
            seen.update({pid: start_time(pid) for pid in pids})
            print(f"memory: {len(pids)} learners' processes, {joined_rss:.1f} MB each on the "
                  f"course map, {used_rss:.1f} MB each after typing; server {server_rss:.1f} "
                  f"MB (resident, MiB)")
        finally:
            await asyncio.gather(*(learner.websocket.close() for learner in learners
                                   if learner.websocket is not None),
                                 return_exceptions=True)
            for reader in readers:
                reader.cancel()
            await asyncio.gather(*readers, return_exceptions=True)

    p50, p95, p99 = steady_phase.quantiles()
    fast50, fast95, fast99 = fast_phase.quantiles()
    met = (n >= GOAL_LEARNERS and p95 is not None and p95 <= GOAL_P95_MS
           and joins[-1] < GOAL_JOIN_MS)
    verdict = "met" if met else ("not met" if n >= GOAL_LEARNERS else
                                 f"not judged ({n} learners, the goal is for "
                                 f"{GOAL_LEARNERS})")
    print(f"goal ({GOAL_LEARNERS} learners: p95 <= {GOAL_P95_MS:.0f} ms keystroke to frame, "
          f"the last joining within {GOAL_JOIN_MS / 1000:.0f} s): {verdict}")
    return {"learners": n, "join_last_ms": _round(joins[-1]), "p50_ms": _round(p50),
            "p95_ms": _round(p95), "p99_ms": _round(p99),
            "rss_mb_per_learner": round(used_rss, 1),
            "join_median_ms": _round(statistics.median(joins)),
            "max_ms": _round(steady_phase.latencies[-1] if steady_phase.latencies else None),
            "keys": steady_phase.keys, "unanswered": steady_phase.unanswered,
            "fast_p50_ms": _round(fast50), "fast_p95_ms": _round(fast95),
            "fast_p99_ms": _round(fast99), "fast_keys": fast_phase.keys,
            "fast_unanswered": fast_phase.unanswered,
            "rss_mb_per_learner_joined": round(joined_rss, 1),
            "server_rss_mb": round(server_rss, 1),
            "server_cpu_s_typing": round(steady_phase.server_cpu + fast_phase.server_cpu, 2),
            "in_step": args.in_step, "goal_met": met}


async def run(args: argparse.Namespace, folder: Path) -> dict[str, object]:
    process, url = await start_server(folder / "workshop", args.learners,
                                      folder / "server.log")
    seen: dict[int, int | None] = {}  # every learner's process seen: pid -> start time
    try:
        with (folder / "workshop" / "learner-links.csv").open(newline="") as links:
            rows = list(csv.DictReader(links))
        return await bench(args, url, rows, process.pid, seen)
    except BaseException:
        print(f"server log (end):\n{(folder / 'server.log').read_text()[-3000:]}",
              file=sys.stderr)
        raise
    finally:
        seen.update({pid: start_time(pid) for pid in descendants(process.pid)})
        left = await asyncio.to_thread(stop, process, seen)
        if left:
            print(f"killed {left} learners' processes the server left behind")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=40, metavar="N",
                        help="learners joining at once and typing (default 40)")
    parser.add_argument("--seconds", type=float, default=20, metavar="S",
                        help="seconds of steady typing, 1 key/s each (default 20)")
    parser.add_argument("--fast-seconds", type=float, default=10, metavar="S",
                        help="seconds of fast typing, 5 keys/s each (default 10)")
    parser.add_argument("--in-step", action="store_true",
                        help="every learner presses at the same instant (the worst case)")
    args = parser.parse_args()
    if args.learners < 1:
        parser.error("--learners takes 1 or more")
    if not Path("/proc/self/stat").is_file():
        print("serve.py reads /proc: it runs on Linux only", file=sys.stderr)
        return 2
    compileall.compile_dir(REPO / "tutor", quiet=1)  # as `pip install` does
    with tempfile.TemporaryDirectory(prefix="ht-serve-bench-",
                                     ignore_cleanup_errors=True) as tmp:
        figures = asyncio.run(run(args, Path(tmp)))
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
