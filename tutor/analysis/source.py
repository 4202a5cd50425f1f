"""Read a file from disk as text, refusing what cannot be a Dockerfile or compose file."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from tutor.analysis.model import ParseProblem, Severity
from tutor.errors import InputError
from tutor.safeio import read_limited

# Real Dockerfiles are kilobytes; the longest in our 558-file corpus is 512 lines.
MAX_BYTES = 2 * 1024 * 1024
# UTF-32 first: its little-endian mark starts with UTF-16's.
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
              (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
              (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
              (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
_SAVE_AS_UTF8 = ("Save the file as UTF-8 (in most editors: Save with Encoding, or "
                 "`iconv -t UTF-8`).")


@dataclass(frozen=True, slots=True)
class SourceText:
    """Decoded text plus any problem found while decoding it."""

    text: str
    problems: tuple[ParseProblem, ...] = ()


def read_source(path: Path, kind: str = "dockerfile") -> SourceText:
    """Read and decode ``path``; raise ``InputError`` with a one-line reason if unusable."""
    return decode(read_limited(path, MAX_BYTES, "Dockerfile or compose file"), str(path), kind)


def read_stdin() -> SourceText:
    """Read and decode a Dockerfile from standard input, with the same limit as a file."""
    import sys

    try:
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    except (AttributeError, OSError, ValueError) as exc:  # closed, or not a byte stream
        raise InputError(f"-: cannot read standard input: {exc}") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"-: too large to be a Dockerfile (the limit is "
                         f"{MAX_BYTES // 1024 // 1024} MB)")
    return decode(data, "-", "dockerfile")


def decode(data: bytes, name: str = "input", kind: str = "dockerfile") -> SourceText:
    """Decode bytes as UTF-8 (BOM allowed); UTF-16/32 with a BOM and other bytes with a note."""
    wide = _decode_wide(data, name, kind)
    if wide is not None:
        return wide
    if b"\x00" in data[:8192] or _looks_binary(data[:8192]):
        raise InputError(f"{name}: binary file, not a Dockerfile or compose file")
    if data.startswith(codecs.BOM_UTF8):
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
            Severity.WARNING, fix=_SAVE_AS_UTF8),))


def _decode_wide(data: bytes, name: str, kind: str) -> SourceText | None:
    """UTF-16 or UTF-32 text that starts with its byte-order mark (Windows editors write it)."""
    found = next((entry for entry in _WIDE_BOMS if data.startswith(entry[0])), None)
    if found is None:
        return None
    bom, codec, label = found
    order = "little-endian" if codec.endswith("le") else "big-endian"
    try:
        text = data[len(bom):].decode(codec)
    except UnicodeDecodeError:
        raise InputError(f"{name}: starts with a {label} byte-order mark but is not {label} "
                         f"text") from None
    if "\x00" in text[:8192] or _looks_binary(text[:8192].encode("utf-8", "replace")):
        raise InputError(f"{name}: binary file, not a Dockerfile or compose file")
    if kind == "dockerfile":
        # BuildKit reads the Dockerfile as bytes and strips only a UTF-8 BOM
        # (moby/buildkit frontend/dockerfile/parser: parser.go Parse and directives.go
        # discardBOM), so a UTF-16 file reaches its parser as NUL-laced garbage.
        message = (f"the file is {label} ({order}, with a byte-order mark); it was decoded "
                   f"for this analysis, but Docker reads Dockerfiles as UTF-8 and will not "
                   f"understand it")
        severity = Severity.WARNING
    else:
        # What Compose does with it is unconfirmed, so only say what was done.
        message = (f"the file is {label} ({order}, with a byte-order mark) and was decoded "
                   f"as such")
        severity = Severity.INFO
    return SourceText(text, (ParseProblem(1, 1, message, severity, fix=_SAVE_AS_UTF8),))


def _looks_binary(head: bytes) -> bool:
    """More than 10% control bytes (other than tab, CR, LF, FF) means a binary file."""
    if not head:
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return control / len(head) > 0.10
