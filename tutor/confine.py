"""Confined mode: a process that may reach one folder and nothing else on the host.

The workshop server runs every learner's app confined to that learner's folder, and an SSH
``ForceCommand`` can do the same. Every file the app opens or writes for the learner goes
through :func:`inside`, which resolves symlinks and ``..`` first: a path that ends up
anywhere else is refused. Without confinement (the app on one's own machine) it only
resolves the path.
"""

from __future__ import annotations

import os
from pathlib import Path

from tutor.errors import InputError

_root: Path | None = None


class OutsideError(InputError):
    """A path outside the learner's folder, in confined mode."""


def confine(root: Path) -> Path:
    """Confine this process to ``root`` (created if needed, 0700); returns it resolved."""
    global _root
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    _root = Path(os.path.realpath(root))
    return _root


def root() -> Path | None:
    """The folder this process is confined to, or None when it is not confined."""
    return _root


def inside(path: Path) -> Path:
    """``path`` resolved (symlinks and ``..`` followed); refused if outside the confinement.

    A path that does not exist yet is judged by where it would be created.
    """
    resolved = Path(os.path.realpath(path))
    if _root is not None and resolved != _root and _root not in resolved.parents:
        raise OutsideError(f"{path}: outside your folder; in this workshop you can open and "
                           f"save files only under {_root}")
    return resolved
