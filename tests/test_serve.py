"""The workshop server: tokens on every route, one app per learner, confined and bare children."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import ssl
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("aiohttp")
pytest.importorskip("textual_serve")

from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient, TestServer

from tests.conftest import REPO
from tutor.cli import main
from tutor.errors import InputError
from tutor.exam.learners import Roster
from tutor.serve.access import public_address
from tutor.serve.child import Launcher, LearnerAppService, find_launcher
from tutor.serve.links import write_links
from tutor.serve.server import WorkshopServer
from tutor.serve.workshop import Workshop, numbered_seats, roster_seats

POSIX = os.name == "posix"


def free_port() -> int:
    """A port nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class FakeApp:
    """Stands in for a learner's process and records what reached it."""

    calls: list[Any] = field(default_factory=list)

    async def start(self, width: int, height: int) -> None:
        self.calls.append(("start", width, height))

    async def stop(self) -> None:
        self.calls.append("stop")

    async def send_bytes(self, data: bytes) -> None:
        self.calls.append(data)

    async def set_terminal_size(self, width: int, height: int) -> None:
        self.calls.append(("resize", width, height))

    async def blur(self) -> None:
        self.calls.append("blur")

    async def focus(self) -> None:
        self.calls.append("focus")


@dataclass
class Served:
    """A workshop server under test, a client for it, and every app it started."""

    server: WorkshopServer
    client: TestClient[Any, Any]
    workshop: Workshop
    apps: dict[str, FakeApp]

    @property
    def origin(self) -> str:
        return self.server.address.origin

    def token(self, number: int) -> str:
        return self.workshop.tokens.learners[self.workshop.seats[number].folder]

    def cookie(self, number: int) -> dict[str, str]:
        return {"Cookie": f"ht_session={self.token(number)}"}

    async def open_app(self, number: int, **headers: str) -> Any:
        sent = {"Origin": self.origin, **self.cookie(number), **headers}
        return await self.client.ws_connect("/ws", headers=sent)

    async def settled(self) -> None:
        """Wait until the server has let go of every closed session."""
        for _ in range(200):
            if not self.server.sessions:
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"sessions still open: {self.server.sessions}")


async def serve(tmp_path: Path, *, seats: int = 3, max_sessions: int = 50,
                scheme: str = "http", launcher: Launcher | None = None) -> Served:
    """A workshop server on a free port; its apps are stand-ins unless a launcher is given."""
    port = free_port()
    workshop = Workshop.open(tmp_path / "workshop", numbered_seats(seats))
    address = public_address(f"{scheme}://127.0.0.1:{port}")
    server = WorkshopServer(workshop, address,
                            launcher or Launcher(("python", "-I", "-m", "tutor")),
                            port=port, max_sessions=max_sessions)
    apps: dict[str, FakeApp] = {}

    def make_service(seat: Any, websocket: Any) -> FakeApp:
        apps[seat.folder] = FakeApp()
        return apps[seat.folder]

    if launcher is None:
        server.make_service = make_service  # type: ignore[method-assign]
    client = TestClient(TestServer(await server._make_app(), host="127.0.0.1", port=port))
    await client.start_server()
    return Served(server, client, workshop, apps)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    """A three-seat workshop on a free local port, its apps stood in for."""
    running = await serve(tmp_path)
    yield running
    await running.client.close()


async def refused(served: Served, number: int, **headers: str) -> int:
    """The status a websocket handshake is refused with (fails if it is accepted)."""
    with pytest.raises(WSServerHandshakeError) as caught:
        await served.open_app(number, **headers)
    return caught.value.status


# Tokens and cookies ----------------------------------------------------------------------------

async def test_nothing_without_a_cookie(served: Served) -> None:
    """No cookie: the page says to use your link, the socket is refused, nothing starts."""
    page = await served.client.get("/")
    assert page.status == 403 and "open the link your instructor gave you" in await page.text()
    with pytest.raises(WSServerHandshakeError) as caught:
        await served.client.ws_connect("/ws", headers={"Origin": served.origin})
    assert caught.value.status == 403
    assert (await served.client.get("/static/js/textual.js")).status == 403
    assert served.apps == {}


async def test_a_made_up_link_is_refused(served: Served) -> None:
    """/join with a token that is not a learner's sets no cookie."""
    for token in ("x" * 43, served.workshop.tokens.instructor, ""):
        response = await served.client.get(f"/join/{token}", allow_redirects=False)
        assert response.status in (403, 404) and "Set-Cookie" not in response.headers


async def test_join_sets_a_strict_http_only_cookie(served: Served) -> None:
    """A learner's link sets the cookie and leads to the page, leaving the token behind."""
    response = await served.client.get(f"/join/{served.token(0)}", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"ht_session={served.token(0)};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    assert response.headers["X-Frame-Options"] == "DENY"
    page = await served.client.get("/", headers=served.cookie(0))
    assert page.status == 200 and "data-session-websocket-url" in await page.text()


async def test_cookie_is_secure_behind_https(tmp_path: Path) -> None:
    """With an https public URL the cookie is sent over TLS only."""
    served = await serve(tmp_path, scheme="https")
    try:
        response = await served.client.get(f"/join/{served.token(0)}", allow_redirects=False,
                                           headers={"Host": served.server.address.host})
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        await served.client.close()


async def test_a_cross_site_arrival_asks_again_from_the_page(served: Served) -> None:
    """Arriving from a link in another site (cookie held back) gets a same-site retry."""
    response = await served.client.get("/", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status == 403
    assert '<meta http-equiv="refresh" content="0">' in await response.text()
    plain = await served.client.get("/", headers={"Sec-Fetch-Site": "same-origin"})
    assert plain.status == 403 and plain.content_type == "text/plain"


async def test_wrong_host_gets_nothing(served: Served) -> None:
    """A request naming another host (DNS rebinding) is refused even with a cookie."""
    response = await served.client.get("/", headers={"Host": "evil.example:8000",
                                                     **served.cookie(0)})
    assert response.status == 403


# The websocket ---------------------------------------------------------------------------------

@pytest.mark.parametrize("origin", [None, "http://evil.example", "null",
                                    "http://127.0.0.1:1", "https://127.0.0.1"])
async def test_socket_needs_the_workshop_origin(served: Served, origin: str | None) -> None:
    """A socket opened by any other page (or none) is refused and starts nothing."""
    headers = {**served.cookie(0)} if origin is None else {"Origin": origin, **served.cookie(0)}
    with pytest.raises(WSServerHandshakeError) as caught:
        await served.client.ws_connect("/ws", headers=headers)
    assert caught.value.status == 403 and served.apps == {}


@pytest.mark.parametrize("host", ["evil.example", "localhost:1", ""])
async def test_socket_needs_the_workshop_host(served: Served, host: str) -> None:
    """Right Origin, wrong Host: refused, nothing started."""
    assert await refused(served, 0, Host=host) == 403
    assert served.apps == {}


async def test_one_app_per_learner(served: Served) -> None:
    """A second socket for the same learner is refused with 409 while the first is open."""
    first = await served.open_app(0)
    assert await refused(served, 0) == 409
    assert list(served.apps) == ["seat-01"] and served.apps["seat-01"].calls[0][0] == "start"
    other = await served.open_app(1)  # another learner is not held up
    await first.close()
    await other.close()
    await served.settled()
    assert served.apps["seat-01"].calls[-1] == "stop"
    again = await served.open_app(0)  # closed: the learner may open it again
    await again.close()


async def test_cap_on_sessions(tmp_path: Path) -> None:
    """Past --max-sessions, a socket is refused with 503 and starts nothing."""
    served = await serve(tmp_path, max_sessions=2)
    try:
        sockets = [await served.open_app(0), await served.open_app(1)]
        assert await refused(served, 2) == 503
        assert sorted(served.apps) == ["seat-01", "seat-02"]
        for websocket in sockets:
            await websocket.close()
    finally:
        await served.client.close()


async def test_messages_reach_the_app_and_junk_does_not_end_it(served: Served) -> None:
    """Keys, sizes (within reason) and focus go through; malformed messages are skipped."""
    websocket = await served.open_app(0)
    for message in ("not json", "{}", "[]", '["stdin", 5]', '["resize", {"width": "x"}]',
                    '["resize", {"width": 1000000000, "height": -5}]', '["stdin", "a"]',
                    '["blur"]', '["focus"]', '["ping", "t1"]'):
        await websocket.send_str(message)
    assert await websocket.receive_json() == ["pong", "t1"]
    await websocket.close()
    await served.settled()
    assert served.apps["seat-01"].calls == [("start", 80, 24), ("resize", 80, 24),
                                            ("resize", 1000, 5), b"a", "blur", "focus", "stop"]


# Instructor ------------------------------------------------------------------------------------

async def test_instructor_link_and_class_view(served: Served) -> None:
    """The instructor's link leads to /class, which a learner's cookie cannot open; the
    instructor's cookie opens no app."""
    for path in ("/class", "/class.json", "/class.csv"):  # for the instructor only
        assert (await served.client.get(path)).status == 403
        assert (await served.client.get(path, headers=served.cookie(0))).status == 403
    bad = await served.client.get(f"/instructor/{served.token(0)}", allow_redirects=False)
    assert bad.status == 403 and "Set-Cookie" not in bad.headers
    token = served.workshop.tokens.instructor
    response = await served.client.get(f"/instructor/{token}", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/class"
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "SameSite=Strict" in response.headers["Set-Cookie"]
    websocket = await served.open_app(1)
    page = await served.client.get("/class", headers={"Cookie": f"ht_instructor={token}"})
    text = await page.text()
    assert page.status == 200 and "1 of 3 learners online, 0 stuck" in text
    assert "Seat 3" in text and "● online" in text and "○ offline" in text
    as_instructor = {"Cookie": f"ht_instructor={token}"}
    rows = await (await served.client.get("/class.json", headers=as_instructor)).json()
    assert [row["online"] for row in rows] == [False, True, False]
    assert {"id", "name", "online", "place", "lessons_read", "exercises_solved",
            "stuck"} <= set(rows[0])
    table = await (await served.client.get("/class.csv", headers=as_instructor)).text()
    assert table.splitlines()[0].startswith("id,name,online,idle_seconds,place")
    await websocket.close()
    as_instructor = {"Cookie": f"ht_instructor={token}"}
    assert (await served.client.get("/", headers=as_instructor)).status == 403
    with pytest.raises(WSServerHandshakeError):
        await served.client.ws_connect("/ws", headers={"Origin": served.origin, **as_instructor})


async def test_the_class_view_counts_the_served_pack_only(tmp_path: Path) -> None:
    """Served with --content, /class shows each learner's progress in that pack, not what
    the same store holds for the shipped course."""
    from tutor.content.identity import course_identity
    from tutor.progress.store import ProgressStore

    pack = tmp_path / "pack"
    (pack / "lessons").mkdir(parents=True)
    running = await serve(tmp_path, launcher=Launcher(("python", "-I", "-m", "tutor"),
                                                      pack.resolve()))
    try:
        folder = running.workshop.folder(running.workshop.seats[0])
        ProgressStore.open(folder, "seat-1").mark_lesson_read("root-risks")
        ProgressStore.open(folder, "seat-1",
                           course=course_identity(pack).key).mark_lesson_read("k8s-intro")
        token = running.workshop.tokens.instructor
        rows = await (await running.client.get(
            "/class.json", headers={"Cookie": f"ht_instructor={token}"})).json()
        assert rows[0]["lessons_read"] == ["k8s-intro"]
    finally:
        await running.client.close()


# The page --------------------------------------------------------------------------------------

async def test_page_loads_nothing_from_other_hosts(served: Served) -> None:
    """Every URL in the served page is the workshop's own (no web font from elsewhere)."""
    text = await (await served.client.get("/", headers=served.cookie(0))).text()
    urls = re.findall(r"""(?:[a-z]+:)?//[^\s"'<>)]+""", text)
    assert urls, "the page has no URLs at all"
    host = served.server.address.host
    for url in urls:
        assert url.split("//", 1)[1].startswith(f"{host}/"), url
    assert "googleapis" not in text


async def test_no_directory_listing(served: Served) -> None:
    """The statics are served to a learner, but never as a folder listing."""
    assert (await served.client.get("/static/js/textual.js", headers=served.cookie(0))).ok
    listing = await served.client.get("/static/", headers=served.cookie(0))
    assert listing.status in (403, 404) and "textual.js" not in await listing.text()


# The workshop folder ---------------------------------------------------------------------------

def test_tokens_kept_across_restarts(tmp_path: Path) -> None:
    """Opening the workshop again keeps every token, so the links handed out still work."""
    first = Workshop.open(tmp_path / "w", numbered_seats(2))
    links = write_links(first, "http://127.0.0.1:8000").read_text()
    again = Workshop.open(tmp_path / "w", numbered_seats(3))
    assert again.tokens.instructor == first.tokens.instructor
    assert {k: again.tokens.learners[k] for k in first.tokens.learners} == first.tokens.learners
    assert write_links(again, "http://127.0.0.1:8000").read_text().startswith(links)
    assert len({*again.tokens.learners.values(), again.tokens.instructor}) == 4


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_secret_files_are_private(tmp_path: Path) -> None:
    """tokens.json and learner-links.csv are 0600, learner folders 0700; 0644 is refused."""
    root = tmp_path / "w"
    links = root / "learner-links.csv"
    root.mkdir()
    links.write_text("old\n")
    links.chmod(0o644)
    workshop = Workshop.open(root, numbered_seats(1))
    write_links(workshop, "http://127.0.0.1:8000")
    assert stat.S_IMODE((root / "tokens.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(links.stat().st_mode) == 0o600
    assert stat.S_IMODE(workshop.folder(workshop.seats[0]).stat().st_mode) == 0o700
    (root / "tokens.json").chmod(0o644)
    with pytest.raises(InputError, match="too open"):
        Workshop.open(root, numbered_seats(1))


def test_a_damaged_tokens_file_is_not_replaced(tmp_path: Path) -> None:
    """A tokens file that is not ours stops the start; new tokens would break every link."""
    root = tmp_path / "w"
    root.mkdir()
    (root / "tokens.json").write_text('{"instructor": "short", "learners": {}}')
    (root / "tokens.json").chmod(0o600)
    with pytest.raises(InputError, match="move it aside"):
        Workshop.open(root, numbered_seats(1))
    assert "short" in (root / "tokens.json").read_text()


def test_hostile_roster_ids_stay_inside_learners(tmp_path: Path) -> None:
    """Ids like ../x, a/b, CON or non-ASCII give distinct plain folders under learners/."""
    ids = ["../x", "a/b", "CON", "Jürgen", "..", ".", "ＡＤＡ", "x", "a\\b", "-", "lpt1"]
    roster = tmp_path / "class.csv"
    roster.write_text("id,name\n" + "".join(f'"{i}",Learner {n}\n' for n, i in enumerate(ids)),
                      encoding="utf-8")
    workshop = Workshop.open(tmp_path / "w", roster_seats(Roster.load(roster)))
    learners = (tmp_path / "w" / "learners").resolve()
    folders = [seat.folder for seat in workshop.seats]
    assert len(set(folders)) == len(ids)
    for folder in folders:
        assert re.fullmatch(r"[a-z0-9_-]+", folder), folder
        assert folder not in ("con", "lpt1")
        assert (learners / folder).resolve().parent == learners
    assert workshop.seats[ids.index("ＡＤＡ")].folder == "ada"
    assert sorted(p.name for p in learners.iterdir()) == sorted(folders)


def test_links_file(tmp_path: Path) -> None:
    """learner-links.csv has id, name and url, and a roster name cannot be a formula."""
    roster = tmp_path / "class.csv"
    roster.write_text("id,name\na1,=HYPERLINK(\"x\")\n", encoding="utf-8")
    workshop = Workshop.open(tmp_path / "w", roster_seats(Roster.load(roster)))
    text = write_links(workshop, "https://w.example").read_text()
    token = workshop.tokens.learners["a1"]
    assert text.splitlines() == ["id,name,url",
                                 f"a1,\"'=HYPERLINK(\"\"x\"\")\",https://w.example/join/{token}"]


# Each learner's process ------------------------------------------------------------------------

def service(tmp_path: Path, argv: list[str], received: list[Any]) -> LearnerAppService:
    async def write(data: Any) -> None:
        received.append(data)

    async def close() -> None:
        received.append("closed")

    folder = tmp_path / "learner"
    folder.mkdir(exist_ok=True)
    return LearnerAppService(argv, folder, label="seat-01", pythonpath=None, write_bytes=write,
                             write_str=write, close=close, download_manager=_Downloads())


class _Downloads:
    async def cancel_app_downloads(self, app_service_id: str) -> None:
        pass


async def test_child_is_an_exec_list_without_the_servers_secrets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app is started from an argument list, with no shell and none of the server's
    environment: not the signing key, not anything else."""
    monkeypatch.setenv("HARDENING_TUTOR_SIGNING_KEY", "k" * 40)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    started: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    async def fake_exec(*args: Any, **kwargs: Any) -> Any:
        started.append((args, kwargs))
        raise OSError("stop here")

    monkeypatch.setattr(asyncio, "create_subprocess_exec", fake_exec)
    monkeypatch.setattr(asyncio, "create_subprocess_shell", None)
    launcher = Launcher((sys.executable, "-I", "-m", "tutor"), content=tmp_path / "pack")
    folder = tmp_path / "learner"
    app = service(tmp_path, launcher.argv(folder), [])
    with pytest.raises(OSError, match="stop here"):
        await app.start(100, 30)
    (args, kwargs), = started
    assert list(args) == [sys.executable, "-I", "-m", "tutor", "--confined", str(folder),
                          "--content", str(tmp_path / "pack")]
    environment = kwargs["env"]
    assert "HARDENING_TUTOR_SIGNING_KEY" not in environment
    assert "AWS_SECRET_ACCESS_KEY" not in environment
    assert environment["HOME"] == str(folder) and environment["COLUMNS"] == "100"
    assert environment["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver"
    assert set(environment) <= {"PATH", "HOME", "LANG", "LC_ALL", "TERM", "TEXTUAL_DRIVER",
                                "TEXTUAL_FPS", "TEXTUAL_COLOR_SYSTEM", "TERM_PROGRAM",
                                "TERM_PROGRAM_VERSION", "COLUMNS", "ROWS", "PYTHONPATH",
                                "SYSTEMROOT", "TEMP", "TMP"}
    assert kwargs["cwd"] == folder and "shell" not in kwargs


def test_the_child_is_told_who_the_learner_is(tmp_path: Path) -> None:
    """The link's learner goes to the app as --learner ID --learner-name NAME, so exams are
    recorded for them without asking what they are called."""
    from tutor.serve.workshop import Seat

    launcher = Launcher((sys.executable, "-I", "-m", "tutor"))
    seat = Seat(id="A12", name="Ada Lovelace", folder="a12")
    assert launcher.argv(tmp_path, seat)[-4:] == ["--learner", "A12", "--learner-name",
                                                  "Ada Lovelace"]


def test_launcher_never_puts_the_learners_folder_on_the_path() -> None:
    """``-m`` would import a tutor.py the learner saved: the launcher is isolated (-I or -P)."""
    prefix = find_launcher(None).prefix
    assert prefix[0] == sys.executable and prefix[-2:] == ("-m", "tutor")
    assert "-I" in prefix or {"-P", "-s"} <= set(prefix)


_STAND_IN = r"""
import json, os, sys
out = sys.stdout.buffer
out.write(b"__GANGLION__\n")
limits = None
if os.name == "posix":
    import resource
    limits = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
body = json.dumps({"env": sorted(os.environ), "cwd": os.getcwd(), "files": limits}).encode()
out.write(b"D" + len(body).to_bytes(4, "big") + body)
out.flush()
sys.stderr.write("\x1b]52;c;aGk=\x07 said on stderr\n")
while True:
    kind = sys.stdin.buffer.read(1)
    if not kind:
        break
    body = sys.stdin.buffer.read(int.from_bytes(sys.stdin.buffer.read(4), "big"))
    if kind == b"M" and json.loads(body)["type"] == "quit":
        break
"""


async def test_a_real_child_runs_and_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          caplog: pytest.LogCaptureFixture) -> None:
    """A stand-in app started through the real exec path: it runs in the learner's folder
    with the small environment and the limits, its frames arrive, and quit ends it."""
    monkeypatch.setenv("HARDENING_TUTOR_SIGNING_KEY", "k" * 40)
    received: list[Any] = []
    app = service(tmp_path, [sys.executable, "-I", "-c", _STAND_IN], received)
    await app.start(80, 24)
    for _ in range(500):
        if received:
            break
        await asyncio.sleep(0.01)
    await app.stop()
    report = json.loads(received[0])
    assert "HARDENING_TUTOR_SIGNING_KEY" not in report["env"]
    assert os.path.realpath(report["cwd"]) == os.path.realpath(tmp_path / "learner")
    if POSIX:
        assert report["files"] <= 256
    assert received[-1] == "closed"
    assert app._process is not None and app._process.returncode == 0
    said = [r.getMessage() for r in caplog.records if "stderr" in r.getMessage()]
    assert said and "\x1b" not in said[0] and "said on stderr" in said[0]


async def test_a_real_child_behind_the_socket(tmp_path: Path) -> None:
    """Through the whole server: the socket starts the learner's process in their folder,
    its screen reaches the browser, and closing the page ends the process."""
    served = await serve(tmp_path, launcher=Launcher((sys.executable, "-I", "-c", _STAND_IN)))
    try:
        websocket = await served.open_app(1)
        report = json.loads(await websocket.receive_bytes(timeout=30))
        folder = served.workshop.folder(served.workshop.seats[1])
        assert os.path.realpath(report["cwd"]) == os.path.realpath(folder)
        await websocket.close()
        await served.settled()
    finally:
        await served.client.close()


# The command -----------------------------------------------------------------------------------

def test_serve_modules_are_only_imported_by_serve(tmp_path: Path) -> None:
    """check, rules, explain, --help and the app's own modules load no web server."""
    script = (
        "import sys, contextlib, io\nfrom tutor.cli import main, build_parser\n"
        f"main(['check', '--format', 'json', {str(REPO / 'examples')!r}])\n"
        "main(['rules'])\nmain(['explain', 'HT101'])\nbuild_parser()\n"
        "import tutor.app\n"
        "sys.stdout = sys.__stdout__\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('aiohttp', 'textual_serve', "
        "'aiohttp_jinja2') or (m.startswith('tutor.serve.') and m != 'tutor.serve.command')]\n"
        "print('LOADED', loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=tmp_path, check=False)
    assert result.stdout.strip().splitlines()[-1] == "LOADED []", result.stderr


def test_without_the_extra_serve_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Without aiohttp or textual-serve: exit 2 and the pip command that installs them."""
    monkeypatch.setitem(sys.modules, "textual_serve", None)
    code = main(["serve", "--seats", "1", "--workshop", str(tmp_path / "w")])
    assert code == 2 and "pip install 'hardening-tutor[serve]'" in capsys.readouterr().err
    assert not (tmp_path / "w").exists()


@pytest.mark.parametrize(("words", "message"), [
    (["--host", "0.0.0.0"], "give --public-url"),
    (["--public-url", "http://w.example/path"], "not an address"),
    (["--public-url", "ftp://w.example"], "not an address"),
    (["--tls-cert", "c.pem"], "go together"),
    (["--max-sessions", "0"], "--max-sessions"),
    (["--port", "70000"], "--port"),
])
def test_serve_refuses_unsafe_or_broken_settings(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], words: list[str],
        message: str) -> None:
    """Listening beyond this machine needs --public-url; bad settings stop before serving."""
    code = main(["serve", "--seats", "1", "--workshop", str(tmp_path / "w"), *words])
    assert code == 2 and message in capsys.readouterr().err


def test_warns_without_tls_beyond_this_machine() -> None:
    """Plain HTTP to other machines is allowed, with a warning."""
    import argparse

    from tutor.serve.command import public_address as address_for

    warnings: list[str] = []
    args = argparse.Namespace(host="0.0.0.0", port=8000, public_url="http://192.0.2.1:8000",
                              tls_cert=None)
    assert address_for(args, warnings.append).url == "http://192.0.2.1:8000"
    assert warnings and "without TLS" in warnings[0]
    args.host = "127.0.0.1"
    warnings.clear()
    address_for(args, warnings.append)
    assert warnings == []


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_tls_context_from_cert_and_key(tmp_path: Path) -> None:
    """--tls-cert and --tls-key make a server context; a missing key file is an error."""
    from tutor.serve.command import tls_context

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = tls_context(cert, key)
    assert context is not None and context.minimum_version >= ssl.TLSVersion.TLSv1_2
    with pytest.raises(InputError, match="for TLS"):
        tls_context(cert, tmp_path / "missing.pem")


@pytest.mark.skipif(not POSIX, reason="SIGTERM")
def test_serve_prints_its_two_lines_and_stops_on_sigterm(tmp_path: Path) -> None:
    """`serve` prints the instructor's URL and where the links are, then serves until told."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tutor", "serve", "--seats", "2", "--workshop",
         str(tmp_path / "w"), "--port", str(port)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert process.stdout is not None
        first, second = process.stdout.readline(), process.stdout.readline()
        token = json.loads((tmp_path / "w" / "tokens.json").read_text())["instructor"]
        assert first == f"instructor: http://127.0.0.1:{port}/instructor/{token}\n"
        assert second == f"learner links: {tmp_path / 'w' / 'learner-links.csv'}\n"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert process.stdout.read() == ""
    finally:
        process.kill()
        process.wait()
