"""Find secret values in Dockerfile and compose text, and redact them for display."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from tutor.analysis.lazyre import LazyPattern
from tutor.analysis.secret_files import secret_file_kind

__all__ = ["SecretMatch", "find_secret_values", "is_documentation_example", "is_placeholder",
           "is_substituted", "redact", "secret_file_kind", "without_overlaps"]

ELLIPSIS = "…"
ENTROPY_KIND = "high-entropy string"
URL_KIND = "password in URL"


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """One secret found in scanned text: what it is and where it sits."""

    kind: str
    value: str
    start: int
    end: int
    shown_prefix: int = 0

    @property
    def masked(self) -> str:
        """The value redacted for display."""
        return redact(self.value, self.shown_prefix)


# --- redaction and placeholders -------------------------------------------------------------

_PEM_HEADER = LazyPattern(r"-----BEGIN [A-Z0-9 ]+-----")


def redact(value: str, shown_prefix: int = 0) -> str:
    """Shorten a secret so that what is shown can neither be used nor guessed."""
    header = _PEM_HEADER.match(value)
    if header:
        # Only the header line, which names the key type; the body is the secret.
        return header.group() + ELLIPSIS
    if 0 < shown_prefix < len(value):
        rest = value[shown_prefix:]
        # The prefix is public (it names the format); the tail helps the owner recognise it.
        return value[:shown_prefix] + ELLIPSIS + (rest[-2:] if len(rest) >= 12 else "")
    if len(value) >= 16:
        return value[:2] + ELLIPSIS + value[-2:]
    if len(value) >= 8:
        return value[0] + ELLIPSIS
    return ELLIPSIS


# References a tool replaces before the value is used: Jinja/Go/Helm, shell and Compose,
# Windows batch, and the __VAR__ and @VAR@ tokens of build-time filters.
_SUBSTITUTED = LazyPattern(
    r"\{\{.*\}\}|\$\{[^}]*\}|\$[A-Za-z_]\w*|%[A-Za-z_]\w*%|__[A-Za-z]\w*__|@[A-Za-z_]\w*@", re.S)
# Notations that ask a person to fill a value in: nothing replaces them.
_FILL_IN = LazyPattern(r"<[^<>]*>|\[[A-Za-z _-]+\]")
_MASK_RUN = LazyPattern(r"([xX*#.•?])\1{3,}")
_WORD_SPLIT = LazyPattern(r"[^a-z0-9]+")
_PLACEHOLDER_WORDS = frozenset({
    "todo", "tbd", "fixme", "example", "sample", "placeholder", "redacted", "replaceme",
    "dummy", "fake", "none", "null", "nil", "undefined", "xxx", "secretvalue",
})
_PLACEHOLDER_PARTS = ("example", "placeholder", "replace", "redacted")


def is_placeholder(value: str) -> bool:
    """Whether a value only stands in for a secret instead of being one.

    Literal defaults such as ``changeme``, ``changeit``, ``password`` or ``admin`` are NOT
    placeholders: they work as passwords, and an image that ships them ships a guessable
    credential. A placeholder is text that cannot authenticate as written: empty, a template
    or variable reference, a mask like ``xxxx`` or ``****``, or words asking to be replaced
    (``your-token-here``, ``REPLACE_ME``, ``<token>``, ``TODO``, ``example``).
    """
    text = value.strip().strip("'\"")
    if is_substituted(text) or _FILL_IN.fullmatch(text) or _MASK_RUN.search(text):
        return True
    if len(set(text)) == 1 and text[0] in "xX*#.-_?•":
        return True
    words = [w for w in _WORD_SPLIT.split(text.lower()) if w]
    if not words:
        return True
    if words[0] in ("your", "insert", "enter", "put") or words[-1] == "here":
        return True
    return any(w in _PLACEHOLDER_WORDS or any(p in w for p in _PLACEHOLDER_PARTS)
               for w in words)


def is_substituted(value: str) -> bool:
    """Whether a value is empty or a reference that a tool replaces before it is used
    (``${DB_PASSWORD}``, ``{{ .Values.password }}``, ``%PASSWORD%``, ``__PASSWORD__``):
    as written it is not a literal anywhere.

    Every other placeholder (``example``, ``<password>``, ``xxxx``, ``your-token-here``) is a
    literal string that works as the credential if the file is used as it is.
    """
    text = value.strip().strip("'\"")
    return not text or bool(_SUBSTITUTED.fullmatch(text))


# The keys AWS prints in its documentation so that no example holds a real one: the pair
# AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ("Manage access keys for
# IAM users", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html)
# and others of the same shape (AKIAI44QH8DHBEXAMPLE in the S3 signing examples).
_DOCUMENTATION_EXAMPLE = LazyPattern(r"A[KS]IA[A-Z0-9]{9}EXAMPLE|[A-Za-z0-9/+]{30}EXAMPLEKEY")


def is_documentation_example(value: str) -> bool:
    """Whether a value is one of AWS's published example keys, which open nothing."""
    return bool(_DOCUMENTATION_EXAMPLE.fullmatch(value.strip().strip("'\"")))


# A value that names where the secret comes from instead of holding it.
_INDIRECT = LazyPattern(r"\$[{(A-Za-z_]|`|^@|/run/secrets/|^-$")


def usable(value: str) -> bool:
    """Whether a literal value could be a real secret worth reporting."""
    return literal_value(value) and not is_placeholder(value)


def literal_value(value: str) -> bool:
    """Whether a value is used as written: not empty, not a reference to where the secret
    is (``$TOKEN``, ``/run/secrets/db``, ``-`` for stdin); a placeholder is one."""
    return bool(value) and not _INDIRECT.search(value) and not is_substituted(value)


# --- known formats --------------------------------------------------------------------------

def _fmt(kind: str, pattern: str) -> tuple[str, re.Pattern[str]]:
    """A token format; the match may not run on into a longer token on the right.

    Group "p" is the public prefix shown in redaction; group "v", when present, is the secret.
    Each pattern starts with a literal so the regex engine can jump between occurrences.
    """
    return kind, re.compile(pattern + r"(?![A-Za-z0-9_-])")


_FORMATS = (
    # Only key IDs: AIDA, AROA, ANPA and the like name users, roles and policies, not keys.
    _fmt("AWS access key ID", r"(?P<p>A(?:KIA|SIA|BIA|CCA))[A-Z0-9]{16}"),
    _fmt("GitHub token", r"(?P<p>gh[pousr]_)[A-Za-z0-9]{36,251}"),
    _fmt("GitHub token", r"(?P<p>github_pat_)[A-Za-z0-9_]{40,244}"),
    _fmt("GitLab token", r"(?P<p>gl(?:pat|dt|rt|rtr|ptt|ft|imt|agent|cbt|soat|oas|ffct|wt)-)"
                         r"[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9]{1,12}){0,2}"),
    _fmt("GitLab token", r"(?P<p>GR1348941)[A-Za-z0-9_-]{20,}"),
    _fmt("Slack token", r"(?P<p>xox[baprse]-)[A-Za-z0-9-]{10,}"),
    _fmt("Slack webhook URL",
         r"(?P<p>https://hooks\.slack\.com/(?:services|workflows|triggers)/)[A-Za-z0-9/_]{20,}"),
    _fmt("Stripe secret key", r"(?P<p>sk_(?:live|test)_)[A-Za-z0-9]{20,}"),
    _fmt("Stripe restricted key", r"(?P<p>rk_(?:live|test)_)[A-Za-z0-9]{20,}"),
    _fmt("Google API key", r"(?P<p>AIza)[A-Za-z0-9_-]{35}"),
    _fmt("Google OAuth client secret", r"(?P<p>GOCSPX-)[A-Za-z0-9_-]{28}"),
    _fmt("JWT", r"(?P<p>eyJ)[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    _fmt("npm token", r"(?P<p>npm_)[A-Za-z0-9]{36}"),
    _fmt("PyPI token", r"(?P<p>pypi-)AgE[A-Za-z0-9_-]{50,}"),
    _fmt("Docker Hub token", r"(?P<p>dckr_(?:pat|oat)_)[A-Za-z0-9_-]{27,}"),
    _fmt("OpenAI API key", r"(?P<p>sk-(?:proj|svcacct|admin)-)[A-Za-z0-9_-]{20,}"),
    # Older OpenAI keys carry "OpenAI" base64-encoded in the middle.
    _fmt("OpenAI API key", r"(?P<p>sk-)[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"),
    _fmt("Anthropic API key", r"(?P<p>sk-ant-)[a-z]+\d*-[A-Za-z0-9_-]{20,}"),
    _fmt("Hugging Face token", r"(?P<p>hf_)[A-Za-z]{34}"),
    _fmt("Hugging Face token", r"(?P<p>api_org_)[A-Za-z]{34}"),
    _fmt("SendGrid API key", r"(?P<p>SG\.)[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    _fmt("DigitalOcean token", r"(?P<p>do[por]_v1_)[a-f0-9]{64}"),
    _fmt("Azure storage account key", r"AccountKey=(?P<v>[A-Za-z0-9+/]{80,}={0,2})"),
)

_PRIVATE_KEY = LazyPattern(r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----")
# Certificates and public keys are public: their base64 bodies must not count as entropy.
_PUBLIC_PEM = LazyPattern(r"-----BEGIN (?P<label>(?![A-Z0-9 ]*PRIVATE)[A-Z0-9 ]+)-----")
_URL_CREDENTIALS = LazyPattern(r"://[^\s:/?#@'\"`]*:(?P<v>[^\s/?#@'\"`]+)@")
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _known_formats(text: str) -> list[SecretMatch]:
    """Matches of the known token formats that are not placeholders."""
    found: list[SecretMatch] = []
    for kind, pattern in _FORMATS:
        for m in pattern.finditer(text):
            # Checked here rather than by a lookbehind, which would stop the engine
            # from jumping straight to each occurrence of the literal prefix.
            if m.start() and text[m.start() - 1] in TOKEN_CHARS:
                continue
            group = "v" if "v" in pattern.groupindex else 0
            if not is_placeholder(m.group(group)):
                shown = m.end("p") - m.start() if "p" in pattern.groupindex else 0
                found.append(SecretMatch(kind, m.group(group), m.start(group), m.end(group),
                                         shown))
    return found


def _pem_blocks(text: str) -> tuple[list[SecretMatch], list[tuple[int, int]]]:
    """Private keys (header to END line) and the spans of public PEM blocks."""
    keys: list[SecretMatch] = []
    public: list[tuple[int, int]] = []
    if "-----BEGIN " not in text:
        return keys, public
    for m in _PRIVATE_KEY.finditer(text):
        end_marker = f"-----END {m.group('label')}-----"
        end = text.find(end_marker, m.end())
        stop = len(text) if end < 0 else end + len(end_marker)
        body = text[m.end():stop].replace(end_marker, "")
        if not re.sub(r"\\n|[\s'\"]", "", body):
            continue  # a header with no key after it holds nothing secret
        keys.append(SecretMatch("private key", text[m.start():stop], m.start(), stop,
                                m.end() - m.start()))
    for m in _PUBLIC_PEM.finditer(text):
        end = text.find(f"-----END {m.group('label')}-----", m.end())
        public.append((m.start(), len(text) if end < 0 else end))
    return keys, public


def _url_passwords(text: str) -> list[SecretMatch]:
    """Literal passwords written into URLs as ``scheme://user:password@host``."""
    if "://" not in text or "@" not in text:
        return []
    return [SecretMatch(URL_KIND, m.group("v"), m.start("v"), m.end("v"))
            for m in _URL_CREDENTIALS.finditer(text) if usable(m.group("v"))]


# --- high-entropy strings -------------------------------------------------------------------

_CANDIDATE = LazyPattern(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}(?:={1,2}(?![\w+/=-]))?")
_HEXISH = LazyPattern(r"[0-9a-fA-F-]+=*")
_DIGEST_BEFORE = LazyPattern(r"(?:sha(?:1|224|256|384|512)|md5|h1)[:=-]$", re.I)
_DIGEST_LEAD = LazyPattern(r"(?:sha(?:1|224|256|384|512)|md5)-", re.I)
# Public by design: SSH public key bodies (the key type's length, then its name, in base64)
# and Stripe publishable keys.
_PUBLIC_TOKENS = ("AAAAB3NzaC1", "AAAAC3NzaC1", "AAAAE2VjZHNh", "pk_live_", "pk_test_")
# Runs a reader would see as one piece: a word, an acronym or a number.
_RUNS = LazyPattern(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")


def _entropy(text: str) -> float:
    """Shannon entropy of the string in bits per character."""
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in Counter(text).values())


def _has_classes(token: str) -> bool:
    """Whether a token holds an upper-case letter, a lower-case letter and a digit."""
    return not (_UPPER.isdisjoint(token) or _LOWER.isdisjoint(token)
                or _DIGITS.isdisjoint(token))


def _looks_random(token: str) -> bool:
    """Whether a token reads like generated key material rather than words or a path."""
    stripped = token.rstrip("=")
    if len(stripped) < 20 or not _has_classes(stripped) or _HEXISH.fullmatch(stripped):
        return False
    if stripped.startswith(_PUBLIC_TOKENS):
        return False
    # Random base64 switches between upper, lower and digits every two characters or so;
    # words, paths and identifiers hold runs twice as long.
    if len(stripped) >= 3.5 * len(_RUNS.findall(stripped)):
        return False
    # Random text of n chars scores about log2(n) - 0.6; allow its spread, within fixed bounds.
    threshold = max(3.7, min(4.5, 0.85 * math.log2(len(stripped))))
    return _entropy(stripped) >= threshold


def _high_entropy(text: str, skip: list[tuple[int, int]]) -> list[SecretMatch]:
    """Random-looking base64 tokens that are not digests, public keys or word paths."""
    found: list[SecretMatch] = []
    searched = 0
    # Splitting on white space in C first leaves few words for the slower regex to scan.
    for word in text.split():
        if len(word) < 20 or not _has_classes(word):
            continue
        at = text.find(word, searched)
        searched = at + len(word)
        for m in _CANDIDATE.finditer(word):
            start, token = at + m.start(), m.group()
            before = text[max(0, start - 7):start]
            if (any(a <= start < b for a, b in skip) or _DIGEST_LEAD.match(token)
                    or _DIGEST_BEFORE.search(before) or before.endswith(("$", "base64,"))):
                continue
            # In a path or URL tail, judge each segment alone so words cannot dilute a key.
            is_path = token.startswith("/") or before.endswith((".", "}", "~"))
            offset = start
            for segment in token.split("/") if is_path else [token]:
                if _looks_random(segment) and not is_documentation_example(segment):
                    found.append(SecretMatch(ENTROPY_KIND, segment, offset,
                                             offset + len(segment)))
                offset += len(segment) + 1
    return found


# Cached by text: the app re-analyses on every edit, and an edit changes one RUN,
# so the others are answered from here. Callers must not modify the result.
@lru_cache(maxsize=4096)
def find_secret_values(text: str) -> list[SecretMatch]:
    """Secrets written as literal values anywhere in the text, in order, without overlaps."""
    keys, public = _pem_blocks(text)
    found = _known_formats(text) + keys
    found += _url_passwords(text)
    found += _high_entropy(text, public + [(k.start, k.end) for k in keys])
    return without_overlaps(found)


def without_overlaps(matches: list[SecretMatch],
                     contextual: frozenset[str] = frozenset()) -> list[SecretMatch]:
    """Keep the most specific match wherever matches overlap, ordered by position.

    A named format beats a match found by its context (a URL's password, a ``--token``
    flag: the ``contextual`` kinds), which beats a mere high-entropy string.
    """
    def rank(match: SecretMatch) -> int:
        if match.kind == ENTROPY_KIND:
            return 2
        return 1 if match.kind == URL_KIND or match.kind in contextual else 0

    kept: list[SecretMatch] = []
    for match in sorted(matches, key=lambda s: (rank(s), s.start, -s.end)):
        if all(match.end <= k.start or match.start >= k.end for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda s: s.start)
