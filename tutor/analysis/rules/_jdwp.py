"""The Java debug agent (JDWP) in a command line or an option variable (HT312, HT505).

``-agentlib:jdwp=transport=dt_socket,server=y,address=…`` (or the older
``-Xrunjdwp:…``) makes the JVM listen for a debugger. JDWP has no authentication: whoever
connects can invoke any method in the JVM (``ClassType.InvokeMethod`` in
https://docs.oracle.com/en/java/javase/21/docs/specs/jdwp/jdwp-protocol.html), so
``Runtime.exec`` runs commands as the app's user. Where it listens follows the address
(https://docs.oracle.com/en/java/javase/21/docs/specs/jpda/conninv.html): ``*:5005`` or
``0.0.0.0:5005`` is every interface; a bare ``5005`` is every interface up to Java 8 and
only the loopback from Java 9 (JDK-8041435,
https://www.oracle.com/java/technologies/javase/9-notes.html); ``localhost:5005`` is the
loopback, which nothing outside the container reaches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_AGENT = re.compile(r"-(?:agentlib:jdwp=|Xrunjdwp:)([^\s\"',\]]*(?:,[^\s\"',\]]*)*)",
                    re.IGNORECASE)
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
# The port IDEs and build tools (IntelliJ, Maven Surefire, Spring Boot) use for JDWP.
CONVENTIONAL_PORT = 5005


@dataclass(frozen=True, slots=True)
class Listener:
    """A JDWP agent that listens: its address, and whether every interface is certain."""

    address: str
    everywhere: bool

    @property
    def port(self) -> int | None:
        """The port, when the address names one."""
        tail = self.address.rpartition(":")[2]
        return int(tail) if tail.isdigit() else None

    def where(self) -> str:
        """Where it listens, in words."""
        if self.everywhere:
            return f"on every interface (address={self.address})"
        return (f"on address={self.address}, every interface up to Java 8 (only the loopback "
                f"from Java 9)")


def listener(text: str) -> Listener | None:
    """The first JDWP agent in ``text`` that listens beyond the loopback, if any."""
    for match in _AGENT.finditer(text):
        options = dict(part.partition("=")[::2] for part in match.group(1).split(","))
        if options.get("server", "n").lower() != "y":
            continue  # server=n attaches out to a debugger; nothing listens
        address = options.get("address", "")
        host, colon, _ = address.rpartition(":")
        if colon and host.lower() in _LOOPBACK:
            continue
        return Listener(address or "(a random port)", bool(colon))
    return None
