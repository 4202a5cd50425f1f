"""Image references, split the way Docker's reference grammar splits them."""

from __future__ import annotations

import re

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
