"""Image references, and the data tables about base images shipped with the package."""

from __future__ import annotations

import fnmatch
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from tutor.analysis.model import ImageRef

_DIGEST = re.compile(r"@([A-Za-z0-9_+.-]+:[A-Fa-f0-9]{32,})$")


def parse_image_ref(ref: str) -> ImageRef:
    """Split ``[registry/]repository[:tag][@digest]`` the way Docker's reference grammar does."""
    rest = ref.strip()
    digest = None
    match = _DIGEST.search(rest)
    if match:
        digest = match.group(1)
        rest = rest[: match.start()]
    elif "@" in rest:
        rest, _, digest = rest.partition("@")
    registry = None
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, rest = first, remainder
    tag = None
    last_slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > last_slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
    return ImageRef(ref=ref.strip(), registry=registry, repository=rest, tag=tag or None,
                    digest=digest or None)


@dataclass(frozen=True, slots=True)
class NonRootImage:
    """A base image whose documented default user is not root."""

    pattern: str
    user: str
    justification: str
    source: str


def _load(name: str) -> Any:
    """Read one JSON table shipped in ``tutor/analysis/data``."""
    from importlib import resources

    table = resources.files("tutor.analysis").joinpath("data").joinpath(name)
    text = table.read_text(encoding="utf-8")
    return json.loads(text)


@cache
def nonroot_images() -> tuple[NonRootImage, ...]:
    """The shipped table of images that default to a non-root user."""
    return tuple(
        NonRootImage(e["pattern"], str(e["user"]), e["justification"], e["source"])
        for e in _load("nonroot.json")["images"]
    )


def default_user(image: ImageRef, extra_patterns: tuple[str, ...] = ()) -> NonRootImage | None:
    """The non-root table entry matching this image, or None when it runs as root by default.

    ``extra_patterns`` are the project's own trusted non-root images from configuration.
    """
    candidates = {image.normalized, f"{image.name}:{image.tag or 'latest'}"}
    for entry in nonroot_images():
        if any(fnmatch.fnmatchcase(c, entry.pattern) for c in candidates):
            return entry
    for pattern in extra_patterns:
        if any(fnmatch.fnmatchcase(c, pattern) for c in candidates):
            return NonRootImage(pattern, "non-root", "listed as a trusted non-root image in "
                                "the project's configuration", "configuration")
    return None
