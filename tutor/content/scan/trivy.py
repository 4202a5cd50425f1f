"""Trivy's own rules for a recorded report: what a scan with given settings still reports.

A Trivy JSON report (``SchemaVersion: 2``) lists every vulnerability a scan found. Before
Trivy prints them and picks its exit code, it drops findings by severity (``--severity``),
by status (``--ignore-unfixed`` keeps only ``fixed``) and by ignore file (``--ignorefile``,
plain ``.trivyignore`` or YAML ``.trivyignore.yaml``), in that order. This module repeats
those steps on a recorded report, following Trivy's code (``pkg/result/filter.go`` and
``pkg/result/ignore.go``), so a goal check can say what a gate would do without running it.
Ignore files are read in ``tutor.content.scan.ignore_files``. Everything here reads text and
raises ``TrivyError`` for what Trivy itself would refuse.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tutor.content.scan.ignore_files import IgnoreEntry

# Trivy's severity names, lowest first (trivy-db's SeverityNames).
SEVERITIES = ("UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL")
# What the course's gate must stop when a fix exists.
GATED = frozenset({"HIGH", "CRITICAL"})
# trivy-db's vulnerability statuses; --ignore-unfixed drops every one but "fixed".
STATUSES = ("unknown", "not_affected", "affected", "fixed", "under_investigation",
            "will_not_fix", "fix_deferred", "end_of_life")
UNFIXED = frozenset(STATUSES) - {"fixed"}
# A recorded report for an exercise is small; this bounds what a hostile one costs.
MAX_FINDINGS = 10_000


class TrivyError(ValueError):
    """Text Trivy would refuse (or that is no Trivy report), said for a learner."""


@dataclass(frozen=True, slots=True)
class Vulnerability:
    """One finding of a recorded report, with what Trivy's filters and ignore files match."""

    id: str
    package: str
    installed: str
    fixed: str
    severity: str
    status: str
    target: str
    pkg_path: str = ""
    purl: str = ""
    title: str = ""
    kind: str = ""  # the result's Class: os-pkgs or lang-pkgs

    @property
    def fixable(self) -> bool:
        """True when the report names a fixed version, as ``--ignore-unfixed`` keeps it."""
        return self.status == "fixed"

    def describe(self) -> str:
        """``CVE-… in libidn2-0 (CRITICAL, fixed in 2.0.5-1+deb10u1)``."""
        fix = f"fixed in {self.fixed}" if self.fixable and self.fixed else (
            f"no fix yet: {self.status}" if self.status else "no fix yet")
        return f"{self.id} in {self.package} ({self.severity}, {fix})"


def read_report(text: str) -> tuple[Vulnerability, ...]:
    """The vulnerabilities of a Trivy JSON report; ``TrivyError`` says why it is not one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise TrivyError(f"not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("SchemaVersion") != 2:
        raise TrivyError("not a Trivy JSON report: it needs \"SchemaVersion\": 2 and "
                         "\"Results\" (trivy image --format json)")
    results = data.get("Results") or []
    if not isinstance(results, list):
        raise TrivyError("\"Results\" is not a list")
    found: list[Vulnerability] = []
    for number, result in enumerate(results, start=1):
        if not isinstance(result, dict) or not isinstance(result.get("Target", ""), str):
            raise TrivyError(f"result {number} is not an object with a \"Target\"")
        vulns = result.get("Vulnerabilities") or []
        if not isinstance(vulns, list):
            raise TrivyError(f"result {number}: \"Vulnerabilities\" is not a list")
        for item in vulns:
            found.append(_vulnerability(item, result, number))
            if len(found) > MAX_FINDINGS:
                raise TrivyError(f"more than {MAX_FINDINGS:,} findings: record a smaller "
                                 f"report")
    return tuple(found)


def _vulnerability(item: Any, result: dict[str, Any], number: int) -> Vulnerability:
    if not isinstance(item, dict):
        raise TrivyError(f"result {number}: a vulnerability is not an object")
    fields = {key: item.get(key, "") for key in ("VulnerabilityID", "PkgName", "InstalledVersion",
                                                 "FixedVersion", "Severity", "Status",
                                                 "PkgPath", "Title")}
    wrong = [key for key, value in fields.items() if not isinstance(value, str)]
    if wrong or not fields["VulnerabilityID"]:
        what = f"\"{wrong[0]}\" is not text" if wrong else "it has no \"VulnerabilityID\""
        raise TrivyError(f"result {number}: a vulnerability is malformed: {what}")
    severity = fields["Severity"] or "UNKNOWN"  # as Trivy's filter fills it in
    if severity not in SEVERITIES:
        raise TrivyError(f"{fields['VulnerabilityID']}: severity {severity!r} is none of "
                         f"{', '.join(SEVERITIES)}")
    identifier = item.get("PkgIdentifier")
    purl = identifier.get("PURL", "") if isinstance(identifier, dict) else ""
    return Vulnerability(
        id=fields["VulnerabilityID"], package=fields["PkgName"],
        installed=fields["InstalledVersion"], fixed=fields["FixedVersion"],
        severity=severity, status=fields["Status"] or "unknown",
        target=str(result.get("Target", "")), pkg_path=fields["PkgPath"],
        purl=purl if isinstance(purl, str) else "", title=fields["Title"],
        kind=str(result.get("Class", "")))


# --- what a scan reports ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Filters:
    """The settings that decide which findings a Trivy scan still reports."""

    severities: frozenset[str] = frozenset(SEVERITIES)
    dropped_statuses: frozenset[str] = frozenset()
    entries: tuple[IgnoreEntry, ...] = ()
    # --pkg-types as result classes (os-pkgs, lang-pkgs); None scans both.
    classes: frozenset[str] | None = None


def dropped_by(vuln: Vulnerability, filters: Filters, today: dt.date) -> str | IgnoreEntry | None:
    """Why Trivy leaves ``vuln`` out (``package type``, ``severity``, ``status`` or the entry
    hiding it), or None when it reports it; the order is Trivy's: what it scans for, then
    severity, status and ignore file."""
    if filters.classes is not None and vuln.kind not in filters.classes:
        return "package type"
    if vuln.severity not in filters.severities:
        return "severity"
    if vuln.status in filters.dropped_statuses:
        return "status"
    return next((e for e in filters.entries if e.active(today) and e.matches(vuln)), None)


def split_list(value: str) -> list[str]:
    """A list flag or variable as Trivy splits it: at commas if any, else at whitespace."""
    return value.split(",") if "," in value else value.split()


def _known_names(value: str, known: Sequence[str], what: str, spelling: str = "") -> list[str]:
    """A list flag's names; ``TrivyError`` for the first Trivy does not know (it is strict)."""
    names = split_list(value)
    wrong = [name for name in names if name not in known]
    if wrong:
        raise TrivyError(f"Trivy refuses {what} {wrong[0]!r} and stops with an error: use "
                         f"{', '.join(known)}{spelling}")
    return names


def severities(value: str) -> frozenset[str]:
    """``HIGH,CRITICAL`` as a set (none is every severity); ``TrivyError`` for a name Trivy
    refuses."""
    names = _known_names(value, SEVERITIES, "severity", " (upper case, no spaces)")
    return frozenset(names) if names else frozenset(SEVERITIES)


def statuses(value: str) -> frozenset[str]:
    """``--ignore-status`` values; ``TrivyError`` for one Trivy does not know."""
    return frozenset(_known_names(value, STATUSES, "status"))


def go_bool(value: str) -> bool:
    """A boolean as spf13/cast reads it from a variable: anything unparsable is false."""
    return value in ("1", "t", "T", "TRUE", "true", "True")


def go_int(value: str) -> int:
    """An integer as spf13/cast reads it (base prefixes, a ``.0`` tail); else 0."""
    text = value.strip()
    if text.endswith(".0"):
        text = text[:-2]
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    bases = {"0x": 16, "0X": 16, "0o": 8, "0O": 8, "0b": 2, "0B": 2}
    try:
        if digits[:2] in bases:
            return sign * int(digits[2:], bases[digits[:2]])
        if len(digits) > 1 and digits.startswith("0"):
            return sign * int(digits, 8)
        return sign * int(digits, 10) if digits.isdigit() else 0
    except ValueError:
        return 0
