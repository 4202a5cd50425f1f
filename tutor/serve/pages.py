"""The server's own short pages and messages: what a refused visitor reads, and the class.

Plain text where it can be; the class page is HTML with every value escaped and nothing
loaded from anywhere.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"

USE_YOUR_LINK = ("This is a hardening-tutor workshop. To take part, open the link your "
                 "instructor gave you (it ends in /join/ and a long code); it lets this "
                 "browser in.\n")
BAD_LINK = ("This link is not one of this workshop's. Check it with your instructor: it "
            "may be cut short, or from another workshop.\n")
WRONG_HOST = "This workshop answers only at {url}. Open the link your instructor gave you.\n"
WRONG_ORIGIN = ("The app can only be opened from this workshop's own page, {url}; a page "
                "from anywhere else may not start it.\n")
INSTRUCTOR_ONLY = "This page is for the instructor, through the link the server printed.\n"
# Refusing a second session (rather than letting it take over) keeps one learner's two
# tabs from fighting over one folder, and a stolen cookie from silently pushing the
# learner out; the cost is a wait of up to half a minute after a laptop lid closes.
ALREADY_OPEN = ("{id} already has the app open in another tab or browser. Close it there "
                "and press Restart here; if that window is gone (a closed laptop), the "
                "server lets go of it within half a minute.\n")
FULL = ("The workshop is full: {count} sessions are open, the most this server runs at "
        "once. Press Restart in a minute, or ask your instructor.\n")

# A link clicked in a mail or chat page is a cross-site navigation: browsers set the
# SameSite=Strict cookie from /join but do not send it on the redirect that follows. Our own
# page asking again makes that request same-site, and the cookie goes with it.
RETRY_SAME_SITE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                   "<meta http-equiv=\"refresh\" content=\"0\"><title>hardening-tutor</title>"
                   "</head><body><p>{text}</p></body></html>\n")


def retry_same_site() -> str:
    """The page that asks for itself again, for a cookie kept back from a cross-site visit."""
    return RETRY_SAME_SITE.format(text=escape(USE_YOUR_LINK.strip()))
