"""Who may do what: tokens to learners, and the one address the server answers on.

Kept apart from the web server so the rules read (and test) without aiohttp.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from tutor.errors import InputError
from tutor.safetext import visible
from tutor.serve.workshop import Seat, Workshop

LEARNER_COOKIE = "ht_session"
INSTRUCTOR_COOKIE = "ht_instructor"
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class PublicAddress:
    """The address learners' browsers use: ``origin`` as in an Origin header, ``host`` as
    in a Host header (the default port left out, as browsers send them)."""

    origin: str
    host: str

    @property
    def url(self) -> str:
        """The address links start with: the origin itself, with no path."""
        return self.origin

    @property
    def secure(self) -> bool:
        return self.origin.startswith("https://")


def public_address(url: str) -> PublicAddress:
    """Parse ``--public-url``; `InputError` unless it is ``http(s)://host[:port]``."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (parts.scheme not in _DEFAULT_PORTS or not parts.hostname or port == -1
            or parts.username is not None or parts.password is not None
            or parts.path not in ("", "/") or parts.query or parts.fragment):
        raise InputError(f"--public-url {visible(url)!r} is not an address such as "
                         f"https://workshop.example or http://192.0.2.10:8000 (a scheme, a "
                         f"host and a port, nothing after them)")
    host = authority(parts.scheme, parts.hostname, port)
    if host is None:
        raise InputError(f"--public-url {visible(url)!r}: the host is not an address")
    origin = f"{parts.scheme}://{host}"
    return PublicAddress(origin=origin, host=host)


def authority(scheme: str, hostname: str, port: int | None) -> str | None:
    """``host[:port]`` in one spelling: lower case, brackets around IPv6, no default port."""
    name = hostname.lower().rstrip(".")
    if not name or any(char in name for char in "/\\@?#% "):
        return None
    if ":" in name:
        name = f"[{name}]"
    return name if port in (None, _DEFAULT_PORTS[scheme]) else f"{name}:{port}"


def same_host(header: str | None, address: PublicAddress) -> bool:
    """True when a Host header names the public address (in any equivalent spelling)."""
    if not header:
        return False
    scheme = "https" if address.secure else "http"
    try:
        parts = urlsplit(f"{scheme}://{header}")
        hostname, port = parts.hostname, parts.port
    except ValueError:
        return False
    if not hostname or parts.path or parts.username is not None:
        return False
    return authority(scheme, hostname, port) == address.host


def same_origin(header: str | None, address: PublicAddress) -> bool:
    """True when an Origin header is the public address's origin."""
    if not header:
        return False
    try:
        parts = urlsplit(header)
        hostname, port = parts.hostname, parts.port
    except ValueError:
        return False
    if parts.scheme not in _DEFAULT_PORTS or not hostname or parts.path:
        return False
    host = authority(parts.scheme, hostname, port)
    return f"{parts.scheme}://{host}" == address.origin


def _digest(token: str) -> bytes:
    # Tokens are looked up by their hash, so how long a lookup takes says nothing about
    # how much of a guessed token was right.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


class Access:
    """The workshop's tokens: which seat a token is, and whether one is the instructor's."""

    def __init__(self, workshop: Workshop) -> None:
        tokens = workshop.tokens
        self._seats = {_digest(tokens.learners[seat.folder]): seat for seat in workshop.seats}
        self._instructor = _digest(tokens.instructor)

    def seat(self, token: str | None) -> Seat | None:
        """The seat whose token this is, or None."""
        return self._seats.get(_digest(token)) if token else None

    def is_instructor(self, token: str | None) -> bool:
        """True for the instructor's token."""
        return bool(token) and _digest(token or "") == self._instructor
