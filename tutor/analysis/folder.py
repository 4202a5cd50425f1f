"""One build folder analysed: its Dockerfile, its compose file and the context they share.

``check`` (files on disk), the workbench (editor buffers) and exercises (files in memory)
each describe a folder as data and call ``analyze_folder``, which does no I/O. Choosing the
ignore file, applying a compose service's ``user:`` and reporting a broken .dockerignore
happen here and nowhere else, so the three cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tutor.analysis.base_images import BuiltLookup
from tutor.analysis.config import Config
from tutor.analysis.context import BuildContext, Listing, build_context
from tutor.analysis.dockerignore import IgnoreFile
from tutor.analysis.engine import Analysis, ComposeAnalysis, analyze_compose, analyze_dockerfile
from tutor.analysis.model import ParseProblem, Severity
from tutor.analysis.profile import UserOverride
from tutor.errors import InputError

if TYPE_CHECKING:
    from tutor.analysis.compose import ServiceBuild


def ignore_candidates(dockerfile: str | None) -> tuple[str, ...]:
    """The ignore files BuildKit looks for, first wins: the Dockerfile's own, then the root's."""
    own = (f"{dockerfile}.dockerignore",) if dockerfile else ()
    return (*own, ".dockerignore")


@dataclass(frozen=True, slots=True)
class BuildFolder:
    """A build context folder as data: what to analyse and what else is in it."""

    # The files to analyse (relative path -> text): the Dockerfile, the compose file and the
    # ignore files that exist; a missing or unreadable ignore file is simply not here.
    texts: Mapping[str, str]
    # Every file below the root; None when there is no context folder to judge.
    listing: Listing | None
    dockerfile: str | None = None
    compose: str | None = None
    root: str = "."
    # What reading a text found wrong with it (UTF-16, bad UTF-8), by path.
    problems: Mapping[str, tuple[ParseProblem, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FolderAnalysis:
    """Every analysis of one build folder, and the names it chose."""

    analysis: Analysis | None
    compose: ComposeAnalysis | None
    context: BuildContext | None
    dockerfile: str | None
    compose_name: str | None
    ignore_name: str | None


def analyze_folder(
    folder: BuildFolder,
    config: Config | None = None,
    today: dt.date | None = None,
    *,
    target: str | None = None,
    user: UserOverride | None = None,
    built: BuiltLookup | None = None,
) -> FolderAnalysis:
    """Analyse the folder's Dockerfile and compose file; does no I/O of its own.

    A compose service that builds the Dockerfile from this folder lends it its ``user:``
    and build target, unless ``user`` or ``target`` is given. ``built`` describes images the
    checked folders build (it may read their Dockerfiles). Raises ``InputError`` only when
    an explicit ``target`` names no stage.
    """
    config = config or Config()
    compose = compose_name = None
    if folder.compose is not None and folder.compose in folder.texts:
        compose_name = folder.compose
        compose = analyze_compose(folder.texts[compose_name], config, today=today,
                                  extra_problems=folder.problems.get(compose_name, ()),
                                  built=built, name=compose_name)
    name = folder.dockerfile
    context = None
    if folder.listing is not None:
        ignore_name = next((n for n in ignore_candidates(name) if n in folder.texts), None)
        ignore = IgnoreFile.parse(folder.texts[ignore_name]) if ignore_name else None
        context = build_context(folder.listing, ignore, ignore_name, folder.root)
    text = folder.texts.get(name) if name is not None else None
    if name is None or text is None:
        return FolderAnalysis(None, compose, context, name, compose_name,
                              context.ignore_name if context else None)
    problems = (*folder.problems.get(name, ()), *_ignore_problems(context))
    builder = compose.model.builder_of(name) if compose is not None else None
    if builder is not None and compose_name is not None:
        user = user or builder.user_override(compose_name)
    stage = target if target is not None else builder.target if builder is not None else None
    try:
        analysis = analyze_dockerfile(text, config, target=stage, today=today,
                                      extra_problems=problems, context=context,
                                      user_override=user, built=built)
    except InputError as exc:
        if target is not None or builder is None:
            raise
        # The service's target is the learner's text, not an option: a finding, not an error.
        problems = (*problems, _missing_target(builder, compose_name, exc))
        analysis = analyze_dockerfile(text, config, today=today, extra_problems=problems,
                                      context=context, user_override=user, built=built)
    return FolderAnalysis(analysis, compose, context, name, compose_name,
                          context.ignore_name if context else None)


def _ignore_problems(context: BuildContext | None) -> tuple[ParseProblem, ...]:
    """A broken .dockerignore pattern makes Docker refuse the build; say so on line 1."""
    if context is None or context.ignore is None:
        return ()
    return tuple(ParseProblem(1, 1, f"{context.ignore_name} line {p.line}: {p.message}",
                              Severity.WARNING) for p in context.ignore.problems)


def _missing_target(builder: ServiceBuild, compose_name: str | None,
                    error: InputError) -> ParseProblem:
    return ParseProblem(1, 1, f"service '{builder.service}' in {compose_name} builds target "
                              f"'{builder.target}', but there is {error}; the last stage was "
                              f"judged instead", Severity.WARNING)
