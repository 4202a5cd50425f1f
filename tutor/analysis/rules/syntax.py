"""HT001: the file is not valid Dockerfile syntax (nor, for a compose file, YAML)."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import (
    ComposeContext,
    ComposeRule,
    Ctx,
    DockerfileContext,
    DockerfileRule,
    Rule,
)


class SyntaxProblem(Rule[Ctx]):
    """The Dockerfile does not parse the way Docker would parse it.

    Why:
        A file Docker rejects builds nothing, and a file Docker reads differently from
        what you meant (an unclosed here-document, an instruction swallowed by a trailing
        backslash) builds something nobody reviewed. Every other check is only as good as
        the parse underneath it.

    Failing:
        FROM alpine:3.22
        USER 10001
        RUN <<EOF
        echo "no closing line, so the rest of the file is swallowed"

    Passing:
        FROM alpine:3.22
        RUN <<EOF
        apk add --no-cache curl
        EOF
        USER 10001

    Fix:
        Correct the syntax at the reported line: close every here-document with its
        delimiter alone on a line, start the file with FROM (only ARG may come first),
        and spell instructions as Docker knows them.
    """

    id = "HT001"
    name = "dockerfile-syntax"
    topic = Topic.GENERAL
    severity = Severity.ERROR
    security_severity = 0.0  # a syntax check, not a security one
    lesson = "non-root-user"
    aliases = ("DL1000",)


class DockerfileSyntaxProblem(SyntaxProblem[DockerfileContext], DockerfileRule):
    """HT001 in a Dockerfile: what the parser could not read as Docker would."""

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """One finding per parse problem, at the line where parsing went wrong."""
        for problem in ctx.dockerfile.problems:
            yield self.finding(problem.line, problem.message, problem.end_line,
                               fix=problem.fix, severity=problem.severity)


# HT001's documented fix is about Dockerfiles; a compose file's syntax is YAML's.
COMPOSE_SYNTAX_FIX = ("Correct the YAML at the reported line so `docker compose config` "
                      "accepts it: check the indentation and quoting, and give `services:` "
                      "a mapping of named services.")


class ComposeSyntaxProblem(SyntaxProblem[ComposeContext], ComposeRule):
    """HT001 in a compose file: YAML that does not parse, or is no compose file."""

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """One finding per problem the compose parser met, at its line."""
        for problem in ctx.model.problems:
            yield self.finding(problem.line, problem.message, problem.end_line,
                               fix=problem.fix or COMPOSE_SYNTAX_FIX, severity=problem.severity)
