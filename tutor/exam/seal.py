"""The seal on a JSON export: no record can be removed, added, copied or moved unnoticed.

Each record's own signature proves that record unchanged, not that the file holds them
all: a record dropped from an export leaves the rest verifying. The seal is a manifest of
the export (its format, when and from what it was exported, how many records, and each
attempt id with its record's signature value, in order) with an HMAC-SHA256 over it.
Checking recomputes the HMAC and then compares the file with the manifest, so it can say
what changed, not just that something did. The manifest binds each record by its
signature value, so a record changed in place is caught by its own signature instead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from tutor.exam import fields
from tutor.exam.record import METHOD, SigningKey

# Domain separation: a seal's HMAC can never be passed off as a record's, or the reverse,
# though both use the same key.
_DOMAIN = b"hardening-tutor export seal\0"
UNSEALED_NOTE = ("unsealed (self-assessed): no signing key was configured where the file "
                 "was exported, so a record could be removed from it without trace")
# Values from the file shown in a message are cut to this length (a forged exported_at
# could be megabytes long).
_SHOWN = 80


class Selection(TypedDict):
    """What an export holds: the store it read, and the exam it kept (None: every exam)."""

    data_dir: str | None
    exam: str | None


class SealedAttempt(TypedDict):
    """One record as the manifest binds it: its attempt and its signature value."""

    attempt_id: str | None
    signature: str | None


class Manifest(TypedDict):
    """Everything the seal covers, in the order the file holds its records."""

    format: str
    exported_at: str
    selection: Selection
    count: int
    attempts: list[SealedAttempt]


def manifest(export_format: str, exported_at: str, selection: Selection,
             records: Sequence[Mapping[str, Any]]) -> Manifest:
    """The manifest of an export holding these records in this order."""
    return {"format": export_format, "exported_at": exported_at, "selection": selection,
            "count": len(records),
            "attempts": [{"attempt_id": fields.attempt_id(record),
                          "signature": fields.signature_value(record)} for record in records]}


def _mac(key: SigningKey, sealed: object) -> str:
    body = json.dumps(sealed, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")
    return hmac.new(key.secret, _DOMAIN + body, hashlib.sha256).hexdigest()


def seal(sealed: Manifest, key: SigningKey | None) -> dict[str, Any]:
    """The ``seal`` member of an export: the manifest and its HMAC, or an unsealed note."""
    if key is None:
        return {"method": "none", "note": UNSEALED_NOTE}
    return {"method": METHOD, "key_id": key.key_id, "sealed": sealed,
            "value": _mac(key, sealed)}


@dataclass(frozen=True, slots=True)
class SealCheck:
    """What checking an export's seal found; ``problems`` is empty only when it holds."""

    intact: bool  # the seal was made with this key and is itself unchanged
    problems: tuple[str, ...]


def check(document: Mapping[str, Any], records: Sequence[object],
          key: SigningKey) -> SealCheck:
    """Check the seal of an export document, then the document against what it sealed."""
    counted = _count_problem(document, records)
    found = document.get("seal")
    if not isinstance(found, Mapping):
        return SealCheck(False, _listed("the file has no seal (an older version exported "
                                        "it, or the seal was taken out), so a record could "
                                        "have been removed without trace", counted))
    if found.get("method") == "none":
        return SealCheck(False, _listed("the file is " + UNSEALED_NOTE, counted))
    broken = _broken(found, key)
    if broken is not None:
        return SealCheck(False, _listed(broken, counted))
    sealed = found["sealed"]
    problems = [_header_problem(name, sealed, document)
                for name in ("format", "exported_at", "selection")]
    if "count" not in document:
        problems.append("count was removed")
    elif counted is None and document["count"] != sealed.get("count"):
        problems.append(f"count was changed (sealed as {_shown(sealed.get('count'))}, now "
                        f"{_shown(document['count'])})")
    problems.append(counted)
    problems += _record_problems(sealed["attempts"], records)
    return SealCheck(True, _listed(*problems))


def _listed(*problems: str | None) -> tuple[str, ...]:
    return tuple(problem for problem in problems if problem)


def _broken(found: Mapping[str, Any], key: SigningKey) -> str | None:
    """Why the seal itself cannot be trusted, or None when it is intact and made with key."""
    if found.get("method") != METHOD:
        return f"the file's seal has an unknown method {_shown(found.get('method'))}"
    if found.get("key_id") != key.key_id:
        return (f"the file was sealed with another key ({_shown(found.get('key_id'))}, not "
                f"{key.key_id})")
    sealed = found.get("sealed")
    if not isinstance(sealed, Mapping) or not isinstance(sealed.get("attempts"), list):
        return "the file's seal holds no list of what it sealed"
    try:
        expected = _mac(key, sealed)
    except (TypeError, ValueError) as exc:
        return f"the file's seal cannot be put in canonical form: {exc}"
    if not hmac.compare_digest(expected, str(found.get("value", ""))):
        return "the seal was changed after the file was sealed, so it proves nothing"
    return None


def _count_problem(document: Mapping[str, Any], records: Sequence[object]) -> str | None:
    """What is wrong with the file's ``count`` of its records, if it has one."""
    if "count" not in document:
        return None
    count = document["count"]
    if count == len(records) and not isinstance(count, bool):
        return None
    return f"count says {_shown(count)} but {len(records)} records are present"


def _header_problem(name: str, sealed: Mapping[str, Any],
                    document: Mapping[str, Any]) -> str | None:
    if name not in document:
        return f"{name} was removed"
    if document[name] == sealed.get(name):
        return None
    return (f"{name} was changed (sealed as {_shown(sealed.get(name))}, now "
            f"{_shown(document[name])})")


def _entry(attempt: object, value: object) -> tuple[str | None, str | None]:
    return (attempt if isinstance(attempt, str) else None,
            value if isinstance(value, str) else None)


def _record_problems(sealed_attempts: list[Any], records: Sequence[object]) -> list[str]:
    """What happened to the records since sealing: removed, added, copied, replaced, moved."""
    sealed = [_entry(entry.get("attempt_id"), entry.get("signature"))
              if isinstance(entry, Mapping) else (None, None) for entry in sealed_attempts]
    present = [(fields.attempt_id(record), fields.signature_value(record))
               if isinstance(record, Mapping) else (None, None) for record in records]
    # A record without an attempt id fails its own check; only ids can be followed here.
    sealed_counts = Counter(attempt for attempt, _ in sealed if attempt is not None)
    present_counts = Counter(attempt for attempt, _ in present if attempt is not None)
    problems: list[str] = []
    for attempt, was in sealed_counts.items():
        now = present_counts[attempt]
        if now == was:
            continue
        if now == 0:
            problems.append(f"record for attempt {attempt} was removed")
        elif was == 1 and now == 2:
            problems.append(f"attempt {attempt} appears twice")
        else:
            problems.append(f"attempt {attempt} appears {now} times, and was sealed {was} "
                            f"time{'s' if was != 1 else ''}")
    problems += [f"record for attempt {attempt} was added" for attempt in present_counts
                 if attempt not in sealed_counts]
    sealed_values = {attempt: value for attempt, value in sealed if attempt is not None}
    problems += [f"record for attempt {attempt} was replaced: its signature is not the one "
                 f"sealed" for attempt, value in dict.fromkeys(present)
                 if attempt in sealed_values and value != sealed_values[attempt]]
    moved = _moved([attempt for attempt, _ in sealed], [attempt for attempt, _ in present])
    if moved is not None:
        problems.append(moved)
    return problems


def _moved(sealed: list[str | None], present: list[str | None]) -> str | None:
    """Where the records kept since sealing first stand in another order, if they do."""
    sealed_order = list(dict.fromkeys(attempt for attempt in sealed if attempt is not None))
    present_order = list(dict.fromkeys(attempt for attempt in present if attempt is not None))
    kept = set(sealed_order) & set(present_order)
    then = [attempt for attempt in sealed_order if attempt in kept]
    now = [attempt for attempt in present_order if attempt in kept]
    for expected, found in zip(then, now, strict=True):
        if expected != found:
            return (f"records are in another order: attempt {found} was sealed as record "
                    f"{sealed.index(found) + 1} and is now record {present.index(found) + 1}")
    return None


def _shown(value: object) -> str:
    """A value from the file as a message quotes it: JSON, cut short when long."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"
