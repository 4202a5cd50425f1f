"""Project configuration: ``.hardening-tutor.toml`` or ``[tool.hardening-tutor]``."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tutor.analysis.model import Severity
from tutor.errors import ConfigError, InputError
from tutor.safeio import read_limited

CONFIG_NAME = ".hardening-tutor.toml"
# Far above any real pyproject.toml; the bound is what matters (--config /dev/zero).
MAX_CONFIG_BYTES = 1024 * 1024
THRESHOLDS = ("error", "warning", "info", "none")
_KEYS = {
    "ignore": "a list of rule ids (or hadolint/Trivy/Checkov ids) never to report",
    "severity": "a table of rule id = \"error\" | \"warning\" | \"info\"",
    "failure-threshold": "\"error\", \"warning\", \"info\" or \"none\"",
    "trusted-nonroot-images": "a list of image patterns (fnmatch) that run as non-root",
    "built-images": "a table of image pattern (fnmatch) = \"path/to/Dockerfile\" (relative "
                    "to this file) that builds it",
}


@dataclass(frozen=True, slots=True)
class Config:
    """Settings that change what is reported and what fails the run."""

    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    failure_threshold: Severity | None = Severity.WARNING
    trusted_nonroot: tuple[str, ...] = ()
    # Images the project builds itself, and the Dockerfile that builds each (a FROM naming
    # one is judged by that Dockerfile).
    built_images: tuple[tuple[str, Path], ...] = ()
    source: Path | None = None


def find_config(start: Path) -> Path | None:
    """The nearest ``.hardening-tutor.toml`` or ``pyproject.toml`` with our table, upwards."""
    for directory in (start, *start.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "[tool.hardening-tutor]" in _read(pyproject):
            return pyproject
        if (directory / ".git").exists():
            break
    return None


def load_config(path: Path | None) -> Config:
    """Read and validate a config file; None gives the defaults."""
    if path is None:
        return Config()
    # Imported here: most projects have no config file, and the app starts faster without.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised only on Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(_read(path))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("hardening-tutor", {})
    return parse_config(data, path)


def parse_config(data: dict[str, Any], path: Path | None = None) -> Config:
    """Validate the settings table; every error names the file and the key."""
    # Imported here: the registry imports every rule, which config users may not need.
    from tutor.analysis.rules import rules_for_alias

    where = str(path) if path else "configuration"
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        known = ", ".join(_KEYS)
        raise ConfigError(f"{where}: unknown setting '{unknown[0]}' (known: {known})")

    def rule_ids(value: Any, key: str) -> list[str]:
        # A peer id may be claimed by several rules (CKV_SECRET_* by HT201 and HT202).
        rules = rules_for_alias(value) if isinstance(value, str) else []
        if not rules:
            raise ConfigError(f"{where}: {key}: '{value}' is not a rule id or a peer id any "
                              f"rule claims; run 'hardening-tutor rules' for the list")
        return [rule.id for rule in rules]

    ignore = data.get("ignore", [])
    if not isinstance(ignore, list):
        raise ConfigError(f"{where}: ignore must be {_KEYS['ignore']}")
    severity_table = data.get("severity", {})
    if not isinstance(severity_table, dict):
        raise ConfigError(f"{where}: severity must be {_KEYS['severity']}")
    severity: dict[str, Severity] = {}
    for key, level in severity_table.items():
        if level not in ("error", "warning", "info"):
            raise ConfigError(f"{where}: severity.{key} must be \"error\", \"warning\" or "
                              f"\"info\", not {level!r}")
        for rule in rule_ids(key, "severity"):
            severity[rule] = Severity(level)
    threshold = data.get("failure-threshold", "warning")
    if threshold not in THRESHOLDS:
        raise ConfigError(f"{where}: failure-threshold must be {_KEYS['failure-threshold']}")
    trusted = data.get("trusted-nonroot-images", [])
    if not isinstance(trusted, list) or not all(isinstance(t, str) for t in trusted):
        raise ConfigError(f"{where}: trusted-nonroot-images must be "
                          f"{_KEYS['trusted-nonroot-images']}")
    built = data.get("built-images", {})
    if not isinstance(built, dict) or not all(isinstance(v, str) and v.strip()
                                              for v in built.values()):
        raise ConfigError(f"{where}: built-images must be {_KEYS['built-images']}")
    folder = path.parent if path is not None else Path()
    return Config(ignore=frozenset(r for i in ignore for r in rule_ids(i, "ignore")),
                  severity=severity,
                  failure_threshold=parse_threshold(threshold), trusted_nonroot=tuple(trusted),
                  built_images=tuple((str(k), folder / v) for k, v in built.items()),
                  source=path)


def parse_threshold(value: str) -> Severity | None:
    """A threshold name as a severity; "none" never fails."""
    return None if value == "none" else Severity(value)


def _read(path: Path) -> str:
    try:
        return read_limited(path, MAX_CONFIG_BYTES, "config file").decode("utf-8")
    except InputError as exc:
        raise ConfigError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
