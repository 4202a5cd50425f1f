"""HT402: a tagged base image that is not pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, Rule


class BaseImageNoDigest(Rule):
    """A FROM names a tag but no `@sha256:` digest.

    Why:
        Tags are mutable: the publisher, or anyone who takes over their registry account,
        can point `python:3.13-slim` at new content. A digest names exactly one image, so
        the build is reproducible and a tampered tag cannot slip in.

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

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag tagged (non-latest) external images without a digest."""
        for stage in ctx.dockerfile.stages:
            image = stage.image
            if image is None or image.digest or image.tag in (None, "latest"):
                continue
            yield self.at(stage.from_instruction,
                          f"{image.ref} is pinned by tag only; tags can be moved to other "
                          f"content, a digest cannot.",
                          fix=f"Pin the digest you tested: `docker buildx imagetools inspect "
                              f"{image.ref}` prints it; write FROM {image.ref}@sha256:… and let "
                              f"an update bot refresh it.")
