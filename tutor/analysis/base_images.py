"""What a base image sets that a stage built FROM it inherits, from one table with sources.

``data/base_images.json`` says, per family of images, the default user when it is not root,
the environment a ``USER`` line may name (``USER ${NB_UID}`` on a Jupyter image), the
working directory, the accounts in /etc/passwd, whether there is a shell and which common
commands it lacks (Alpine has no ``useradd`` until the shadow package is added). The project's
configuration may add its own non-root images, and ``check`` may add images the checked
folders build themselves (``BaseImages.built``); everything else is assumed to run as root,
as almost every image does.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from types import MappingProxyType
from typing import Any

from tutor.analysis.datafiles import data_file
from tutor.analysis.image_accounts import Account, Accounts
from tutor.analysis.model import ImageRef

_NO_ENV: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class MissingCommand:
    """A command the image does not have until ``package`` is installed, and what it has
    instead (a usage line), if anything."""

    command: str
    package: str
    instead: str | None = None


@dataclass(frozen=True, slots=True)
class ImageConfig:
    """What the analysis knows of a base image's config (User, Env) and of its files."""

    # The image config's User when it is known; None for root, or for a user known only not
    # to be root (a trusted-nonroot-images pattern).
    user: str | None = None
    # True for root (also the assumption for an image nothing is known about), None unknown.
    runs_as_root: bool | None = True
    env: Mapping[str, str] = field(default_factory=lambda: _NO_ENV)
    # The image config's WorkingDir, where RUN starts; None for "/" or not known.
    workdir: str | None = None
    accounts: tuple[Account, ...] = ()
    shell: bool | None = None
    # Commands a RUN may expect that the image does not have (Alpine's useradd).
    lacks: tuple[MissingCommand, ...] = ()
    # Where the user comes from: a URL, "configuration", or the Dockerfile that builds it.
    source: str | None = None
    # What else a reader must know about that user ("can use sudo without a password").
    caveat: str | None = None
    # For an image the checked folders build: its Dockerfile and who names the image, and
    # how that Dockerfile decides the user.
    built_by: str | None = None
    why: str | None = None

    @property
    def known(self) -> bool:
        """Whether the table, the configuration or a checked Dockerfile says who it runs as."""
        return self.source is not None

    @property
    def shown_user(self) -> str:
        """The user as messages name it: with its uid when the config names an account."""
        user = self.user or "a non-root user"
        uid = next((a.uid for a in self.accounts if a.name == user and a.uid is not None), None)
        return f"{user} (uid {uid})" if uid is not None else user

    def accounts_model(self) -> Accounts:
        """The image's accounts as the image model tracks them, root and nobody first."""
        accounts = Accounts()
        for account in self.accounts:
            accounts.add(account)
        return accounts


# FROM scratch: no files at all, so no /etc/passwd and no shell; processes run as uid 0.
SCRATCH = ImageConfig(shell=False, source="scratch")


# What an image the checked folders build sets, asked by the name FROM or ``image:`` gives it
# (``built_images.BuiltImages`` answers it); None when no Dockerfile there builds it.
BuiltLookup = Callable[[ImageRef], "ImageConfig | None"]


@dataclass(frozen=True, slots=True)
class BaseImages:
    """Where facts about base images come from, first match wins: images the checked folders
    build, the project's trusted non-root patterns, then the shipped table."""

    trusted: tuple[str, ...] = ()
    built: BuiltLookup | None = None

    def lookup(self, image: ImageRef) -> ImageConfig:
        """What is known of this image; an image nobody describes runs as root."""
        if self.built is not None:
            found = self.built(image)
            if found is not None:
                return found
        config = table_config(image)
        if config.known or not self.trusted:
            return config
        if _matches(image, self.trusted):
            return replace(config, runs_as_root=False, source="configuration")
        return config


def candidates(image: ImageRef) -> set[str]:
    """The spellings patterns are matched against: ``name:tag`` as written and in Docker
    Hub's short form, with ``latest`` for no tag (a pattern for any tag ends in ``:*``)."""
    return {image.normalized, f"{image.name}:{image.tag or 'latest'}"}


def _matches(image: ImageRef, patterns: list[str] | tuple[str, ...]) -> bool:
    names = candidates(image)
    return any(fnmatch.fnmatchcase(name, pattern) for name in names for pattern in patterns)


def matches_pattern(name: str, pattern: str) -> bool:
    """``fnmatch.fnmatchcase``, without compiling a pattern whose literal start (before the
    first ``*``, ``?`` or ``[``) the name does not share: fnmatch compiles a regular
    expression for each pattern, and a one-file ``check`` paid ~10 ms for the table's 124."""
    head = _literal_head(pattern)
    if len(head) == len(pattern):
        return name == pattern
    return name.startswith(head) and fnmatch.fnmatchcase(name, pattern)


@cache
def _literal_head(pattern: str) -> str:
    cut = min((i for i in map(pattern.find, "*?[") if i >= 0), default=len(pattern))
    return pattern[:cut]


@cache
def _table() -> dict[str, Any]:
    import json

    table: dict[str, Any] = json.loads(data_file("base_images.json"))
    return table


def _account(entry: dict[str, Any]) -> Account:
    return Account(entry["name"], entry["uid"], entry["gid"], entry.get("home"),
                   creates_home=bool(entry.get("creates_home")))


def _lacks(entry: dict[str, Any] | None) -> tuple[MissingCommand, ...]:
    """The table's ``lacks`` fact: a package and the commands it would add, with what the
    image offers instead of each."""
    if not entry:
        return ()
    return tuple(MissingCommand(command, entry["package"], instead)
                 for command, instead in entry["commands"].items())


def table_entries() -> list[dict[str, Any]]:
    """The table's entries, for tests and for whoever wants to show a source."""
    entries: list[dict[str, Any]] = _table()["images"]
    return entries


@cache
def _table_config(names: frozenset[str]) -> ImageConfig:
    table = _table()
    accounts = [_account(a) for a in table["everyone"]["accounts"]]
    env: dict[str, str] = {}
    found: dict[str, Any] = {}
    for entry in table["images"]:
        hit = any(matches_pattern(n, p) for n in names for p in entry["patterns"])
        if not hit or any(matches_pattern(n, p) for n in names
                          for p in entry.get("except", ())):
            continue
        for key in ("user", "shell", "caveat", "workdir", "lacks"):
            if key in entry and key not in found:
                found[key] = entry[key]
                if key == "user":
                    found["source"] = entry["source"]
        for name, value in entry.get("env", {}).items():
            env.setdefault(name, value)
        accounts.extend(_account(a) for a in entry.get("accounts", ()))
    user = found.get("user")
    return ImageConfig(user=user, runs_as_root=user is None,
                       env=MappingProxyType(env) if env else _NO_ENV,
                       workdir=found.get("workdir"), accounts=tuple(accounts),
                       shell=found.get("shell"), lacks=_lacks(found.get("lacks")),
                       source=found.get("source"), caveat=found.get("caveat"))


def table_config(image: ImageRef) -> ImageConfig:
    """What the shipped table says of this image."""
    return _table_config(frozenset(candidates(image)))


def unnamed_image() -> ImageConfig:
    """A base image the file does not name (``FROM $BASE`` with no default): only the
    accounts every Linux image has are assumed, and who it runs as is unknown."""
    everyone = tuple(_account(a) for a in _table()["everyone"]["accounts"])
    return ImageConfig(runs_as_root=None, accounts=everyone)
