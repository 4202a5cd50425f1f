"""Read the files of one course pack, turning every problem into a ``ContentError``.

A course file must be a regular file under the size limit, UTF-8, free of hidden control
characters, and (for YAML) parse with the line of every key kept. The reader collects the
errors with file, line and fix, and a digest of every byte it read: the course's hash.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import yaml

from tutor.content import controls
from tutor.content.model import ContentError
from tutor.errors import InputError
from tutor.safeio import read_limited
from tutor.yamllines import YamlRefused, error_line
from tutor.yamllines import load as load_yaml

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover - Python 3.10
    from importlib.abc import Traversable

MAX_FILE_BYTES = 1024 * 1024
INVALID = object()  # what ``PackReader.yaml`` returns for text it could not parse


class PackReader:
    """Reads one pack's files: collects errors and a digest of every file it reads."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []
        self.digest: dict[str, bytes] = {}

    def error(self, file: str, line: int, message: str) -> None:
        self.errors.append(ContentError(file, line, message))

    def read(self, node: Traversable, rel: str) -> str | None:
        """A file's text, or None (with an error) unless it is a regular UTF-8 file in bounds."""
        try:
            data = _read_bytes(node)
        except InputError as exc:
            reason = str(exc).removeprefix(f"{node}: ")
            self.error(rel, 1, f"cannot be read: {reason}: course files must be regular files "
                               f"you can read, under {MAX_FILE_BYTES // 1024 // 1024} MB")
            return None
        except OSError as exc:
            self.error(rel, 1, f"cannot be read ({exc.strerror or exc}): check its permissions")
            return None
        self.digest[rel] = data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            self.error(rel, line, "is not UTF-8 text: save it as UTF-8 (course files and "
                                  "exercise files are text)")
            return None
        text, problems = controls.in_text(text)
        for line, message in problems:
            self.error(rel, line, message)
        return text

    def yaml(self, text: str | None, rel: str, offset: int = 0) -> Any:
        """Parsed YAML, or ``INVALID`` (with an error) when the text is missing or malformed."""
        if text is None:
            return INVALID
        try:
            data, problems = controls.in_data(load_yaml(text))
        except yaml.YAMLError as exc:
            line, reason = error_line(exc)
            self.error(rel, line + offset, f"not valid YAML: {reason}: fix the syntax "
                                           f"(indentation, or quote text holding ': ')")
        except YamlRefused as exc:
            self.error(rel, exc.line + offset, f"refused: {exc.reason}: {exc.fix}")
        except RecursionError:  # only without libyaml, whose parser caps the nesting
            self.error(rel, 1, "not valid YAML: nested too deeply: flatten it")
        else:
            for line, message in problems:
                self.error(rel, line + offset, message)
            return data
        return INVALID

    def content_hash(self) -> str:
        """The SHA-256 of every file read, with its path: the course's ``content_hash``."""
        sha = hashlib.sha256()
        for rel in sorted(self.digest):
            sha.update(rel.encode() + b"\0" + self.digest[rel] + b"\0")
        return sha.hexdigest()


def _read_bytes(node: Traversable) -> bytes:
    """A course file's bytes, never more than the limit; on disk, only a regular file."""
    if isinstance(node, Path):
        # An instructor's pack may hold anything: a FIFO would block, /dev/zero never ends.
        return read_limited(node, MAX_FILE_BYTES, "course file")
    with node.open("rb") as handle:  # the packaged course, possibly inside a zip
        data: bytes = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{node}: too large to be a course file (the limit is "
                         f"{MAX_FILE_BYTES // 1024 // 1024} MB)")
    return data
