"""HT402: a tagged base image that is not pinned by digest."""

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


class BaseImageNoDigest(ImageRule[Ctx]):
    """A FROM (or a compose service's `image:`) names a tag but no `@sha256:` digest.

    Why:
        Tags are mutable: the publisher, or anyone who takes over their registry account,
        can point `python:3.13-slim` at new content. A digest names exactly one image, so
        the build (or the service) is reproducible and a tampered tag cannot slip in.

    Failing:
        FROM python:3.13-slim
        USER 10001

    Passing:
        FROM python:3.13-slim@sha256:8f3aba466a471c0ab903dbd7cb979abd4bda370b04789d25440cc90372b50e04
        USER 10001

    Fix:
        Append the digest of the image you tested (`docker buildx imagetools inspect
        IMAGE` prints it) and let an update bot such as Renovate refresh it.
    """

    id = "HT402"
    name = "base-image-no-digest"
    topic = Topic.SCANNING
    severity = Severity.INFO
    lesson = "scanning"

    def judge(self, pulled: PulledImage, ctx: Ctx) -> Iterator[Finding]:
        """Flag a tagged (non-latest) image without a digest."""
        image = pulled.image
        if image.digest or image.tag in (None, "latest"):
            return
        yield self.finding(
            pulled.line,
            pulled.subject(f"{image.ref} is pinned by tag only; tags can be moved to other "
                           f"content, a digest cannot."),
            pulled.end_line,
            fix=f"Pin the digest you tested: `docker buildx imagetools inspect {image.ref}` "
                f"prints it; write {pulled.key} {image.ref}@sha256:… and let an update bot refresh "
                f"it.")


class DockerfileBaseImageNoDigest(BaseImageNoDigest[DockerfileContext], DockerfileRule):
    """HT402 in a Dockerfile: each stage's base image from a registry."""


class ComposeBaseImageNoDigest(BaseImageNoDigest[ComposeContext], ComposeRule):
    """HT402 in a compose file: each image a service pulls (not one it builds)."""
