"""``results verify``: exported files, each checked as a whole, then all of them together.

For each file the seal comes first (no record removed, added, copied or moved, the header
as exported), then every record against the key and an optional policy. Across the files
an attempt counts once, and each learner's records link up: a record naming a previous
record that no file holds shows that one is missing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tutor.errors import InputError
from tutor.exam import fields, seal
from tutor.exam.record import SigningKey, verify
from tutor.safeio import read_limited
from tutor.safetext import visible

# What a policy (e.g. "only this exam, only sign-off attempts") finds wrong with one
# record; an empty list when it has nothing to say.
Policy = Callable[[dict[str, Any]], list[str]]


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One export as read: where it came from, the whole document, and its records."""

    path: Path
    document: Mapping[str, Any]
    records: list[Any]


def read_export(path: Path, limit: int) -> ExportFile:
    """The export in ``path``; `InputError` if it cannot be read or is not one."""
    data = read_limited(path, limit, "record file")  # /dev/zero, a FIFO: refused
    try:
        document = json.loads(data.decode("utf-8"))
    # ValueError covers bad UTF-8, bad JSON and an integer too long to convert; nesting
    # thousands deep ("[[[[…") exhausts the parser's stack instead.
    except (ValueError, RecursionError) as exc:
        raise InputError(f"{path} is not a JSON export: {exc}") from None
    records = document.get("records") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise InputError(f"{path} has no list of records (expected 'results export' JSON)")
    # A bare list (an older export, or records put together by hand) has no seal to check.
    return ExportFile(path, document if isinstance(document, dict) else {}, records)


def _describe(record: object, index: int) -> str:
    """How a report names a record: its place, attempt id and learner when they can be read."""
    if not isinstance(record, dict):
        return f"record {index}"
    attempt = record.get("attempt_id", "?")
    return f"record {index} (attempt {attempt}, learner {fields.learner_name(record)!r})"


def chain_gaps(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """A problem for each record whose learner's previous record is not among ``records``.

    Only records with a ``previous`` member (format 2) are followed; None there means the
    learner's first record, or one whose predecessor was unsigned.
    """
    held = list(records)
    signed_by: dict[str, set[str]] = defaultdict(set)
    for record in held:
        value = fields.signature_value(record)
        if value is not None:
            signed_by[fields.learner_key(record)].add(value)
    gaps: list[str] = []
    for record in held:
        before = fields.previous(record)
        if not fields.has_previous(record) or before is None:
            continue
        if not isinstance(before, str) or before not in signed_by[fields.learner_key(record)]:
            gaps.append(f"a gap: the record before attempt {fields.attempt_id(record)} "
                        f"(learner {fields.learner_key(record)}) is missing")
    return list(dict.fromkeys(gaps))  # a record in two files has one gap before it


def verify_files(files: Sequence[ExportFile], key: SigningKey, out: TextIO,
                 policy: Policy | None = None) -> bool:
    """Report every problem in ``files`` to ``out``; True only when there is none."""
    several = len(files) > 1
    total = bad = other = 0
    first_seen: dict[str, tuple[int, ExportFile]] = {}
    held: list[dict[str, Any]] = []
    for export in files:
        name = str(export.path)
        if not export.records:
            # A check that 'every record verifies' must not pass on an export of the wrong
            # folder or an emptied file.
            out.write(visible(f"{name} holds no records: there is nothing to verify.") + "\n")
            other += 1
            continue
        checked = seal.check(export.document, export.records, key)
        out.write(visible(f"{name}: {len(export.records)} record(s)"
                          f"{f', sealed with key {key.key_id}' if checked.intact else ''}")
                  + "\n")
        for problem in checked.problems:
            out.write(visible(f"  ✖ seal: {problem}") + "\n")
        other += len(checked.problems)
        for index, record in enumerate(export.records, start=1):
            total += 1
            problems = _record_problems(record, index, export, key, first_seen, policy)
            if isinstance(record, dict):
                held.append(record)
            if problems:
                bad += 1
                for problem in problems:
                    # Names, ids and key ids come from the file: controls are shown, not sent.
                    out.write(visible(f"  ✖ {_describe(record, index)}: {problem}") + "\n")
    gaps = chain_gaps(held)
    for gap in gaps:
        out.write(visible(f"✖ {gap}") + "\n")
    other += len(gaps)
    if total:
        out.write(f"{total} record(s){f' in {len(files)} files' if several else ''}: "
                  f"{total - bad} intact and signed with key {key.key_id}"
                  f"{f', {bad} not' if bad else ''}.\n")
    if other:
        out.write(f"✖ {other} other problem(s), listed above: "
                  f"{'these files do' if several else 'the file does'} not verify.\n")
    return not bad and not other


def _record_problems(record: object, index: int, export: ExportFile, key: SigningKey,
                     first_seen: dict[str, tuple[int, ExportFile]],
                     policy: Policy | None) -> list[str]:
    """Everything wrong with one record: its signature, a second copy, the policy."""
    verdict = verify(record, key)
    problems = [] if verdict.ok else [verdict.reason]
    attempt = record.get("attempt_id") if isinstance(record, dict) else None
    # Only an intact record counts as an attempt's first: a broken copy is reported as
    # broken, and must not make the intact one look like the copy.
    if isinstance(attempt, str) and not problems:
        first_index, first_file = first_seen.setdefault(attempt, (index, export))
        if first_file is not export or first_index != index:
            where = "" if first_file is export else f" of {first_file.path}"
            problems.append(f"attempt {attempt} appears again (first as record "
                            f"{first_index}{where}); each attempt counts once")
    if policy is not None and isinstance(record, dict):
        problems += policy(record)
    return problems
