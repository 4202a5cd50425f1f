"""Reading a file we did not write: only regular files, and never more than a limit.

``st_size`` is 0 for ``/dev/zero``, a FIFO or a file in ``/proc``, so a size check before
reading proves nothing; the read itself is bounded, and anything that is not a regular file
is refused before it is opened for reading (opening a FIFO would block).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from tutor.errors import InputError


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_limited(path: Path, limit: int, what: str = "file", *,
                 check: Callable[[os.stat_result], None] | None = None) -> bytes:
    """The bytes of the regular file ``path``; ``InputError`` if it is not one or is too big.

    At most ``limit + 1`` bytes are read, whatever the file claims its size is. ``what``
    names the expected content in the too-large message ("Dockerfile", "record file").
    ``check`` sees the status of the file as opened, before anything is read, and may
    refuse it by raising ``InputError`` (a key file others can read).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path}: is {_kind(info.st_mode)}, not a regular file")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        # The path may have been swapped between stat and open: check what was opened.
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise InputError(f"{path}: is {_kind(opened.st_mode)}, not a regular file")
        if check is not None:
            check(opened)
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        shown = (f"{limit / 1024 / 1024:.0f} MB" if limit >= 1 << 20
                 else f"{limit // 1024} KB" if limit >= 1024 else f"{limit} bytes")
        raise InputError(f"{path}: too large to be a {what} (the limit is {shown})")
    return data
