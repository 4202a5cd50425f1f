"""HT403: a base image past its vendor's end of life."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.lifecycle import Support, supports, table_source
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._images import ImageRule, PulledImage
from tutor.analysis.rules.base import (
    ComposeContext,
    ComposeRule,
    Ctx,
    DockerfileContext,
    DockerfileRule,
    RuleDoc,
)


class BaseImageEndOfLife(ImageRule[Ctx]):
    """A FROM (or a compose service's `image:`) uses a release its vendor no longer supports.

    Why:
        After end of life nobody publishes security fixes. Scanners keep reporting new
        vulnerabilities in the image that will never be patched, and an attacker can
        use public exploits for them with no deadline. A tag can name two releases, the
        runtime's and the operating system's under it (`python:3.8-slim-buster`): either
        one past its end is enough. Deprecated images (`openjdk`) count too: nothing in
        them is updated any more.

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

    @classmethod
    def _parse_doc(cls) -> RuleDoc:
        """The docstring, with how current the shipped table is."""
        doc = super()._parse_doc()
        return dataclasses.replace(doc, why=f"{doc.why}\n{table_source()}")

    def judge(self, pulled: PulledImage, ctx: Ctx) -> Iterator[Finding]:
        """Flag an image whose release (or whose system's release) has reached end of life."""
        ended = [s for s in supports(pulled.image) if s.ended(ctx.today)]
        if not ended:
            return
        advice = next((s.advice for s in ended if s.advice), None)
        fix = (f"Move to {advice}; the image is no longer maintained, so no tag of it "
               f"will get fixes." if advice else None)
        yield self.finding(pulled.line, pulled.subject(_message(pulled.image.ref, ended)),
                           pulled.end_line, fix=fix)


class DockerfileBaseImageEndOfLife(BaseImageEndOfLife[DockerfileContext], DockerfileRule):
    """HT403 in a Dockerfile: each stage's base image from a registry."""


class ComposeBaseImageEndOfLife(BaseImageEndOfLife[ComposeContext], ComposeRule):
    """HT403 in a compose file: each image a service pulls (not one it builds)."""


def _message(ref: str, ended: list[Support]) -> str:
    """Say what went out of support, when, and what that means."""
    own = [s for s in ended if not s.system]
    system = [s for s in ended if s.system]
    parts = []
    if own:
        parts.append("is " + " and ".join(s.describe() for s in own))
    if system:
        parts.append("is built on " + " and ".join(s.describe() for s in system))
    gets = {1: "it gets no", 2: "neither gets"}.get(len(ended), "none of them gets")
    their = "its" if len(ended) == 1 else "their"
    return (f"{ref} {', and '.join(parts)}: {gets} security fixes, so {their} known "
            f"vulnerabilities stay open for anyone to exploit.")
