"""HT403: a base image past its vendor's end of life."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.images import EndOfLife, distro_end_of_life, end_of_life
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, Rule


class BaseImageEndOfLife(Rule):
    """A FROM uses a version its vendor no longer supports.

    Why:
        After end of life nobody publishes security fixes. Scanners keep reporting new
        vulnerabilities in the image that will never be patched, and an attacker can
        use public exploits for them with no deadline. The dates come from a table
        shipped with hardening-tutor, taken from each vendor's published schedule.

    Failing:
        FROM python:3.8-slim
        USER 10001

    Passing:
        FROM python:3.13-slim
        USER 10001

    Fix:
        Move to a supported release of the same image (and test the upgrade); schedules
        are published by each vendor, and endoflife.date collects them.
    """

    id = "HT403"
    name = "base-image-end-of-life"
    topic = Topic.SCANNING
    severity = Severity.WARNING
    lesson = "scanning"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag images (or their distro suffix) whose end-of-life date has passed."""
        for stage in ctx.dockerfile.stages:
            image = stage.image
            if image is None:
                continue
            for eol in (end_of_life(image), distro_end_of_life(image)):
                if eol is not None and eol.eol <= ctx.today:
                    yield self.at(stage.from_instruction, _message(image.ref, eol))
                    break


def _message(ref: str, eol: EndOfLife) -> str:
    """Say what went out of support, when, and what that means."""
    return (f"{ref} is {eol.product} {eol.version}, which reached end of life on "
            f"{eol.eol.isoformat()}: it gets no security fixes, so its known vulnerabilities "
            f"stay open for anyone to exploit.")
