"""The ``serve`` command: the course for a class, in their browsers, from this machine.

Imported by the command line for its parser, so it imports nothing heavy itself; the
server (aiohttp, textual-serve) loads only when ``serve`` runs.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.errors import ExitCode, InputError
from tutor.safetext import visible

if TYPE_CHECKING:
    import ssl

    from tutor.serve.access import PublicAddress

INSTALL_HINT = "pip install 'hardening-tutor[serve]'"
_LOOPBACK_NAMES = ("localhost",)

_EPILOG = """\
The workshop folder keeps each learner's work in learners/<id>/, and the links in
tokens.json; learner-links.csv lists every learner's link, for you to hand out. Links stay
the same when the server restarts. Each learner's app runs as its own process, confined to
their folder, with none of this shell's environment.

Serving other machines: give --public-url, the address their browsers use, and TLS
(--tls-cert and --tls-key, or a TLS proxy in front): without it, links and keystrokes
cross the network readable.
"""


def add_parser(commands: Any) -> None:
    """Add ``serve`` to the command line."""
    from tutor.cli import add_app_options  # --content is the app's option, as the app reads it

    serve = commands.add_parser(
        "serve", help="serve the course to a class, in their browsers",
        description="Serve the course to a class: each learner opens their own link in a "
                    "browser and gets the app, with their own folder and progress.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    who = serve.add_mutually_exclusive_group(required=True)
    who.add_argument("--roster", type=Path, metavar="FILE",
                     help="the class roster, CSV with columns id and name: one link each")
    who.add_argument("--seats", type=int, metavar="N",
                     help="no roster: N links, for seat-01 … seat-N")
    add_app_options(serve, helps={
        "--content": "serve the course pack in DIR instead of the shipped course"})
    serve.add_argument("--workshop", type=Path, metavar="DIR", default=Path("workshop"),
                       help="the workshop folder (default: ./workshop)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address learners' browsers use, such as "
                            "https://workshop.example:8000 (needed with any other --host)")
    serve.add_argument("--tls-cert", type=Path, metavar="FILE",
                       help="serve HTTPS with this certificate (PEM, with its chain)")
    serve.add_argument("--tls-key", type=Path, metavar="FILE",
                       help="the certificate's private key (PEM)")
    serve.add_argument("--signing-key", type=Path, metavar="FILE",
                       help="sign exam records with this key (a file only you can read: "
                            "chmod 600; 'hardening-tutor results new-key -o FILE' makes "
                            "one). The server grades each submitted attempt itself and signs "
                            "it; no learner's process ever sees the key")
    serve.add_argument("--max-sessions", type=int, default=50, metavar="N",
                       help="at most N apps open at once (default: 50)")


def _require_extra() -> None:
    try:
        import aiohttp  # noqa: F401
        import aiohttp_jinja2  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError as exc:
        raise InputError(f"serve needs the optional web server ({exc.name or exc} is not "
                         f"installed): {INSTALL_HINT}") from None


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def public_address(args: argparse.Namespace, warn: Callable[[str], None]) -> PublicAddress:
    """The address in links: --public-url, or this machine's own for a loopback host."""
    from tutor.serve.access import public_address as parse

    tls = args.tls_cert is not None
    if args.public_url is None:
        if not is_loopback(args.host):
            raise InputError(f"--host {visible(args.host)} serves other machines: give "
                             f"--public-url too, the address their browsers use (such as "
                             f"https://workshop.example:{args.port}); links and the "
                             f"websocket are built from it")
        bare = args.host.strip("[]")
        host = f"[{bare}]" if ":" in bare else bare
        address = parse(f"{'https' if tls else 'http'}://{host}:{args.port}")
    else:
        address = parse(args.public_url)
    if tls and not address.secure:
        raise InputError("with --tls-cert the server speaks HTTPS: --public-url must start "
                         "with https://")
    if not is_loopback(args.host):
        if not address.secure:
            warn(f"serving {address.url} without TLS: learners' links and keystrokes cross "
                 f"the network readable; use --tls-cert and --tls-key, or a TLS proxy")
        elif not tls:
            warn(f"{address.url} is HTTPS but this server speaks plain HTTP on "
                 f"{args.host}:{args.port}: only the TLS proxy in front should reach it")
    return address


def tls_context(cert: Path | None, key: Path | None) -> ssl.SSLContext | None:
    """The server's TLS context from --tls-cert and --tls-key, or None without them."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise InputError("--tls-cert and --tls-key go together: give both, or neither")
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise InputError(f"cannot use {visible(str(cert))} and {visible(str(key))} for TLS: "
                         f"{visible(str(getattr(exc, 'strerror', None) or exc))}") from None
    return context


def run_serve(args: argparse.Namespace, warn: Callable[[str], None]) -> int:
    """Check everything, open the workshop folder, print the two lines, and serve."""
    _require_extra()
    import asyncio

    from tutor.serve.child import find_launcher
    from tutor.serve.links import write_links
    from tutor.serve.server import WorkshopServer
    from tutor.serve.workshop import Workshop, numbered_seats, roster_seats

    if not 1 <= args.port <= 65535:
        raise InputError(f"--port takes a number from 1 to 65535, not {args.port}")
    if args.max_sessions < 1:
        raise InputError(f"--max-sessions takes a number of 1 or more, not {args.max_sessions}")
    address = public_address(args, warn)
    context = tls_context(args.tls_cert, args.tls_key)
    if args.roster is not None:
        from tutor.exam.learners import Roster

        seats = roster_seats(Roster.load(args.roster))
    else:
        seats = numbered_seats(args.seats)
    content = None
    if args.content is not None:
        from tutor.content.loader import pack_root

        pack_root(args.content)  # not a course pack: said now, not in every learner's app
        content = args.content.resolve()
    signing_key = None
    if args.signing_key is not None:
        from tutor.exam.record import load_key

        # The file only, never the environment: the server's environment is not a place
        # for it, and a key readable by others is refused.
        signing_key = load_key(environ={}, path=args.signing_key)
        if signing_key is None:
            raise InputError(f"--signing-key {args.signing_key}: no such file; make one with "
                             f"'hardening-tutor results new-key -o {args.signing_key}'")
    else:
        warn("no --signing-key: exams taken here are graded by the server but their records "
             "are self-assessed (unsigned)")
    from tutor.content.loader import load_course
    from tutor.serve.signoff import SignOff

    course = load_course(content)
    if course.errors:
        raise InputError(f"the course has {len(course.errors)} problem(s); run "
                         f"'hardening-tutor content check' to see them")
    workshop = Workshop.open(args.workshop, seats)
    links = write_links(workshop, address.url)
    server = WorkshopServer(workshop, address, find_launcher(content),
                            host=args.host.strip("[]"), port=args.port,
                            max_sessions=args.max_sessions, ssl_context=context,
                            signoff=SignOff(workshop, course, signing_key))

    def ready() -> None:
        print(f"instructor: {address.url}/instructor/{workshop.tokens.instructor}")
        print(f"learner links: {visible(str(links))}")
        sys.stdout.flush()

    _log_to_stderr()
    asyncio.run(server.run(ready))
    return ExitCode.OK


def _log_to_stderr() -> None:
    """Who started and ended an app, and what went wrong, on stderr (stdout has the links)."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("hardening-tutor serve: %(message)s"))
    for name, level in (("hardening-tutor.serve", logging.INFO),
                        ("textual-serve", logging.WARNING), ("aiohttp", logging.WARNING)):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)

