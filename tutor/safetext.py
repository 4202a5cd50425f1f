"""Untrusted text made safe to show: control characters become visible and harmless.

Rich and Textual pass escape sequences through to the terminal, so a Dockerfile line, a
file name, a course pack or a learner's name holding ``ESC ] 52`` would write the user's
clipboard, and ``ESC [ 2J`` would clear the screen. Every display path puts such text
through :func:`visible` first.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F), which some
# terminals act on as 8-bit escape sequences. A carriage return before a newline is an
# ordinary line ending and is left alone; anywhere else it can overwrite what was shown.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
# One visible character each, so columns still line up (the editor maps the cursor by
# column): the Unicode "control pictures" for C0 and DEL, a replacement glyph for C1.
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)} | {0x7F: "\u2421"}
_C1_PICTURE = "\ufffd"


def _picture(match: re.Match[str]) -> str:
    return _PICTURES.get(ord(match.group()), _C1_PICTURE)


def reflow(text: str, *, paragraphs: bool = True) -> str:
    """Wrapped source text (a docstring, a YAML block) joined back into lines a screen or a
    format can wrap itself: one line per paragraph, or one line in all."""
    if not paragraphs:
        return " ".join(text.split())  # str.split() knows every Unicode space, NBSP too
    joined = (" ".join(part.split()) for part in text.split("\n\n"))
    return "\n\n".join(paragraph for paragraph in joined if paragraph)


def clipped(text: str, limit: int) -> str:
    """Text reflowed onto one line and, past ``limit`` characters, cut at a word with "…"."""
    line = reflow(text, paragraphs=False)
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", 0, limit)
    return line[:cut if cut > 0 else limit].rstrip(" ,;:") + " …"


def visible(text: str) -> str:
    """``text`` with each control character except tab and newline shown as one glyph.

    ESC becomes ``␛``, BEL ``␇``, a lone CR ``␍``, DEL ``␡`` and a C1 control ``�``; the
    result has the same length, so line and column positions are unchanged.
    """
    if CONTROL.search(text) is None:  # the common case costs one scan and no copy
        return text
    return CONTROL.sub(_picture, text)


def one_line(text: str) -> str:
    """:func:`visible` text that also stays on one line: each line break is shown as ``␤``.

    For formats with one line per finding, where a file name or message holding a newline
    would otherwise start a line of its own that a log parser could take for a finding.
    """
    text = visible(text)
    if "\n" not in text:
        return text
    return text.replace("\r\n", "\u2424").replace("\n", "\u2424")


# What XML 1.0 cannot hold even as a character reference, once controls are visible:
# lone surrogates (an undecodable file name) and the non-characters U+FFFE and U+FFFF.
_XML_INVALID = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """:func:`visible` text that an XML 1.0 document can hold: the rest become ``\ufffd``."""
    text = visible(text)
    if _XML_INVALID.search(text) is None:
        return text
    return _XML_INVALID.sub("\ufffd", text)


def has_controls(text: str) -> bool:
    """True when :func:`visible` would change ``text``."""
    return CONTROL.search(text) is not None


def first_control(text: str) -> tuple[int, str] | None:
    """The offset of the first control character and its name (``U+001B (ESC)``), if any."""
    match = CONTROL.search(text)
    if match is None:
        return None
    return match.start(), describe(match.group())


_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR",
          0x1B: "ESC", 0x7F: "DEL", 0x9B: "CSI", 0x9D: "OSC", 0x90: "DCS"}


def describe(char: str) -> str:
    """``U+001B (ESC)`` for a control character, as a learner would look it up."""
    code = ord(char)
    name = _NAMES.get(code)
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


_JSON_RAW = re.compile(r"[\x7f-\x9f]")


def json_dumps(data: object, *, indent: int | None = 2) -> str:
    """JSON for people and tools: non-ASCII kept readable, DEL and C1 controls escaped.

    ``json.dumps`` escapes C0 controls always, but with ``ensure_ascii=False`` it writes
    DEL and U+0080-U+009F raw, and a terminal showing the report may act on them.
    """
    import json

    text = json.dumps(data, indent=indent, ensure_ascii=False)
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
