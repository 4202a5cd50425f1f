"""Inline suppression: our pragma, and hadolint's, Checkov's and BuildKit's through aliases."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tutor.analysis.findings import Finding
from tutor.analysis.model import Dockerfile

_IDS = r"([A-Za-z0-9_,\s-]+?)"
# (pattern, whether it covers the whole file)
_PRAGMAS = (
    (re.compile(r"^#\s*hardening-tutor\s+ignore=" + _IDS + r"\s*(?:#.*)?$"), False),
    (re.compile(r"^#\s*hardening-tutor\s+ignore-file=" + _IDS + r"\s*(?:#.*)?$"), True),
    (re.compile(r"^#\s*hadolint\s+ignore=" + _IDS + r"\s*(?:#.*)?$"), False),
    (re.compile(r"^#\s*hadolint\s+global\s+ignore=" + _IDS + r"\s*(?:#.*)?$"), True),
    # Checkov reads skip comments anywhere in a Dockerfile as file-wide; we keep that meaning.
    (re.compile(r"^#\s*(?:checkov|bridgecrew|cortex):skip=\s*([A-Za-z0-9_,\s-]+?)\s*(?::.*)?$"),
     True),
)
_BUILDKIT_CHECK = re.compile(r"^#\s*check\s*=\s*(.*)$")


@dataclass(frozen=True, slots=True)
class Suppressions:
    """Which ids are ignored for the whole file, and which per instruction line span."""

    file_wide: frozenset[str]
    spans: tuple[tuple[int, int, frozenset[str]], ...]

    def hides(self, finding: Finding, aliases: Iterable[str]) -> bool:
        """True when the finding's rule, or one of its aliases, is ignored at its line."""
        names = {finding.rule.upper(), *(a.upper() for a in aliases)}
        if names & self.file_wide:
            return True
        return any(start <= finding.line <= end and names & ids
                   for start, end, ids in self.spans)


def collect(dockerfile: Dockerfile) -> Suppressions:
    """Read every pragma comment and attach line pragmas to the instruction below them."""
    file_wide: set[str] = set()
    pending: dict[int, set[str]] = {}
    for comment in dockerfile.comments:
        for pattern, whole_file in _PRAGMAS:
            match = pattern.match(comment.text)
            if match:
                ids = _split(match.group(1))
                if whole_file:
                    file_wide |= ids
                else:
                    pending.setdefault(comment.line, set()).update(ids)
        buildkit = _BUILDKIT_CHECK.match(comment.text)
        if buildkit:
            skipped = _buildkit_skips(buildkit.group(1))
            if dockerfile.directives.get("check") is not None and comment.line <= len(
                    dockerfile.directives):
                file_wide |= skipped
            else:
                pending.setdefault(comment.line, set()).update(skipped)
    spans: list[tuple[int, int, frozenset[str]]] = []
    if pending:
        comment_lines = sorted(pending)
        for inst in dockerfile.instructions:
            above: set[str] = set()
            while comment_lines and comment_lines[0] < inst.line:
                above |= pending[comment_lines.pop(0)]
            if above:
                spans.append((inst.line, inst.end_line, frozenset(above)))
    return Suppressions(frozenset(file_wide), tuple(spans))


def _split(ids: str) -> set[str]:
    return {i.strip().upper() for i in ids.split(",") if i.strip()}


def _buildkit_skips(options: str) -> set[str]:
    """The rule names in a BuildKit ``check=skip=A,B;error=true`` directive."""
    for option in options.split(";"):
        key, _, value = option.partition("=")
        if key.strip() == "skip":
            return _split(value)
    return set()
