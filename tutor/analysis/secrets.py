"""Find secret values in Dockerfile and compose text, and redact them for display."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from tutor.analysis.secret_files import secret_file_kind

__all__ = ["SecretMatch", "find_command_secrets", "find_secret_values", "is_placeholder",
           "redact", "secret_file_kind"]

ELLIPSIS = "…"
ENTROPY_KIND = "high-entropy string"


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

_PEM_HEADER = re.compile(r"-----BEGIN [A-Z0-9 ]+-----")


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


# Templating syntaxes that stand for a value supplied later.
_TEMPLATE = re.compile(
    r"<[^<>]*>|\{\{.*\}\}|\$\{[^}]*\}|\$[A-Za-z_]\w*|%[A-Za-z_]\w*%|__[A-Za-z]\w*__|@[A-Za-z_]\w*@"
    r"|\[[A-Za-z _-]+\]", re.S)
_MASK_RUN = re.compile(r"([xX*#.•?])\1{3,}")
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")
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
    if not text or _TEMPLATE.fullmatch(text) or _MASK_RUN.search(text):
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


# A value that names where the secret comes from instead of holding it.
_INDIRECT = re.compile(r"\$[{(A-Za-z_]|`|^@|/run/secrets/|^-$")


def _usable(value: str) -> bool:
    """Whether a literal value could be a real secret worth reporting."""
    return bool(value) and not _INDIRECT.search(value) and not is_placeholder(value)


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

_PRIVATE_KEY = re.compile(r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----")
# Certificates and public keys are public: their base64 bodies must not count as entropy.
_PUBLIC_PEM = re.compile(r"-----BEGIN (?P<label>(?![A-Z0-9 ]*PRIVATE)[A-Z0-9 ]+)-----")
_URL_CREDENTIALS = re.compile(r"://[^\s:/?#@'\"`]*:(?P<v>[^\s/?#@'\"`]+)@")
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _known_formats(text: str) -> list[SecretMatch]:
    """Matches of the known token formats that are not placeholders."""
    found: list[SecretMatch] = []
    for kind, pattern in _FORMATS:
        for m in pattern.finditer(text):
            # Checked here rather than by a lookbehind, which would stop the engine
            # from jumping straight to each occurrence of the literal prefix.
            if m.start() and text[m.start() - 1] in _TOKEN_CHARS:
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
    return [SecretMatch("password in URL", m.group("v"), m.start("v"), m.end("v"))
            for m in _URL_CREDENTIALS.finditer(text) if _usable(m.group("v"))]


# --- high-entropy strings -------------------------------------------------------------------

_CANDIDATE = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}(?:={1,2}(?![\w+/=-]))?")
_HEXISH = re.compile(r"[0-9a-fA-F-]+=*")
_DIGEST_BEFORE = re.compile(r"(?:sha(?:1|224|256|384|512)|md5|h1)[:=-]$", re.I)
_DIGEST_LEAD = re.compile(r"(?:sha(?:1|224|256|384|512)|md5)-", re.I)
# Public by design: SSH public key bodies (the key type's length, then its name, in base64)
# and Stripe publishable keys.
_PUBLIC_TOKENS = ("AAAAB3NzaC1", "AAAAC3NzaC1", "AAAAE2VjZHNh", "pk_live_", "pk_test_")
# Runs a reader would see as one piece: a word, an acronym or a number.
_RUNS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
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
        if len(word) < 20:
            continue
        at = text.find(word, searched)
        searched = at + len(word)
        if _has_classes(word):
            found += _random_tokens(text, at, word, skip)
    return found


def _random_tokens(text: str, at: int, word: str, skip: list[tuple[int, int]]
                   ) -> list[SecretMatch]:
    """The random-looking tokens in one white-space-delimited word starting at ``at``."""
    found: list[SecretMatch] = []
    for m in _CANDIDATE.finditer(word):
        start, token = at + m.start(), m.group()
        if any(a <= start < b for a, b in skip) or _DIGEST_LEAD.match(token):
            continue
        before = text[max(0, start - 7):start]
        if _DIGEST_BEFORE.search(before) or before.endswith(("$", "base64,")):
            continue
        if token.startswith("/") or before.endswith((".", "}", "~")):
            # A path or URL tail: judge each segment alone, so words cannot dilute a key.
            offset = start
            for segment in token.split("/"):
                if _looks_random(segment):
                    found.append(SecretMatch(ENTROPY_KIND, segment, offset,
                                             offset + len(segment)))
                offset += len(segment) + 1
        elif _looks_random(token):
            found.append(SecretMatch(ENTROPY_KIND, token, start, start + len(token)))
    return found


def find_secret_values(text: str) -> list[SecretMatch]:
    """Secrets written as literal values anywhere in the text, in order, without overlaps."""
    keys, public = _pem_blocks(text)
    found = _known_formats(text) + keys
    found += _url_passwords(text)
    found += _high_entropy(text, public + [(k.start, k.end) for k in keys])
    return _without_overlaps(found)


def _rank(match: SecretMatch) -> int:
    """How generic a match is: a named format beats a flag or URL, which beats entropy."""
    if match.kind == ENTROPY_KIND:
        return 2
    return 1 if match.kind in _CONTEXT_KINDS else 0


def _without_overlaps(matches: list[SecretMatch]) -> list[SecretMatch]:
    """Keep the most specific match wherever matches overlap, ordered by position."""
    kept: list[SecretMatch] = []
    for match in sorted(matches, key=lambda s: (_rank(s), s.start, -s.end)):
        if all(match.end <= k.start or match.start >= k.end for k in kept):
            kept.append(match)
    return sorted(kept, key=lambda s: s.start)


# --- command lines --------------------------------------------------------------------------

PASSWORD_FLAG = "password on the command line"
_HEADER_KIND = "credential in an HTTP header"
_NPM_KIND = "npm token on the command line"
_AWS_KIND = "AWS secret on the command line"
_OPTION_KINDS = {
    "password": PASSWORD_FLAG, "passwd": PASSWORD_FLAG, "pass": PASSWORD_FLAG,
    "http-password": PASSWORD_FLAG, "proxy-password": PASSWORD_FLAG, "ftp-password": PASSWORD_FLAG,
    "token": "token on the command line", "access-token": "token on the command line",
    "auth-token": "token on the command line", "oauth2-bearer": "token on the command line",
    "api-key": "API key on the command line", "apikey": "API key on the command line",
    "client-secret": "client secret on the command line", "secret": "secret on the command line",
}
_CONTEXT_KINDS = frozenset({*_OPTION_KINDS.values(), _HEADER_KIND, _NPM_KIND, _AWS_KIND,
                            "password in URL"})

_VALUE = r"""(?P<v>"[^"]*"|'[^']*'|[^\s;&|)'"`]+)"""
# The left edge of "--" is checked in code: a literal first lets the regex engine skip ahead.
_LONG_OPTION = re.compile(r"--(?P<o>" + "|".join(sorted(_OPTION_KINDS, key=len, reverse=True))
                          + r")(?:=|[ \t]+)" + _VALUE)
_BUILD_SECRET_SPEC = re.compile(r"(?:id|src|source|env|type|required)=")
_HEADER = re.compile(
    r"(?i)(?:(?:proxy-)?authorization\s*:\s*(?:bearer|basic|token|bot)\s+"
    r"|(?:private-token|x-api-key|x-auth-token|x-access-token)\s*:\s*)(?P<v>[^\s'\"\\]+)")
_NPM_AUTH = re.compile(r"(?:_authToken|_auth|_password|npmAuthToken)(?:\s*=\s*|[ \t]+)"
                       r"[\"']?(?P<v>[^\s'\"`;|&)]+)")
_OPENSSL_PASS = re.compile(r"-pass(?:in|out|word)?\s+[\"']?pass:(?P<v>[^\s'\"]+)")
# Patterns run over the whole script, each behind literals its matches contain (lower-cased).
_CONTEXT_PATTERNS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (_HEADER, _HEADER_KIND, ("authorization", "-token", "api-key")),
    (_NPM_AUTH, _NPM_KIND, ("_auth", "_password")),
    (_OPENSSL_PASS, PASSWORD_FLAG, ("pass:",)),
)
_TOKEN = re.compile(r"""
    (?P<comment>(?<![^\s;&|(])\#[^\n]*)
  | (?P<op>&&|\|\||[;&|()\n])
  | (?P<redirect>\d*(?:>>?|<<?-?)&?)
  | (?P<word>(?:\$\((?:[^()]|\([^()]*\))*\)|[^\s'"`\\;&|()<>]|\\[^\n]|'[^']*'|"(?:[^"\\]|\\.)*"
               |`[^`]*`)+)""", re.X)
_WRAPPERS = frozenset({"sudo", "env", "exec", "command", "nohup", "time", "then", "do", "!"})
_LOGIN_TOOLS = r"docker|podman|nerdctl|buildah|skopeo|oras|helm|az|cf"
_MYSQL_TOOLS = r"mysql|mariadb|mysqladmin|mysqldump|mysqlimport|mysqlcheck|mariadb-dump"
# Programs whose own flags or stdin carry a secret: literals that must occur, then the
# program name, looking ahead (within the command) for the flag that carries the secret.
_IN_COMMAND = r"(?=\s[^;&|\n]*?"
_PROGRAMS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("login",), re.compile(rf"(?:{_LOGIN_TOOLS}){_IN_COMMAND}\slogin\s)")),
    (("sshpass",), re.compile(r"sshpass(?=\s)")),
    (("mysql", "mariadb"), re.compile(rf"(?:{_MYSQL_TOOLS}){_IN_COMMAND}\s-p\S)")),
    ((" -u", " -U", "--user", "--proxy-user"),
     re.compile(rf"(?:curl|wget){_IN_COMMAND}\s(?:-[uU]|--user|--proxy-user))")),
    (("htpasswd",), re.compile(r"htpasswd(?=\s)")),
    (("configure set",), re.compile(r"aws(?=\s+configure\s)")),
    (("chpasswd", "--stdin"), re.compile(r"(?:chpasswd|passwd)(?=\s|$)")),
)


def _starts_word(text: str, pos: int) -> bool:
    """Whether ``pos`` begins a word: not inside a name, a longer option or a file name."""
    return pos == 0 or (text[pos - 1] not in _TOKEN_CHARS and text[pos - 1] != ".")


def _hit(kind: str, text: str, start: int) -> list[SecretMatch]:
    """A one-item list for a usable literal, else nothing."""
    return [SecretMatch(kind, text, start, start + len(text))] if _usable(text) else []


def _unquote(raw: str, start: int) -> tuple[str, int]:
    """A word with its quotes removed, and where the remaining text starts."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1], start + 1
    return raw.replace('"', "").replace("'", ""), start


def _segment(flat: str, start: int) -> list[tuple[str, int]]:
    """The words of the simple command that begins at ``start``, up to its end."""
    words: list[tuple[str, int]] = []
    skip_next = False
    for m in _TOKEN.finditer(flat, start):
        if m.lastgroup == "op":
            break
        if m.lastgroup == "word" and not skip_next:
            words.append((m.group(), m.start()))
        skip_next = m.lastgroup == "redirect"
    return words


def _command_start(flat: str, pos: int) -> int:
    """Where the simple command around ``pos`` starts, judged by the nearest separator."""
    return max(flat.rfind(sep, 0, pos) + len(sep) for sep in ("&&", "||", ";", "|", "\n", "("))


def _option_flags(script: str, flat: str) -> list[SecretMatch]:
    """Values given to ``--password``, ``--token``, ``--api-key`` and similar options."""
    found: list[SecretMatch] = []
    for m in _LONG_OPTION.finditer(script):
        if not _starts_word(script, m.start()):
            continue
        raw = m.group("v")
        if not raw.startswith("=") and script[m.end("o")] != "=":
            # mysql prompts for a password given without "="; the next word is a database.
            head = flat[_command_start(flat, m.start()):m.start()].split()
            if head and re.fullmatch(_MYSQL_TOOLS, head[0].rsplit("/", 1)[-1]):
                continue
        value, start = _unquote(raw, m.start("v"))
        if m.group("o") == "secret" and _BUILD_SECRET_SPEC.match(value):
            continue
        if not value.startswith("-"):
            found += _hit(_OPTION_KINDS[m.group("o")], value, start)
    return found


def _after_flag(words: list[tuple[str, int]], i: int, flag: str) -> tuple[str, int] | None:
    """The value of a short or long flag at ``words[i]``: attached, after ``=``, or next."""
    raw, start = words[i]
    if raw != flag and raw.startswith(flag):
        skip = len(flag) + (raw[len(flag)] == "=")
        return _unquote(raw[skip:], start + skip)
    return _unquote(*words[i + 1]) if i + 1 < len(words) else None


def _program_secrets(program: str, words: list[tuple[str, int]]) -> list[SecretMatch]:
    """Secrets passed through one program's own flags or positional arguments."""
    names = [_unquote(*w)[0] for w in words]
    found: list[SecretMatch] = []
    for i, name in enumerate(names):
        given: tuple[str, int] | None = None
        # mysql reads "-p X" as "prompt, then use database X"; only "-pX" holds a password.
        if name.startswith("-p") and (program in ("login", "sshpass")
                                      or (program == "mysql" and len(name) > 2)):
            given = _after_flag(words, i, "-p")
        elif program == "curl" and name.startswith(("-u", "-U", "--user", "--proxy-user")):
            flag = name.split("=", 1)[0] if name.startswith("--") else name[:2]
            given = _after_flag(words, i, flag) if flag in ("-u", "-U", "--user",
                                                            "--proxy-user") else None
            # Only "user:password" carries a secret; a bare user name makes curl prompt.
            cut = given[0].find(":") + 1 if given else 0
            given = (given[0][cut:], given[1] + cut) if given and cut else None
        if given and not given[0].startswith("-"):
            found += _hit(PASSWORD_FLAG, *given)
    if program == "htpasswd" and any(n.startswith("-") and "b" in n for n in names):
        positional = [w for w, n, prev in zip(words[1:], names[1:], names, strict=False)
                      if not n.startswith("-") and prev != "-C"]
        found += _hit(PASSWORD_FLAG, *_unquote(*positional[-1])) if len(positional) >= 2 else []
    if program == "aws" and names[1:3] == ["configure", "set"]:
        rest = [w for w, n, prev in zip(words[3:], names[3:], names[2:], strict=False)
                if not n.startswith("-") and prev != "--profile"]
        if len(rest) > 1 and _unquote(*rest[0])[0].endswith(("aws_secret_access_key",
                                                              "aws_session_token")):
            found += _hit(_AWS_KIND, *_unquote(*rest[1]))
    return found


def _piped_secrets(flat: str, start: int, words: list[tuple[str, int]]) -> list[SecretMatch]:
    """Passwords echoed into ``docker login --password-stdin``, ``chpasswd`` or ``passwd``."""
    names = {w for w, _ in words}
    before = flat[:start].rstrip()
    if not before.endswith("|") or before.endswith("||"):
        return []
    source = _segment(flat, _command_start(flat, len(before) - 1))
    args = [w for w in source[1:] if not w[0].startswith("-")]
    if not source or source[0][0].rsplit("/", 1)[-1] not in ("echo", "printf") or not args:
        return []
    text, at = _unquote(*args[-1])
    text = text.removesuffix("\\n")
    if "--password-stdin" in names or (words[0][0] == "passwd" and "--stdin" in names):
        return _hit(PASSWORD_FLAG, text, at)
    if words[0][0] == "chpasswd" and not {"-e", "--encrypted"} & names and ":" in text:
        line = text.split("\\n", 1)[0]
        return _hit(PASSWORD_FLAG, line.split(":", 1)[1], at + line.index(":") + 1)
    return []


def _command_line_secrets(script: str) -> list[SecretMatch]:
    """Secrets handed to programs in a shell script through flags, pipes or arguments."""
    # Same length as the script, so offsets agree, with line continuations flattened.
    flat = script.replace("\\\n", "  ")
    found = _option_flags(script, flat) if "--" in script else []
    lowered = script.lower()
    for pattern, kind, hints in _CONTEXT_PATTERNS:
        if any(h in lowered for h in hints):
            found += [s for m in pattern.finditer(script) if _starts_word(script, m.start())
                      for s in _hit(kind, m.group("v"), m.start("v"))]
    for hints, program in _PROGRAMS:
        if not any(h in script for h in hints):
            continue
        for m in program.finditer(flat):
            if not _starts_word(flat, m.start()):
                continue
            words = _segment(flat, m.start())
            name = m.group()
            family = ("login" if re.fullmatch(_LOGIN_TOOLS, name) else
                      "mysql" if re.fullmatch(_MYSQL_TOOLS, name) else
                      "curl" if name == "wget" else name)
            if family != "login" or "login" in [w for w, _ in words[1:4]]:
                found += _program_secrets(family, words) + _piped_secrets(flat, m.start(), words)
    return found


def find_command_secrets(script: str) -> list[SecretMatch]:
    """Secrets in a RUN script: literal values plus passwords and tokens given to commands."""
    return _without_overlaps(find_secret_values(script) + _command_line_secrets(script))
