"""HT401: a base image with no tag or the ``latest`` tag."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, Rule


class BaseImageUnpinned(Rule):
    """A FROM uses an image with no tag or with `:latest`.

    Why:
        `latest` is whatever the publisher pushed last. Two builds of the same commit can
        get different operating systems, library versions and vulnerabilities, and a
        compromised or broken upstream push flows straight into your image with nothing
        in your repository to review or roll back.

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

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag external base images without a tag, or tagged latest, unless digest-pinned."""
        for stage in ctx.dockerfile.stages:
            image = stage.image
            if image is None or image.digest:
                continue
            via = "" if image.ref == stage.from_instruction.value.split()[0] else \
                f" (from {stage.from_instruction.value.split()[0]})"
            if image.tag is None:
                yield self.at(stage.from_instruction,
                              f"{image.ref}{via} has no tag, so it means :latest: each build "
                              f"may pull a different image, and an upstream change ships "
                              f"without review.")
            elif image.tag == "latest":
                yield self.at(stage.from_instruction,
                              f"{image.ref}{via} follows :latest: each build may pull a "
                              f"different image, and an upstream change ships without review.")
