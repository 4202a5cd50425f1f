"""``learner-links.csv``: each learner's own link, for the instructor to hand out."""

from __future__ import annotations

import contextlib
import csv
import io
import os
from pathlib import Path

from tutor.atomic import write_atomic
from tutor.errors import InputError
from tutor.exam.export import csv_cell
from tutor.safetext import visible
from tutor.serve.workshop import Workshop

COLUMNS = ("id", "name", "url")


def join_url(public_url: str, token: str) -> str:
    """The link that lets one learner in: it sets their cookie and leads to their app."""
    return f"{public_url}/join/{token}"


def write_links(workshop: Workshop, public_url: str) -> Path:
    """Write every seat's link to the workshop's ``learner-links.csv`` (0600); its path."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for seat in workshop.seats:
        url = join_url(public_url, workshop.tokens.learners[seat.folder])
        # Names come from a roster; opened in a spreadsheet, "=…" would be a formula.
        writer.writerow([csv_cell(seat.id), csv_cell(seat.name), url])
    path = workshop.links_path
    try:
        # The links are as secret as the tokens: narrow an existing file before writing,
        # because write_atomic keeps the mode a file already has.
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, 0o600)
        write_atomic(path, out.getvalue(), mode=0o600)
        with contextlib.suppress(NotImplementedError):
            os.chmod(path, 0o600)
    except OSError as exc:
        raise InputError(f"cannot write {visible(str(path))}: {exc.strerror or exc}") from None
    return path
