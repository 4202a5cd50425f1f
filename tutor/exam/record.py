"""Sealed exam records: a canonical form, an HMAC-SHA256 signature, and checking both.

A record is signed over its canonical JSON (keys sorted, no spaces, UTF-8) without its
``signature`` member, so any change to a name, a score, an answer or the list of questions
breaks the signature. The key comes from ``HARDENING_TUTOR_SIGNING_KEY`` or from the file
``signing.key`` in the user config folder. Without a key the record says it is
self-assessed. A key on the learner's own machine proves nothing: whoever can read the key
can sign anything. Trustworthy sign-off runs the exam where learners cannot reach the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from tutor.errors import InputError
from tutor.exam.shape import OLD_FORMATS, RECORD_FORMAT, ExamRecord, Signature, UnsignedRecord
from tutor.safeio import read_limited

KEY_ENV = "HARDENING_TUTOR_SIGNING_KEY"
KEY_FILE_NAME = "signing.key"
METHOD = "HMAC-SHA256"
MIN_KEY_LENGTH = 16
# 'results new-key' writes 64 hex characters; a file much larger than that is not a key.
KEY_FILE_LIMIT = 4096
SELF_ASSESSED = "self-assessed: no signing key was configured where the exam ran"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A secret key and where it came from; ``key_id`` names it without revealing it."""

    secret: bytes
    source: str

    @property
    def key_id(self) -> str:
        """A short fingerprint that tells keys apart (domain-separated from the HMAC)."""
        return hashlib.sha256(b"hardening-tutor key id\0" + self.secret).hexdigest()[:16]


def key_file() -> Path:
    """Where the signing key file lives: ``signing.key`` in the user config folder."""
    from platformdirs import user_config_path

    return user_config_path("hardening-tutor", appauthor=False) / KEY_FILE_NAME


def load_key(environ: dict[str, str] | None = None, path: Path | None = None) -> SigningKey | None:
    """The configured key (the environment first, then the key file), or None.

    A key shorter than 16 characters, or a key file that cannot be read, is not a regular
    file, or that others may read, is an error rather than a silent fall back to unsigned
    records.
    """
    environ = dict(os.environ) if environ is None else environ
    text, source = environ.get(KEY_ENV), f"${KEY_ENV}"
    if not text:
        path = path or key_file()
        if not path.exists() and not path.is_symlink():
            return None
        try:
            data = read_limited(path, KEY_FILE_LIMIT, "signing key file",
                                check=lambda opened: _refuse_if_others_can_read(path, opened))
            text, source = data.decode("utf-8").strip(), str(path)
        except InputError as exc:
            raise InputError(f"cannot use the signing key: {exc}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"cannot read the signing key {path}: {exc}") from None
    if len(text) < MIN_KEY_LENGTH:
        raise InputError(f"the signing key in {source} is shorter than {MIN_KEY_LENGTH} "
                         f"characters; use a long random one (hardening-tutor results new-key)")
    return SigningKey(text.encode("utf-8"), source)


def _refuse_if_others_can_read(path: Path, opened: os.stat_result) -> None:
    """Refuse a key file that anyone but its owner may read or write.

    Whoever can read the key can sign any record. OpenSSH refuses a private key file the
    same way ("WARNING: UNPROTECTED PRIVATE KEY FILE!", "Permissions 0644 for '…' are too
    open.", "This private key will be ignored."), and so do we rather than sign with it.
    Windows has no such mode bits (its ACLs decide), so there the check does not apply.
    """
    mode = opened.st_mode & 0o777
    if os.name == "posix" and mode & 0o077:
        raise InputError(f"{path}: permissions {mode:04o} are too open: others may read this "
                         f"key and sign any record with it. Run 'chmod 600 {path}' and try "
                         f"again")


def canonical(record: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: the record without its signature, canonical JSON."""
    body = {key: value for key, value in record.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sign(record: UnsignedRecord, key: SigningKey | None) -> ExamRecord:
    """The record with its ``signature`` member set (or marked self-assessed)."""
    signature: Signature
    if key is None:
        signature = {"method": "none", "note": SELF_ASSESSED}
    else:
        value = hmac.new(key.secret, canonical(dict(record)), hashlib.sha256).hexdigest()
        signature = {"method": METHOD, "key_id": key.key_id, "value": value}
    return cast(ExamRecord, {**record, "signature": signature})


@dataclass(frozen=True, slots=True)
class Verdict:
    """What checking one record found; ``ok`` only when it is intact and signed by the key."""

    ok: bool
    reason: str


def verify(record: object, key: SigningKey) -> Verdict:
    """Check one record against the key."""
    if not isinstance(record, dict):
        return Verdict(False, "not a record (expected a JSON object)")
    if record.get("format") not in (RECORD_FORMAT, *OLD_FORMATS):
        return Verdict(False, f"not a {RECORD_FORMAT} record")
    signature = record.get("signature")
    if not isinstance(signature, dict):
        return Verdict(False, "it has no signature")
    if signature.get("method") == "none":
        return Verdict(False, "it is unsigned (self-assessed)")
    if signature.get("method") != METHOD:
        return Verdict(False, f"unknown signature method {signature.get('method')!r}")
    if signature.get("key_id") != key.key_id:
        return Verdict(False, f"it was signed with another key ({signature.get('key_id')}, "
                              f"not {key.key_id})")
    try:
        expected = hmac.new(key.secret, canonical(record), hashlib.sha256).hexdigest()
    except (TypeError, ValueError) as exc:
        return Verdict(False, f"it cannot be put in canonical form: {exc}")
    if not hmac.compare_digest(expected, str(signature.get("value", ""))):
        return Verdict(False, "it was changed after it was signed")
    return Verdict(True, "intact, signed with this key")
