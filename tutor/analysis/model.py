"""The typed model of a parsed Dockerfile: instructions, stages and image references."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.analysis.base_images import ImageConfig

# Instructions Docker knows; anything else is reported as a syntax problem.
KNOWN_INSTRUCTIONS = frozenset(
    {
        "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY",
        "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL",
        "HEALTHCHECK", "SHELL",
    }
)

# Instructions whose arguments Docker itself expands ($VAR, ${VAR:-x}); RUN is left to the shell.
EXPANDED_INSTRUCTIONS = frozenset(
    {"ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)


class Severity(str, Enum):
    """How bad a finding is; ordered error > warning > info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """A number that grows with severity, for thresholds and sorting."""
        return {"info": 1, "warning": 2, "error": 3}[self.value]

    @property
    def icon(self) -> str:
        """The mark shown before the word, so severity never rests on colour alone."""
        return {"error": "✖", "warning": "▲", "info": "●"}[self.value]

    @property
    def ascii_icon(self) -> str:
        """The mark for a terminal whose encoding cannot show ``icon``."""
        return {"error": "x", "warning": "!", "info": "i"}[self.value]

    @property
    def style(self) -> str:
        """The Rich style that repeats the severity in colour, after the icon and the word."""
        return {"error": "bold red", "warning": "yellow", "info": "cyan"}[self.value]

    def badge(self, *, unicode: bool = True) -> str:
        """The icon and the word, as every view shows a severity: ``✖ error``."""
        return f"{self.icon if unicode else self.ascii_icon} {self.value}"


class Topic(str, Enum):
    """Which lesson family a rule belongs to."""

    ROOT = "root"
    SECRETS = "secrets"
    CAPABILITIES = "capabilities"
    SCANNING = "scanning"
    GENERAL = "general"


@dataclass(frozen=True, slots=True)
class Heredoc:
    """A here-document attached to RUN, COPY or ADD; its body is never an instruction."""

    delimiter: str
    body: str
    line: int
    end_line: int
    expands: bool
    terminated: bool


@dataclass(frozen=True, slots=True)
class Instruction:
    """One instruction with its exact 1-based line span in the original file."""

    keyword: str
    value: str
    line: int
    end_line: int
    raw: str
    stage: int
    heredocs: tuple[Heredoc, ...] = ()
    # The value after Docker's own variable expansion, for instructions Docker expands.
    expanded: str | None = None
    # Variables referenced in the value whose build-time value is not known here.
    unresolved: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The value Docker acts on: expanded where Docker expands, else as written."""
        return self.expanded if self.expanded is not None else self.value


@dataclass(frozen=True, slots=True)
class Comment:
    """A whole-line comment, where pragmas and parser directives live."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A base image reference split the way Docker splits it."""

    ref: str
    registry: str | None
    repository: str
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """The image name as written, without tag or digest."""
        return f"{self.registry}/{self.repository}" if self.registry else self.repository

    @property
    def hub_name(self) -> str:
        """The name with Docker Hub's implicit ``docker.io/library/`` removed."""
        if self.registry in (None, "docker.io", "index.docker.io", "registry-1.docker.io"):
            repo = self.repository
            return repo[len("library/"):] if repo.startswith("library/") else repo
        return self.name

    @property
    def normalized(self) -> str:
        """``name:tag`` with Hub prefixes dropped and ``latest`` filled in, no digest."""
        return f"{self.hub_name}:{self.tag or 'latest'}"


@dataclass(slots=True)
class Stage:
    """A build stage: from its FROM to the next FROM."""

    index: int
    name: str | None
    from_instruction: Instruction
    base: str
    platform: str | None
    image: ImageRef | None
    parent: int | None
    is_scratch: bool
    base_unresolved: tuple[str, ...]
    instructions: list[Instruction] = field(default_factory=list)
    # What the base image sets (user, environment, accounts), for a stage not FROM another.
    base_config: ImageConfig | None = None

    @property
    def label(self) -> str:
        """How messages name the stage: its alias, or its position."""
        return f"'{self.name}'" if self.name else f"#{self.index}"


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A place where the file is not valid Dockerfile syntax."""

    line: int
    end_line: int
    message: str
    severity: Severity = Severity.ERROR
    # What to do, when the rule's general advice does not fit this problem.
    fix: str | None = None


@dataclass(slots=True)
class Dockerfile:
    """A whole parsed Dockerfile."""

    text: str
    instructions: list[Instruction]
    comments: list[Comment]
    directives: dict[str, str]
    global_args: dict[str, str | None]
    stages: list[Stage]
    problems: list[ParseProblem]

    def stage_named(self, name: str) -> Stage | None:
        """The stage with this alias (Docker compares aliases case-insensitively)."""
        wanted = name.lower()
        return next((s for s in self.stages if s.name and s.name.lower() == wanted), None)
