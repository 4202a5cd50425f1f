"""Images the checked folders build themselves, so a FROM that names one is judged by its
Dockerfile instead of being assumed to run as root.

An image name is tied to a Dockerfile in two documented ways, and no other, because nothing
else in a folder says which Dockerfile a name was built from:

- a compose service with both ``build:`` and ``image:`` (Compose tags the image it builds
  with that name: https://docs.docker.com/reference/compose-file/build/#using-build-and-image),
  in a compose file among the checked paths; a variable left in the name matches any text;
- the project's configuration, ``[built-images]`` (``"org/app:*" = "docker/Dockerfile"``).

The Dockerfile is read and analysed once: its final stage's user (through ``USER``, or its
own base image, possibly built here too), the environment its ``ENV`` lines set and the
accounts it creates become the base image facts of the Dockerfile that builds FROM it.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from tutor.analysis.base_images import BaseImages, ImageConfig, candidates
from tutor.analysis.config import Config
from tutor.analysis.image_build import build_model
from tutor.analysis.model import Dockerfile, ImageRef, Stage
from tutor.analysis.parse import parse
from tutor.analysis.profile import compute_profile
from tutor.analysis.source import read_source
from tutor.analysis.variables import parse_assignments
from tutor.errors import InputError, TutorError

_VARIABLE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class BuiltImage:
    """One image name (an fnmatch pattern) and the Dockerfile that builds it."""

    pattern: str
    dockerfile: Path
    target: str | None
    # Who says so: "service 'web' in compose.yaml (line 4)" or the configuration file.
    named_by: str


def from_compose(path: Path) -> list[BuiltImage]:
    """The images a compose file's services build and name; an unreadable file names none."""
    from tutor.analysis.compose import interpolated, is_remote_context, parse_compose

    try:
        model = parse_compose(read_source(path, "compose").text)
    except TutorError:
        return []
    found: list[BuiltImage] = []
    for build in model.builds:
        if build.image is None or is_remote_context(build.context):
            continue
        name, _ = interpolated(build.image)
        pattern = _VARIABLE.sub("*", name).strip()
        if not pattern:
            continue
        dockerfile = path.parent / build.context / build.dockerfile
        found.append(BuiltImage(_with_tag(pattern), dockerfile, build.target,
                                f"service '{build.service}' in {path.name} "
                                f"(line {build.image_line})"))
    return found


def from_config(config: Config) -> list[BuiltImage]:
    """The images the configuration's ``[built-images]`` table names."""
    where = str(config.source) if config.source else "the configuration"
    return [BuiltImage(pattern, dockerfile, None, f"built-images in {where}")
            for pattern, dockerfile in config.built_images]


def _with_tag(name: str) -> str:
    """``app`` names ``app:latest``, as Docker reads it; ``app:1`` and ``app:*`` stay."""
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last or "@" in last else f"{name}:latest"


@dataclass
class BuiltImages:
    """Answers "what does this image set?" for images the checked folders build."""

    images: list[BuiltImage]
    config: Config
    _done: dict[tuple[Path, str | None], ImageConfig | None] = field(default_factory=dict)
    _busy: set[tuple[Path, str | None]] = field(default_factory=set)

    @classmethod
    def collect(cls, compose_files: Iterable[Path], config: Config) -> BuiltImages:
        """The images named by these compose files and by the configuration."""
        images = from_config(config)
        for path in compose_files:
            images.extend(from_compose(path))
        return cls(images, config)

    def __call__(self, image: ImageRef) -> ImageConfig | None:
        """What the Dockerfile that builds ``image`` sets, or None if none here builds it."""
        names = candidates(image)
        for built in self.images:
            if any(fnmatch.fnmatchcase(name, built.pattern) for name in names):
                return self._analyse(built)
        return None

    def _analyse(self, built: BuiltImage) -> ImageConfig | None:
        key = (built.dockerfile.resolve(), built.target)
        if key in self._done:
            return self._done[key]
        if key in self._busy:
            return None  # two Dockerfiles built FROM each other: neither decides
        self._busy.add(key)
        try:
            result = self._read(built)
        finally:
            self._busy.discard(key)
        self._done[key] = result
        return result

    def _read(self, built: BuiltImage) -> ImageConfig | None:
        try:
            text = read_source(built.dockerfile).text
            dockerfile = parse(text, BaseImages(self.config.trusted_nonroot, self))
            profile = compute_profile(dockerfile, built.target)
        except (InputError, TutorError):
            return None
        stage = profile.final_stage
        if stage is None:
            return None
        final = build_model(dockerfile, profile).stages[stage.index]
        return ImageConfig(
            user=profile.user, runs_as_root=profile.runs_as_root,
            env=MappingProxyType(_image_env(dockerfile, stage)), workdir=final.cwd,
            accounts=tuple(final.accounts.users.values()), shell=final.shell,
            lacks=tuple(final.lacks.values()),
            source=str(built.dockerfile),
            built_by=f"{_shown(built.dockerfile)} (named by {built.named_by})",
            why=profile.reason)


def _image_env(dockerfile: Dockerfile, final: Stage) -> dict[str, str]:
    """The Env the built image's config holds: its base image's, then each ENV of the chain
    (build arguments are not kept in the image)."""
    chain = [final]
    while chain[-1].parent is not None:
        chain.append(dockerfile.stages[chain[-1].parent])
    root = chain[-1].base_config
    env: dict[str, str] = dict(root.env) if root is not None else {}
    for stage in reversed(chain):
        for inst in stage.instructions:
            if inst.keyword == "ENV" and not inst.unresolved:
                for name, value in parse_assignments("ENV", inst.text):
                    env[name] = value or ""
    return env


def _shown(path: Path) -> str:
    """The path relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
