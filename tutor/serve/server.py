"""The workshop's web server: textual-serve's Server, with a door on every route.

Every route needs a token. A learner's link (``/join/<token>``) sets an HttpOnly,
SameSite=Strict cookie and leads to ``/``; the page and its websocket need that cookie, and
the websocket also an Origin and a Host that are the workshop's own, so no other web page
a learner visits can start an app in their name. One live app per learner, and at most
``max_sessions`` in all; each app is a confined process of its own (`tutor.serve.child`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import signal
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web
from textual_serve.server import Server

from tutor.content.identity import course_identity
from tutor.errors import InputError, TutorError
from tutor.safetext import visible
from tutor.serve import pages
from tutor.serve.access import (
    INSTRUCTOR_COOKIE,
    LEARNER_COOKIE,
    Access,
    PublicAddress,
    same_host,
    same_origin,
)
from tutor.serve.child import QUIT_GRACE, Launcher, LearnerAppService
from tutor.serve.signoff import SIGN_EVERY_SECONDS, SignOff
from tutor.serve.workshop import Seat, Workshop

log = logging.getLogger("hardening-tutor.serve")

COOKIE_AGE = 12 * 60 * 60  # a workshop day; after it, the link lets the browser in again
MAX_MESSAGE = 1024 * 1024  # a pasted Dockerfile fits many times over
_SIZE_LIMITS = {"width": (10, 1000, 80), "height": (5, 500, 24)}  # low, high, default
_DOORS = ("join", "instructor")  # the only routes open without a cookie
_HEADERS = {
    # The app's page in someone else's frame would let that page steer the learner's clicks.
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _size(value: object, which: str) -> int:
    """A terminal dimension from the browser, as a number within reason."""
    low, high, default = _SIZE_LIMITS[which]
    try:
        number = int(str(value))
    except ValueError:
        return default
    return max(low, min(high, number))


def _text(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, content_type="text/plain")


class WorkshopServer(Server):
    """Serves the course to a class: one confined app per learner, reached by their link."""

    def __init__(self, workshop: Workshop, address: PublicAddress, launcher: Launcher, *,
                 host: str = "127.0.0.1", port: int = 8000, max_sessions: int = 50,
                 ssl_context: ssl.SSLContext | None = None,
                 signoff: SignOff | None = None) -> None:
        super().__init__("hardening-tutor", host=host, port=port, title="hardening-tutor",
                         public_url=address.url, templates_path=pages.TEMPLATES)
        self.workshop = workshop
        self.address = address
        self.access = Access(workshop)
        self.launcher = launcher
        # The course learners' progress is kept under: the one their apps are given.
        self.course = course_identity(launcher.content).key
        self.max_sessions = max_sessions
        self.ssl_context = ssl_context
        self.sessions: dict[str, web.WebSocketResponse] = {}  # folder -> its socket
        self.last_key: dict[str, float] = {}  # folder -> monotonic time of its last key
        # Grades and signs submitted exams with a key no learner's process ever sees.
        self.signoff = signoff
        self._signing: asyncio.Task[None] | None = None

    async def _make_app(self) -> web.Application:
        """The routes: textual-serve's page, socket and statics (no directory listing), and
        the doors; its /download route is left out until downloads check whose they are."""
        import aiohttp_jinja2
        import jinja2

        app = web.Application(middlewares=[self._guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/join/{token}", self.handle_join, name="join"),
            web.get("/instructor/{token}", self.handle_instructor, name="instructor"),
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/class", self.handle_class),
            web.get("/class.json", self.handle_class),
            web.get("/class.csv", self.handle_class),
            web.get("/class/records.json", self.handle_records),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self._start_signing)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def _start_signing(self, app: web.Application) -> None:
        if self.signoff is not None:
            self._signing = asyncio.create_task(self._sign_submitted(self.signoff))

    async def _sign_submitted(self, signoff: SignOff) -> None:
        """Every few seconds, grade and sign what learners have submitted (in a thread)."""
        while True:
            try:
                for attempt in await asyncio.to_thread(signoff.round):
                    log.info("signed exam attempt %s", visible(attempt))
            except TutorError as exc:  # the records store locked or full: next round
                log.warning("cannot sign exams now: %s", visible(str(exc)))
            await asyncio.sleep(SIGN_EVERY_SECONDS)

    async def handle_records(self, request: web.Request) -> web.Response:
        """The server's signed exam records, sealed, for the instructor to keep and verify."""
        if not self._instructor(request):
            return _text(403, pages.INSTRUCTOR_ONLY)
        if self.signoff is None:
            return _text(404, "This workshop holds no exam records.\n")
        from tutor.exam.session import stamp, utc_now

        text = await asyncio.to_thread(self.signoff.export, stamp(utc_now()))
        return web.Response(text=text, content_type="application/json", headers={
            "Content-Disposition": "attachment; filename=\"exam-records.json\""})

    def _seat(self, request: web.Request) -> Seat | None:
        return self.access.seat(request.cookies.get(LEARNER_COOKIE))

    def _instructor(self, request: web.Request) -> bool:
        return self.access.is_instructor(request.cookies.get(INSTRUCTOR_COOKIE))

    @web.middleware
    async def _guard(self, request: web.Request,
                     handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                     ) -> web.StreamResponse:
        """Every answer gets the headers below; `_admit` decides who gets one."""
        try:
            response = await self._admit(request, handler)
        except web.HTTPException as exc:
            exc.headers.update(_HEADERS)
            raise
        if not response.prepared:  # a websocket's headers are already sent
            response.headers.update(_HEADERS)
            if not request.path.startswith("/static/"):
                response.headers["Cache-Control"] = "no-store"
        return response

    async def _admit(self, request: web.Request,
                     handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                     ) -> web.StreamResponse:
        """The Host must be the workshop's (a page elsewhere whose name resolves to this
        server gets nothing), and every route but the two doors needs a cookie; each
        handler then checks whose cookie it needs."""
        if not same_host(request.headers.get("Host"), self.address):
            return _text(403, pages.WRONG_HOST.format(url=self.address.url))
        if request.match_info.route.name in _DOORS:
            return await handler(request)
        if self._seat(request) is None and not self._instructor(request):
            return self._use_your_link(request)
        return await handler(request)

    @staticmethod
    def _use_your_link(request: web.Request) -> web.Response:
        if request.path == "/" and request.headers.get("Sec-Fetch-Site") == "cross-site":
            return web.Response(status=403, text=pages.retry_same_site(),
                                content_type="text/html")
        return _text(403, pages.USE_YOUR_LINK)

    def _enter(self, cookie: str, token: str, location: str) -> web.Response:
        response = web.Response(status=303, headers={"Location": location})
        response.set_cookie(cookie, token, max_age=COOKIE_AGE, path="/", httponly=True,
                            samesite="Strict", secure=self.address.secure or None)
        return response

    async def handle_join(self, request: web.Request) -> web.Response:
        """A learner's link: let this browser in as them, and lose the token from the URL."""
        token = request.match_info["token"]
        if self.access.seat(token) is None:
            return _text(403, pages.BAD_LINK)
        return self._enter(LEARNER_COOKIE, token, "/")

    async def handle_instructor(self, request: web.Request) -> web.Response:
        """The instructor's link, printed at start: on to the class view."""
        token = request.match_info["token"]
        if not self.access.is_instructor(token):
            return _text(403, pages.BAD_LINK)
        return self._enter(INSTRUCTOR_COOKIE, token, "/class")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The app's page, for a learner with a cookie."""
        if self._seat(request) is None:  # the instructor's browser, say
            return self._use_your_link(request)
        response: web.StreamResponse = await Server.handle_index(self, request)
        return response

    async def handle_class(self, request: web.Request) -> web.Response:
        """The instructor's class view: /class (HTML), /class.json and /class.csv."""
        if not self._instructor(request):
            return _text(403, pages.INSTRUCTOR_ONLY)
        from tutor.serve import classview

        # Reading every learner's store is file I/O: off the event loop, so keys still flow.
        class_rows = await asyncio.to_thread(
            classview.rows, self.workshop.seats,
            {seat.folder: self.workshop.folder(seat) for seat in self.workshop.seats},
            set(self.sessions), dict(self.last_key), dt.datetime.now(dt.timezone.utc),
            time.monotonic(), self.course)
        if request.path.endswith(".json"):
            return web.Response(text=classview.to_json(class_rows),
                                content_type="application/json")
        if request.path.endswith(".csv"):
            return web.Response(text=classview.to_csv(class_rows), content_type="text/csv",
                                headers={"Content-Disposition":
                                         "attachment; filename=\"class.csv\""})
        return web.Response(text=classview.to_html(class_rows, self.max_sessions),
                            content_type="text/html")

    def _refuse(self, request: web.Request, seat: Seat | None) -> Seat:
        """The seat this websocket may start an app for; an HTTP error says why not."""
        if seat is None:
            raise web.HTTPForbidden(text=pages.USE_YOUR_LINK)
        if not same_origin(request.headers.get("Origin"), self.address):
            raise web.HTTPForbidden(text=pages.WRONG_ORIGIN.format(url=self.address.url))
        if seat.folder in self.sessions:
            raise web.HTTPConflict(text=pages.ALREADY_OPEN.format(id=seat.id))
        if len(self.sessions) >= self.max_sessions:
            raise web.HTTPServiceUnavailable(
                text=pages.FULL.format(count=len(self.sessions)))
        return seat

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Run the learner's app for as long as their page is connected."""
        seat = self._refuse(request, self._seat(request))
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        # Claimed before the first await, so two sockets at once cannot both pass the checks.
        self.sessions[seat.folder] = websocket
        try:
            await websocket.prepare(request)
            await self._run_app(seat, websocket, request)
            return websocket
        finally:
            del self.sessions[seat.folder]

    async def _run_app(self, seat: Seat, websocket: web.WebSocketResponse,
                       request: web.Request) -> None:
        service = self.make_service(seat, websocket)
        try:
            await service.start(_size(request.query.get("width"), "width"),
                                _size(request.query.get("height"), "height"))
        except OSError as exc:
            log.warning("%s: cannot start the app: %s", visible(seat.id), visible(str(exc)))
            await websocket.close(code=WSCloseCode.INTERNAL_ERROR,
                                  message=b"the app could not be started")
            return
        log.info("%s: app started", visible(seat.id))
        try:
            await self._from_browser(websocket, service, seat.folder)
        finally:
            await service.stop()
            log.info("%s: app ended", visible(seat.id))

    def make_service(self, seat: Seat, websocket: web.WebSocketResponse) -> Any:
        """The process behind one learner's page (tests put a stand-in here)."""
        return LearnerAppService(
            self.launcher.argv(self.workshop.folder(seat), seat), self.workshop.folder(seat),
            label=visible(seat.id), pythonpath=self.launcher.pythonpath,
            write_bytes=websocket.send_bytes, write_str=websocket.send_str,
            close=websocket.close, download_manager=self.download_manager)

    async def _from_browser(self, websocket: web.WebSocketResponse, service: Any,
                            folder: str) -> None:
        """Pass keys, sizes and focus from the page to the app.

        textual-serve's own loop asserts the shape of each message, so one malformed
        message ends the session; here it is skipped.
        """
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                self.last_key[folder] = time.monotonic()
                await service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, Mapping):
                await service.set_terminal_size(_size(data.get("width"), "width"),
                                                _size(data.get("height"), "height"))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every learner's page; each handler then ends its app."""
        if self._signing is not None:
            self._signing.cancel()
        for websocket in list(self.sessions.values()):
            if websocket.prepared:
                await websocket.close(code=WSCloseCode.GOING_AWAY,
                                      message=b"the workshop server is stopping")

    async def run(self, ready: Callable[[], None]) -> None:
        """Listen until SIGINT or SIGTERM; ``ready`` is called once the port is open."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):  # before ready(): a stop may follow it
            with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C raises
                loop.add_signal_handler(signum, stopping.set)
        runner = web.AppRunner(await self._make_app(), access_log=None,  # URLs hold tokens
                               shutdown_timeout=2 * QUIT_GRACE + 5)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port, ssl_context=self.ssl_context)
            try:
                await site.start()
            except OSError as exc:
                raise InputError(f"cannot listen on {self.host} port {self.port}: "
                                 f"{exc.strerror or exc}") from None
            ready()
            await stopping.wait()
        finally:
            await runner.cleanup()

    def serve(self, debug: bool = False) -> None:
        """textual-serve's entry point, kept working: serve until interrupted.

        Its own would listen without TLS, with an access log full of tokens.
        """
        asyncio.run(self.run(ready=lambda: None))
