"""The rule API: typed metadata, a docstring that is the documentation, and ``check(ctx)``.

A rule's kind is its type: a ``DockerfileRule`` checks a ``DockerfileContext``, a
``ComposeRule`` a ``ComposeContext``, and each implements the one abstract ``check``. A rule
that reads both kinds of file (the base-image rules) is two small classes, one per kind, that
share an abstract class holding the id, the metadata and the docstring.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from tutor.analysis.base_images import BaseImages
from tutor.analysis.context import BuildContext
from tutor.analysis.findings import Finding
from tutor.analysis.image_build import build_model
from tutor.analysis.image_model import ImageModel
from tutor.analysis.interrupt import checkpoint
from tutor.analysis.model import Dockerfile, Instruction, Severity, Topic
from tutor.analysis.profile import ImageProfile
from tutor.analysis.shell import Pipeline, pipelines, run_scripts
from tutor.safetext import reflow

if TYPE_CHECKING:  # a Dockerfile's analysis never imports the compose model
    from tutor.analysis.compose import ComposeModel, Service

# The course's lesson slugs; every rule links to one (the lessons themselves live in lessons/).
LESSONS = ("root-risks", "non-root-user", "secrets", "capabilities", "scanning")

# The security-severity of a rule whose finding alone hands over a credential (it ships in the
# image) or the host: GitHub code scanning calls a score over 9.0 critical.
CRITICAL = 9.5

_DOCS: dict[type, RuleDoc] = {}
_SECTION = re.compile(r"^(Why|Failing|Passing|Fix):\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class RuleDoc:
    """A rule's documentation, parsed from its docstring's fixed sections."""

    summary: str
    why: str
    failing: str
    passing: str
    fix: str

    def prose(self, section: Literal["summary", "why", "fix"], *,
              paragraphs: bool = True) -> str:
        """A prose section reflowed for display: one line per paragraph, or one in all."""
        return reflow(getattr(self, section), paragraphs=paragraphs)


@dataclass(slots=True)
class DockerfileContext:
    """Everything a Dockerfile rule may look at; built once per analysis."""

    dockerfile: Dockerfile
    profile: ImageProfile
    today: dt.date
    # The directory a build would send, when the file has one (scanned before analysis).
    build_context: BuildContext | None = None
    _final_chain: frozenset[int] | None = field(default=None, repr=False)
    _shell: dict[int, list[tuple[str, list[Pipeline]]]] = field(default_factory=dict,
                                                               repr=False)
    # Work several rules share (such as the secret scan), computed once by whoever asks first.
    memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def escape(self) -> str:
        """The file's escape character."""
        return self.dockerfile.directives.get("escape", "\\")

    @property
    def final_chain(self) -> frozenset[int]:
        """Indexes of the final stage and every stage it is built FROM."""
        if self._final_chain is None:
            chain: set[int] = set()
            stage = self.profile.final_stage
            while stage is not None:
                chain.add(stage.index)
                stage = (self.dockerfile.stages[stage.parent]
                         if stage.parent is not None else None)
            self._final_chain = frozenset(chain)
        return self._final_chain

    @property
    def model(self) -> ImageModel:
        """The image model (users, who runs each step, files), built once when first asked."""
        model = self.memo.get("image_model")
        if model is None:
            model = self.memo["image_model"] = build_model(self.dockerfile, self.profile)
        return model

    def instructions(self, *keywords: str) -> Iterator[Instruction]:
        """Instructions with one of these keywords, in file order."""
        for inst in self.dockerfile.instructions:
            if inst.keyword in keywords:
                checkpoint()
                yield inst

    def shell(self, inst: Instruction) -> list[tuple[str, list[Pipeline]]]:
        """A RUN's scripts and their pipelines, tokenized once for all rules."""
        cached = self._shell.get(inst.line)
        if cached is None:
            cached = self._shell[inst.line] = [(s, pipelines(s)) for s in run_scripts(inst)]
        return cached


@dataclass(slots=True)
class ComposeContext:
    """Everything a compose rule may look at: the parsed file and its services."""

    model: ComposeModel
    # What the services' images set: the shipped table, the configuration's trusted
    # non-root images, and images the checked folders build.
    images: BaseImages = field(default_factory=BaseImages)
    # The day end-of-life dates are compared with.
    today: dt.date = field(default_factory=dt.date.today)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    # The file is named as an example or a template (compose.example.yaml): obvious
    # placeholders in it are no literal secrets, as they are in a file that is deployed.
    template: bool = False

    @property
    def services(self) -> tuple[Service, ...]:
        """The file's services, in file order."""
        return self.model.services


# The context a rule's check reads: one per kind of file.
Ctx = TypeVar("Ctx", DockerfileContext, ComposeContext)


class Rule(ABC, Generic[Ctx]):
    """Base class: subclasses set the metadata and implement ``check`` for their kind of file."""

    id: ClassVar[str]
    name: ClassVar[str]
    topic: ClassVar[Topic]
    severity: ClassVar[Severity]
    lesson: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    # The kind of file ``check`` reads, "dockerfile" or "compose": set by DockerfileRule and
    # ComposeRule. A rule's examples are of the kind its documented class reads.
    kind: ClassVar[str]
    # How code scanning ranks the rule (SARIF security-severity, 0.1 to 10 like CVSS): None
    # derives it from the severity (tutor/report/sarif.py), CRITICAL marks a rule whose
    # finding alone gives away a credential or the host, 0.0 a rule that is not about
    # security at all.
    security_severity: ClassVar[float | None] = None

    @abstractmethod
    def check(self, ctx: Ctx) -> Iterator[Finding]:
        """Yield the findings for one file."""

    @classmethod
    def doc(cls) -> RuleDoc:
        """The docstring's sections, parsed once per rule."""
        cached = _DOCS.get(cls)
        if cached is None:
            cached = _DOCS[cls] = cls._parse_doc()
        return cached

    @classmethod
    def _parse_doc(cls) -> RuleDoc:
        """Parse the docstring into its sections: the docstring of the class that sets the id,
        so the two classes of a rule that reads both kinds of file share one documentation."""
        documented = next(c for c in cls.__mro__ if "id" in vars(c))
        text = inspect.cleandoc(documented.__doc__ or "")
        parts = _SECTION.split(text)
        summary = parts[0].strip()
        sections = {parts[i]: inspect.cleandoc(parts[i + 1]) for i in range(1, len(parts) - 1, 2)}
        return RuleDoc(summary=summary, why=sections.get("Why", ""),
                       failing=sections.get("Failing", ""), passing=sections.get("Passing", ""),
                       fix=sections.get("Fix", ""))

    def finding(self, line: int, message: str, end_line: int | None = None,
                fix: str | None = None, severity: Severity | None = None) -> Finding:
        """A finding of this rule; the fix defaults to the documented one."""
        return Finding(rule=self.id, line=line, end_line=end_line or line, message=message,
                       fix=fix or self.doc().prose("fix", paragraphs=False),
                       severity=severity or self.severity)

    def at(self, inst: Instruction, message: str, fix: str | None = None) -> Finding:
        """A finding spanning one instruction."""
        return self.finding(inst.line, message, inst.end_line, fix)


class DockerfileRule(Rule[DockerfileContext]):
    """A rule over Dockerfiles; findings sit on an instruction's lines."""

    kind: ClassVar[str] = "dockerfile"


class ComposeRule(Rule[ComposeContext]):
    """A rule over compose files; findings sit on the exact YAML line."""

    kind: ClassVar[str] = "compose"
