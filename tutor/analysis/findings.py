"""What a rule reports."""

from __future__ import annotations

from dataclasses import dataclass

from tutor.analysis.model import Severity


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at a 1-based line span; rule metadata is looked up by ``rule`` id."""

    rule: str
    line: int
    end_line: int
    message: str
    fix: str
    severity: Severity
