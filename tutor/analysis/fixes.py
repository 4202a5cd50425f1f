"""Mechanical fixes: the edit that makes a finding go away, where one edit clearly does.

A fix is offered for a finding only when the change needs no judgement the analyzer cannot
make: adding a USER before the command, a numeric UID the file itself creates, a tag for an
unpinned base image, an ARG secret moved to a BuildKit secret mount, and the two compose keys
that drop capabilities and forbid new privileges. Everything else is explained, not edited.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass

from tutor.analysis.compose import ComposeModel
from tutor.analysis.engine import Analysis, ComposeAnalysis
from tutor.analysis.findings import Finding
from tutor.analysis.lifecycle import longest_supported
from tutor.analysis.model import Instruction

# An unprivileged UID outside the ranges distributions hand out to people and services.
DEFAULT_UID = "10001"
# Users that images document, with their UIDs (the image's own docs or /etc/passwd).
_KNOWN_UIDS = {"node": "1000", "nobody": "65534", "nonroot": "65532", "www-data": "33",
               "nginx": "101", "postgres": "999", "redis": "999", "elasticsearch": "1000"}
_USERADD = re.compile(r"\b(?:useradd|adduser)\b[^;&|]*?(?:-u|--uid)[= ]?\s*(\d+)[^;&|]*")


@dataclass(frozen=True, slots=True)
class Fix:
    """A replacement text for one file, with a title for the button and a note on its limits."""

    rule: str
    title: str
    note: str
    before: str
    after: str

    def diff(self, name: str) -> str:
        """The change as a unified diff, for the preview."""
        return "".join(difflib.unified_diff(
            self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
            f"a/{name}", f"b/{name}", n=2))

    def span(self) -> tuple[int, int, str]:
        """The smallest (first line, end line, new text) edit, 0-based and end-exclusive.

        Applying it as one replacement keeps the learner's cursor area and undoes in one step.
        """
        old = self.before.splitlines(keepends=True)
        new = self.after.splitlines(keepends=True)
        start = 0
        while start < min(len(old), len(new)) and old[start] == new[start]:
            start += 1
        end_old, end_new = len(old), len(new)
        while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
            end_old -= 1
            end_new -= 1
        return start, end_old, "".join(new[start:end_new])


def dockerfile_fix(finding: Finding, text: str, analysis: Analysis,
                   today: dt.date | None = None) -> Fix | None:
    """The mechanical fix for a Dockerfile finding, if it has one."""
    lines = text.splitlines(keepends=True)
    if finding.rule == "HT101":
        return _add_user(lines, analysis)
    if finding.rule == "HT104":
        return _numeric_user(lines, analysis, finding)
    if finding.rule == "HT401":
        return _pin_tag(lines, analysis, finding, today or dt.date.today())
    if finding.rule == "HT201":
        return _secret_mount(lines, analysis, finding)
    return None


def compose_fix(finding: Finding, text: str, compose: ComposeAnalysis) -> Fix | None:
    """The mechanical fix for a compose finding, if it has one."""
    if finding.rule == "HT304":
        return _compose_key(text, compose.model, finding, "cap_drop", ["ALL"],
                            "Drop every capability (cap_drop: [ALL])",
                            "If the service needs one capability, add just that one back "
                            "with cap_add.")
    if finding.rule == "HT305":
        return _compose_key(text, compose.model, finding, "security_opt",
                            ['"no-new-privileges:true"'], "Forbid new privileges",
                            "setuid programs in the image can no longer raise privileges.")
    return None


def _instruction_at(analysis: Analysis, line: int) -> Instruction | None:
    return next((i for i in analysis.dockerfile.instructions if i.line == line), None)


def _newline(lines: list[str]) -> str:
    return "\r\n" if lines and lines[0].endswith("\r\n") else "\n"


def _add_user(lines: list[str], analysis: Analysis) -> Fix | None:
    profile = analysis.profile
    stage = profile.final_stage
    if stage is None or profile.override is not None:
        return None
    starts = [i for i in stage.instructions if i.keyword in ("CMD", "ENTRYPOINT")]
    nl = _newline(lines)
    if starts:
        index = starts[0].line - 1
    else:
        last = stage.instructions[-1] if stage.instructions else stage.from_instruction
        index = last.end_line
    new = list(lines)
    if index >= len(new) and new and not new[-1].endswith("\n"):
        new[-1] += nl
    new.insert(index, f"USER {DEFAULT_UID}:{DEFAULT_UID}{nl}")
    where = f"before {starts[0].keyword}" if starts else "at the end of the final stage"
    return Fix("HT101", f"Add USER {DEFAULT_UID}:{DEFAULT_UID} {where}",
               "Files the app writes must belong to that UID (COPY --chown=10001:10001) "
               "or be writable by it.", "".join(lines), "".join(new))


def _numeric_user(lines: list[str], analysis: Analysis, finding: Finding) -> Fix | None:
    inst = _instruction_at(analysis, finding.line)
    if inst is None or inst.keyword != "USER" or inst.line != inst.end_line:
        return None
    name, _, group = inst.value.strip().partition(":")
    uid = _uid_created(analysis, name) or _KNOWN_UIDS.get(name)
    if uid is None:
        return None
    gid = group if group.isdigit() else uid
    line = lines[inst.line - 1]
    indent = line[: len(line) - len(line.lstrip())]
    new = list(lines)
    new[inst.line - 1] = f"{indent}USER {uid}:{gid}{_newline([line])}"
    return Fix("HT104", f"Use the numeric UID: USER {uid}:{gid}",
               f"{uid} is the UID of '{name}'; a runtime can only check a number is not 0.",
               "".join(lines), "".join(new))


def _uid_created(analysis: Analysis, name: str) -> str | None:
    """The UID a RUN gives ``name`` with useradd/adduser -u, if the file says."""
    for inst in analysis.dockerfile.instructions:
        if inst.keyword != "RUN":
            continue
        for match in _USERADD.finditer(inst.value):
            if re.search(rf"(?<![\w-]){re.escape(name)}\s*$", match.group(0).strip()):
                return match.group(1)
    return None


def _pin_tag(lines: list[str], analysis: Analysis, finding: Finding,
             today: dt.date) -> Fix | None:
    inst = _instruction_at(analysis, finding.line)
    if inst is None or inst.keyword != "FROM" or inst.line != inst.end_line:
        return None
    stage = next((s for s in analysis.dockerfile.stages if s.from_instruction is inst), None)
    if stage is None or stage.image is None or stage.image.digest:
        return None
    image = stage.image
    version = longest_supported(image, today)
    if version is None:
        return None
    repository = f"{image.registry}/{image.repository}" if image.registry else image.repository
    pinned = f"{repository}:{version}"
    line = lines[inst.line - 1]
    if image.ref not in line:
        return None
    new = list(lines)
    new[inst.line - 1] = line.replace(image.ref, pinned, 1)
    return Fix("HT401", f"Pin {image.ref} to {pinned}",
               f"{version} is the release supported longest; pick the variant you need "
               f"(-slim, -alpine) and add its @sha256 digest for a reproducible build.",
               "".join(lines), "".join(new))


def _secret_mount(lines: list[str], analysis: Analysis, finding: Finding) -> Fix | None:
    inst = _instruction_at(analysis, finding.line)
    if inst is None or inst.keyword != "ARG" or inst.line != inst.end_line:
        return None
    name = inst.value.strip().split("=", 1)[0].strip()
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return None
    secret_id = name.lower().replace("_", "-")
    uses = re.compile(rf"\$(?:{name}\b|\{{{name}\b)")
    new = list(lines)
    changed = 0
    for run in analysis.dockerfile.instructions:
        if run.keyword != "RUN" or run.stage != inst.stage or run.line <= inst.line:
            continue
        if not uses.search(run.value):
            continue
        index = run.line - 1
        new[index] = re.sub(r"^(\s*RUN\s+)", rf"\1--mount=type=secret,id={secret_id},env={name} ",
                            new[index], count=1, flags=re.IGNORECASE)
        changed += 1
    new[inst.line - 1] = ""
    used = " and give it to the RUN that uses it" if changed == 1 else (
        f" and give it to the {changed} RUNs that use it" if changed else "")
    return Fix("HT201", f"Make {name} a BuildKit secret{used}",
               f"Build with: docker build --secret id={secret_id},env={name} . "
               f"The value is then never stored in the image or its history.",
               "".join(lines), "".join(new))


def _compose_key(text: str, model: ComposeModel, finding: Finding, key: str,
                 values: list[str], title: str, note: str) -> Fix | None:
    candidates = [s for s in model.services if s.line <= finding.line]
    service = candidates[-1] if candidates else None
    if service is None or key in service.spec:
        return None
    lines = text.splitlines(keepends=True)
    header = lines[service.line - 1]
    child_lines = [service.spec.line_of(k) for k in service.spec]
    if child_lines:
        first = lines[min(child_lines) - 1]
        indent = first[: len(first) - len(first.lstrip())]
    else:
        base = header[: len(header) - len(header.lstrip())]
        indent = base + "  "
    if not header.rstrip().endswith(":"):
        return None  # a flow mapping on one line; leave it to the learner
    nl = _newline(lines)
    block = [f"{indent}{key}:{nl}", *(f"{indent}  - {v}{nl}" for v in values)]
    new = list(lines)
    new[service.line:service.line] = block
    return Fix(finding.rule, f"{title} for service '{service.name}'", note,
               "".join(lines), "".join(new))
