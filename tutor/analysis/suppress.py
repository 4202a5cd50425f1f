"""Inline suppression: our pragma, and hadolint's, Checkov's and BuildKit's through aliases."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tutor.analysis.findings import Finding
from tutor.analysis.lazyre import LazyPattern
from tutor.analysis.model import Dockerfile

_IDS = r"([A-Za-z0-9_,\s-]+?)"
# (pattern, whether it covers the whole file)
_PRAGMAS = (
    (LazyPattern(r"^#\s*hardening-tutor\s+ignore=" + _IDS + r"\s*(?:#.*)?$"), False),
    (LazyPattern(r"^#\s*hardening-tutor\s+ignore-file=" + _IDS + r"\s*(?:#.*)?$"), True),
    (LazyPattern(r"^#\s*hadolint\s+ignore=" + _IDS + r"\s*(?:#.*)?$"), False),
    (LazyPattern(r"^#\s*hadolint\s+global\s+ignore=" + _IDS + r"\s*(?:#.*)?$"), True),
    # Checkov reads skip comments anywhere in a Dockerfile as file-wide; we keep that meaning.
    (LazyPattern(r"^#\s*(?:checkov|bridgecrew|cortex):skip=\s*([A-Za-z0-9_,\s-]+?)\s*(?::.*)?$"),
     True),
)
_BUILDKIT_CHECK = LazyPattern(r"^#\s*check\s*=\s*(.*)$")


@dataclass(frozen=True, slots=True)
class Suppressions:
    """Which ids are ignored for the whole file, and which per instruction line span."""

    file_wide: frozenset[str]
    spans: tuple[tuple[int, int, frozenset[str]], ...]

    def hides(self, finding: Finding, aliases: Iterable[str]) -> bool:
        """True when the finding's rule, or one of its aliases, is ignored at its line."""
        names = [finding.rule.upper(), *(a.upper() for a in aliases)]
        if _any_match(names, self.file_wide):
            return True
        return any(start <= finding.line <= end and _any_match(names, ids)
                   for start, end, ids in self.spans)


def alias_matches(alias: str, wanted: str) -> bool:
    """Whether a rule alias names this id; an alias ending in ``*`` names a family by prefix."""
    alias, wanted = alias.upper(), wanted.upper()
    if alias.endswith("*"):
        return wanted == alias or wanted.startswith(alias[:-1])
    return wanted == alias


def _any_match(names: list[str], ids: frozenset[str]) -> bool:
    return any(alias_matches(name, wanted) for name in names for wanted in ids)


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


# BuildKit's own check names; `skip=all` turns off exactly these, so it hides our rules
# that claim one of them as an alias.
_BUILDKIT_CHECKS = frozenset({
    "SECRETSUSEDINARGORENV", "COPYIGNOREDFILE", "STAGENAMECASING", "FROMASCASING",
    "NOEMPTYCONTINUATION", "CONSISTENTINSTRUCTIONCASING", "DUPLICATESTAGENAME",
    "RESERVEDSTAGENAME", "JSONARGSRECOMMENDED", "MAINTAINERDEPRECATED", "UNDEFINEDARGINFROM",
    "WORKDIRRELATIVEPATH", "UNDEFINEDVAR", "MULTIPLEINSTRUCTIONSDISALLOWED",
    "LEGACYKEYVALUEFORMAT", "INVALIDBASEIMAGEPLATFORM", "REDUNDANTTARGETPLATFORM",
    "INVALIDDEFAULTARGINFROM", "FROMPLATFORMFLAGCONSTDISALLOWED",
    "INVALIDDEFINITIONDESCRIPTION", "EXPOSEPROTOCASING", "EXPOSEINVALIDFORMAT",
})


def _buildkit_skips(options: str) -> set[str]:
    """The rule names in a BuildKit ``check=skip=A,B;error=true`` directive.

    Text after ``//`` is a comment, as in BuildKit's own tests.
    """
    options = options.split("//", 1)[0]
    for option in options.split(";"):
        key, _, value = option.partition("=")
        if key.strip() == "skip":
            skipped = _split(value)
            if "ALL" in skipped:
                skipped = (skipped - {"ALL"}) | _BUILDKIT_CHECKS
            return skipped
    return set()


_YAML_PRAGMA = LazyPattern(r"#\s*hardening-tutor\s+(ignore|ignore-file)=" + _IDS +
                          r"\s*(?:#.*)?$")


def collect_yaml(text: str) -> Suppressions:
    """Our pragma in a YAML file: on its own line it covers the next line, trailing its own."""
    file_wide: set[str] = set()
    spans: list[tuple[int, int, frozenset[str]]] = []
    pending: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        match = _YAML_PRAGMA.search(line)
        # A '#' only starts a YAML comment at the line start or after whitespace.
        if match and match.start() > 0 and not line[match.start() - 1].isspace():
            match = None
        code = line[:match.start()] if match else line
        ids = _split(match.group(2)) if match else set()
        if match and match.group(1) == "ignore-file":
            file_wide |= ids
            ids = set()
        if not code.strip() or code.lstrip().startswith("#"):
            pending |= ids
            continue
        covered = pending | ids
        pending = set()
        if covered:
            spans.append((number, number, frozenset(covered)))
    return Suppressions(frozenset(file_wide), tuple(spans))
