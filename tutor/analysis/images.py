"""Image references, and the data tables about base images shipped with the package."""

from __future__ import annotations

import datetime as dt
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


@dataclass(frozen=True, slots=True)
class EndOfLife:
    """A base image version and the date its vendor stopped supporting it."""

    product: str
    version: str
    eol: dt.date
    schedule: str
    note: str | None


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


@dataclass(frozen=True, slots=True)
class _EolProduct:
    product: str
    schedule: str
    note: str | None
    codenames: dict[str, str]
    versions: tuple[tuple[str, dt.date], ...]


@cache
def _eol_table() -> dict[str, _EolProduct]:
    table: dict[str, _EolProduct] = {}
    for entry in _load("eol.json")["images"]:
        product = _EolProduct(
            product=entry["product"],
            schedule=entry["schedule"],
            note=entry.get("note"),
            codenames={k.lower(): v for k, v in entry.get("codenames", {}).items()},
            versions=tuple(
                (v["version"], dt.date.fromisoformat(v["eol"])) for v in entry["versions"]
            ),
        )
        for name in entry["names"]:
            table[name] = product
    return table


def longest_supported(hub_name: str, today: dt.date) -> str | None:
    """The release of an image in the table whose support runs longest past ``today``."""
    product = _eol_table().get(hub_name)
    if product is None:
        return None
    live = [(eol, version) for version, eol in product.versions if eol > today]
    return max(live)[1] if live else None


_LEADING_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)")


def end_of_life(image: ImageRef) -> EndOfLife | None:
    """The table entry for this image's tag, whatever its date; None when not in the table."""
    product = _eol_table().get(image.hub_name)
    if product is None or not image.tag:
        return None
    tag = image.tag.lower()
    versions: list[str] = []
    match = _LEADING_VERSION.match(tag)
    if match:
        versions.append(match.group(1))
    for word in re.split(r"[-_.]", tag):
        if word in product.codenames:
            versions.append(product.codenames[word])
    if tag in product.codenames:
        versions.append(product.codenames[tag])
    for version in versions:
        best: tuple[str, dt.date] | None = None
        for listed, date in product.versions:
            matches = version == listed or version.startswith(listed + ".")
            if matches and (best is None or len(listed) > len(best[0])):
                best = (listed, date)
        if best:
            return EndOfLife(product.product, best[0], best[1], product.schedule, product.note)
    return None


def distro_end_of_life(image: ImageRef) -> EndOfLife | None:
    """The end of life of the OS named in the tag's suffix (``-buster``, ``-alpine3.16``)."""
    if not image.tag:
        return None
    words = set(re.split(r"[-_]", image.tag.lower()))
    table = _eol_table()
    alpine = table.get("alpine")
    for word in words:
        # `node:20-alpine3.16`: the Alpine release under the runtime.
        match = re.fullmatch(r"alpine(\d+\.\d+)", word)
        if alpine is not None and match:
            for listed, date in alpine.versions:
                if listed == match.group(1):
                    return EndOfLife(alpine.product, listed, date, alpine.schedule, alpine.note)
    for distro in ("debian", "ubuntu"):
        product = table.get(distro)
        if product is None:
            continue
        for word in words:
            version = product.codenames.get(word)
            for listed, date in product.versions:
                if version is not None and version == listed:
                    return EndOfLife(product.product, f"{listed} ({word})", date,
                                     product.schedule, product.note)
    return None
