"""The images a file pulls (each FROM, and each compose `image:`), and the base of the rules
that judge each one the same way in both kinds of file (HT401 to HT403)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from tutor.analysis.findings import Finding
from tutor.analysis.images import parse_image_ref
from tutor.analysis.model import ImageRef
from tutor.analysis.rules.base import ComposeContext, Ctx, DockerfileContext, Rule


@dataclass(frozen=True, slots=True)
class PulledImage:
    """An image the file pulls from a registry, and where the file names it."""

    image: ImageRef
    line: int
    end_line: int
    # The compose service that runs it; None for a FROM.
    service: str | None = None
    # How the file writes it, when variables make that differ from the image: "(from $BASE)".
    via: str = ""

    @property
    def key(self) -> str:
        """The key that names the image in the file: ``FROM``, or a service's ``image:``."""
        return "FROM" if self.service is None else "image:"

    def subject(self, message: str) -> str:
        """A finding's message, naming the service when the image is a compose service's."""
        return message if self.service is None else f"service '{self.service}': {message}"


def from_images(ctx: DockerfileContext) -> Iterator[PulledImage]:
    """Each stage's external base image (not scratch, not an earlier stage)."""
    for stage in ctx.dockerfile.stages:
        image = stage.image
        if image is None:
            continue
        written = next((w for w in stage.from_instruction.value.split()
                        if not w.startswith("--")), image.ref)
        via = "" if written == image.ref else f" (from {written})"
        yield PulledImage(image, stage.from_instruction.line, stage.from_instruction.end_line,
                          via=via)


def compose_images(ctx: ComposeContext) -> Iterator[PulledImage]:
    """Each service's `image:` that it pulls: one with `build:` names the image it builds."""
    # Here, not at the top: the Dockerfile rules that import this never need the compose model.
    from tutor.analysis.rules._compose import resolved

    for service in ctx.services:
        image = resolved(service, "image")
        if "build" in service.spec or image is None:
            continue
        written, ref = (part.strip() for part in image)
        line = service.spec.line_of("image")
        via = "" if written == ref else f" (from {written})"
        yield PulledImage(parse_image_ref(ref), line, line, service.name, via)


class ImageRule(Rule[Ctx]):
    """A rule that judges each image a file pulls, the same way in a Dockerfile (its FROMs)
    and in a compose file (its services' `image:`); a subclass per kind only names the kind."""

    @abstractmethod
    def judge(self, pulled: PulledImage, ctx: Ctx) -> Iterator[Finding]:
        """Yield the findings for one pulled image."""

    def check(self, ctx: Ctx) -> Iterator[Finding]:
        """Judge each image the file pulls."""
        pulled_images = (from_images(ctx) if isinstance(ctx, DockerfileContext)
                         else compose_images(ctx))
        for pulled in pulled_images:
            yield from self.judge(pulled, ctx)
