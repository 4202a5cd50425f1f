"""HT401: a base image with no tag or the ``latest`` tag."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._images import ImageRule, PulledImage
from tutor.analysis.rules.base import (
    ComposeContext,
    ComposeRule,
    Ctx,
    DockerfileContext,
    DockerfileRule,
)


class BaseImageUnpinned(ImageRule[Ctx]):
    """A FROM (or a compose service's `image:`) uses an image with no tag or with `:latest`.

    Why:
        `latest` is whatever the publisher pushed last. Two builds of the same commit can
        get different operating systems, library versions and vulnerabilities, and a
        compromised or broken upstream push flows straight into your image with nothing
        in your repository to review or roll back. A compose service that pulls `image:
        prom/prometheus` has the same problem at every `docker compose pull`.

    Failing:
        FROM node:latest
        USER 10001

    Passing:
        FROM node:24-alpine3.22
        USER 10001

    Fix:
        Name a version tag (`node:24-alpine3.22`), and ideally pin the digest too
        (`node:24-alpine3.22@sha256:…`) with a bot such as Renovate or Dependabot to
        propose updates.
    """

    id = "HT401"
    name = "base-image-unpinned"
    topic = Topic.SCANNING
    severity = Severity.WARNING
    lesson = "scanning"
    aliases = ("DL3006", "DL3007", "DS-0001", "CKV_DOCKER_7")

    def judge(self, pulled: PulledImage, ctx: Ctx) -> Iterator[Finding]:
        """Flag an image with no tag, or tagged latest, unless it is pinned by digest."""
        image = pulled.image
        if image.digest or image.tag not in (None, "latest"):
            return
        drift = ("each build may pull a different image" if pulled.service is None
                 else "each pull may fetch a different image")
        what = "has no tag, so it means :latest" if image.tag is None else "follows :latest"
        yield self.finding(pulled.line, pulled.subject(
            f"{image.ref}{pulled.via} {what}: {drift}, and an upstream change ships without "
            f"review."), pulled.end_line)


class DockerfileBaseImageUnpinned(BaseImageUnpinned[DockerfileContext], DockerfileRule):
    """HT401 in a Dockerfile: each stage's base image from a registry."""


class ComposeBaseImageUnpinned(BaseImageUnpinned[ComposeContext], ComposeRule):
    """HT401 in a compose file: each image a service pulls (not one it builds)."""
