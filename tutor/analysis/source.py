"""Read a file from disk as text, refusing what cannot be a Dockerfile or compose file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tutor.analysis.model import ParseProblem, Severity
from tutor.errors import InputError
from tutor.safeio import read_limited

# Real Dockerfiles are kilobytes; the longest in our 558-file corpus is 512 lines.
MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceText:
    """Decoded text plus any problem found while decoding it."""

    text: str
    problems: tuple[ParseProblem, ...] = ()


def read_source(path: Path) -> SourceText:
    """Read and decode ``path``; raise ``InputError`` with a one-line reason if unusable."""
    return decode(read_limited(path, MAX_BYTES, "Dockerfile or compose file"), str(path))


def decode(data: bytes, name: str = "input") -> SourceText:
    """Decode bytes as UTF-8 (BOM allowed); other encodings are read with a warning."""
    if b"\x00" in data[:8192] or _looks_binary(data[:8192]):
        raise InputError(f"{name}: binary file, not a Dockerfile or compose file")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return SourceText(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        text = data.decode("utf-8", errors="replace")
        return SourceText(text, (ParseProblem(
            line, line,
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02X} on line {line}); "
            f"it was read with replacement characters, which Docker would not do",
            Severity.WARNING),))


def _looks_binary(head: bytes) -> bool:
    """More than 10% control bytes (other than tab, CR, LF, FF) means a binary file."""
    if not head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control / len(head) > 0.10
