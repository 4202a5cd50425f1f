"""Secrets handed to programs on a command line: flags, headers, pipes and arguments.

Split from ``secrets`` (values in any text) because reading shell commands is its own job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from tutor.analysis.lazyre import LazyPattern
from tutor.analysis.secret_names import is_secret_name, names_no_secret
from tutor.analysis.secret_variables import INDEX_URL_KIND, index_url_tokens, is_index_url
from tutor.analysis.secrets import (
    ENTROPY_KIND,
    TOKEN_CHARS,
    URL_KIND,
    SecretMatch,
    find_secret_values,
    literal_value,
    usable,
    without_overlaps,
)

PASSWORD_FLAG = "password on the command line"
_HEADER_KIND = "credential in an HTTP header"
_NPM_KIND = "npm token on the command line"
_AWS_KIND = "AWS secret on the command line"
_ASSIGNED_KIND = "secret set in a variable"
_OPTION_KINDS = {
    # requirepass and masterauth are Redis's server passwords, given as `redis-server
    # --requirepass x` (https://redis.io/docs/latest/operate/oss_and_stack/management/config/).
    **dict.fromkeys(("password", "passwd", "pass", "http-password", "proxy-password",
                     "ftp-password", "requirepass", "masterauth"), PASSWORD_FLAG),
    **dict.fromkeys(("token", "access-token", "auth-token", "oauth2-bearer"),
                    "token on the command line"),
    **dict.fromkeys(("api-key", "apikey"), "API key on the command line"),
    "client-secret": "client secret on the command line",
    "secret": "secret on the command line",
}
_CONTEXT_KINDS = frozenset({*_OPTION_KINDS.values(), _HEADER_KIND, _NPM_KIND, _AWS_KIND,
                            _ASSIGNED_KIND, URL_KIND, INDEX_URL_KIND})

# Patterns start with a literal and their left edge is checked in code, for speed as above.
_LONG_OPTION = LazyPattern(r"--(?P<o>" + "|".join(sorted(_OPTION_KINDS, key=len, reverse=True))
                          + r""")(?P<eq>=|[ \t]+)(?P<v>"[^"]*"|'[^']*'|[^\s;&|)'"`]+)""")
# pip's and uv's index options, whose URL may carry a token as its user name.
_INDEX_URL_OPTION = LazyPattern(r"--(?:extra-)?index-url(?:=|[ \t]+)[\"']?(?P<v>[^\s'\"`;&|)]+)")
_BUILD_SECRET_SPEC = LazyPattern(r"(?:id|src|source|env|type|required)=")
# Each with literals (lower-cased) that any match contains, tested before the regex runs.
_CONTEXT_PATTERNS: tuple[tuple[LazyPattern, str, tuple[str, ...]], ...] = (
    (LazyPattern(r"(?i)(?:(?:proxy-)?authorization\s*:\s*(?:bearer|basic|token|bot)\s+"
                r"|(?:private-token|x-api-key|x-auth-token|x-access-token)\s*:\s*)"
                r"(?P<v>[^\s'\"\\]+)"), _HEADER_KIND, ("authorization", "-token", "api-key")),
    (LazyPattern(r"(?:_authToken|_auth|_password|npmAuthToken)(?:\s*=\s*|[ \t]+)[\"']?"
                r"(?P<v>[^\s'\"`;|&)]+)"), _NPM_KIND, ("_auth", "_password", "npmauthtoken")),
    (LazyPattern(r"-pass(?:in|out|word)?\s+[\"']?pass:(?P<v>[^\s'\"]+)"), PASSWORD_FLAG,
     ("pass:",)),
)
_SHELL_TOKEN = LazyPattern(r"""
    (?P<comment>(?<![^\s;&|(])\#[^\n]*)
  | (?P<op>&&|\|\||[;&|()\n])
  | (?P<redirect>\d*(?:>>?|<<?-?)&?)
  | (?P<word>(?:\$\((?:[^()]|\([^()]*\))*\)|[^\s'"`\\;&|()<>]|\\[^\n]|'[^']*'|"(?:[^"\\]|\\.)*"
               |`[^`]*`)+)""", re.X)
# `export API_TOKEN=x`, `API_TOKEN=x ./deploy`, or a `.env` line: a name at the start of a
# word (after white space, a separator or a quote), then its value, quoted or not.
_ASSIGNMENT = LazyPattern(r"""(?:^|(?<=[\s;&|(`"']))(?P<n>[A-Za-z_][A-Za-z0-9_]*)="""
                         r"""(?P<v>"[^"\n]*"|'[^'\n]*'|[^\s;&|)'"`]+)""", re.M)
_MYSQL_TOOLS = r"mysql|mariadb|mysqladmin|mysqldump|mysqlimport|mysqlcheck|mariadb-dump"
# Programs whose own flags or stdin carry a secret: a family name, literals the script must
# contain, then the program, looking ahead within its command for the flag that matters.
_IN_COMMAND = r"(?=\s(?:[^;&|\n]*?\s)?"
_PROGRAMS: tuple[tuple[str, tuple[str, ...], LazyPattern], ...] = (
    ("login", ("login",), LazyPattern(
        rf"(?:docker|podman|nerdctl|buildah|skopeo|oras|helm|az|cf){_IN_COMMAND}login\b)")),
    ("sshpass", ("sshpass",), LazyPattern(r"sshpass(?=\s)")),
    ("mysql", ("mysql", "mariadb"), LazyPattern(rf"(?:{_MYSQL_TOOLS}){_IN_COMMAND}-p\S)")),
    ("curl", ("-u", "-U"), LazyPattern(rf"(?:curl|wget){_IN_COMMAND}(?:-[uU]|--(?:proxy-)?user))")),
    ("htpasswd", ("htpasswd",), LazyPattern(r"htpasswd(?=\s)")),
    # sqlcmd -U sa -P PASSWORD, or -PPASSWORD: Microsoft Learn, "sqlcmd Utility" (ms162773),
    # "-U login_id [ -P password ]", with no space needed before an option's value; a
    # lower-case -p prints statistics.
    ("sqlcmd", ("sqlcmd",), LazyPattern(rf"sqlcmd{_IN_COMMAND}-P)")),
    # redis-cli -a PASSWORD (redis-cli --help: "Password to use when connecting to the server").
    ("redis-cli", ("redis-cli",), LazyPattern(rf"redis-cli{_IN_COMMAND}-a\s)")),
    ("aws", ("configure set",), LazyPattern(r"aws(?=\s+configure\s)")),
    ("stdin", ("chpasswd", "--stdin"), LazyPattern(r"(?:chpasswd|passwd)(?=\s|$)")),
)
_CURL_USER_FLAGS = ("-u", "-U", "--user", "--proxy-user")
# A pipe into a program, past words that run the next word as the command (``| sudo x``).
_PIPE_BEFORE = LazyPattern(r"(?<!\|)\|(?:\s*\b(?:sudo|env|exec|command|nohup))*\s*$")


# Kinds known from where a value stands, not from its format: a literal, not a known token.
COMMAND_LINE_KINDS = _CONTEXT_KINDS | {ENTROPY_KIND}


def _starts_word(text: str, pos: int) -> bool:
    """Whether ``pos`` begins a word: not inside a name, a longer option or a file name."""
    return pos == 0 or (text[pos - 1] not in TOKEN_CHARS and text[pos - 1] != ".")


# Which literals count as secrets: ``usable`` leaves placeholders out, ``literal_value``
# (a compose file that is deployed) keeps them.
Counts = Callable[[str], bool]


def _hit(kind: str, text: str, start: int, counts: Counts = usable) -> list[SecretMatch]:
    """A one-item list for a literal that counts, else nothing."""
    return [SecretMatch(kind, text, start, start + len(text))] if counts(text) else []


def _unquote(raw: str, start: int) -> tuple[str, int]:
    """A word without the quotes around it, and where that text starts in the script."""
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1], start + 1
    # Quotes inside a word stay, so that the value is exactly the text at its offsets.
    return raw, start


def _command_start(flat: str, pos: int) -> int:
    """Where the simple command around ``pos`` starts, judged by the nearest separator."""
    return max(flat.rfind(separator, 0, pos) + 1 for separator in ";&|\n(")


def _segment(flat: str, start: int) -> list[tuple[str, int]]:
    """The words, with offsets, of the simple command that begins at ``start``."""
    words: list[tuple[str, int]] = []
    after_redirect = False
    for m in _SHELL_TOKEN.finditer(flat, start):
        if m.lastgroup == "op":
            break
        if m.lastgroup == "word" and not after_redirect:
            words.append((m.group(), m.start()))
        after_redirect = m.lastgroup == "redirect"
    return words


def _option_flags(flat: str, counts: Counts) -> list[SecretMatch]:
    """Values given to ``--password``, ``--token``, ``--api-key`` and similar options."""
    found: list[SecretMatch] = []
    for m in _LONG_OPTION.finditer(flat):
        value, start = _unquote(m.group("v"), m.start("v"))
        program = flat[_command_start(flat, m.start()):m.start()].split()[:1]
        # mysql prompts for a password given without "="; the next word is a database.
        if m.group("eq") != "=" and re.fullmatch(_MYSQL_TOOLS, "".join(program)):
            continue
        if m.group("o") == "secret" and _BUILD_SECRET_SPEC.match(value):
            continue
        if _starts_word(flat, m.start()) and not value.startswith("-"):
            found += _hit(_OPTION_KINDS[m.group("o")], value, start, counts)
    return found


def _after_flag(words: list[tuple[str, int]], i: int, flag: str) -> tuple[str, int] | None:
    """The value of the flag at ``words[i]``: attached, after ``=``, or the next word."""
    raw, start = words[i]
    if raw != flag:
        skip = len(flag) + (raw[len(flag)] == "=")
        return _unquote(raw[skip:], start + skip)
    return _unquote(*words[i + 1]) if i + 1 < len(words) else None


def _flag_of(family: str, name: str) -> str | None:
    """Which of the family's password flags a word is, if any."""
    if family in ("login", "sshpass") and name.startswith("-p"):
        return "-p"
    if family == "redis-cli" and name == "-a":
        return "-a"
    if family == "sqlcmd" and name.startswith("-P"):
        return "-P"
    # mysql reads "-p X" as "prompt, then use database X"; only "-pX" holds a password.
    if family == "mysql" and name.startswith("-p") and len(name) > 2:
        return "-p"
    if family == "curl" and name.split("=", 1)[0] in ("--user", "--proxy-user"):
        return name.split("=", 1)[0]
    return name[:2] if family == "curl" and name[:2] in _CURL_USER_FLAGS else None


def _program_secrets(family: str, words: list[tuple[str, int]],
                     counts: Counts) -> list[SecretMatch]:
    """Secrets passed through one program's own flags or positional arguments."""
    names = [_unquote(*w)[0] for w in words]
    found: list[SecretMatch] = []
    for i, name in enumerate(names):
        flag = _flag_of(family, name)
        given = _after_flag(words, i, flag) if flag else None
        if given and family == "curl":
            # Only "user:password" carries a secret; a bare user name makes curl prompt.
            cut = given[0].find(":") + 1
            given = _unquote(given[0][cut:], given[1] + cut) if cut else None
        if given and not given[0].startswith("-"):
            found += _hit(PASSWORD_FLAG, *given, counts)
    if family == "htpasswd" and any(n.startswith("-") and "b" in n for n in names):
        positional = [w for w, n, prev in zip(words[1:], names[1:], names, strict=False)
                      if not n.startswith("-") and prev != "-C"]
        found += (_hit(PASSWORD_FLAG, *_unquote(*positional[-1]), counts)
                  if len(positional) > 1 else [])
    if family == "aws" and names[1:3] == ["configure", "set"]:
        rest = [w for w, n, prev in zip(words[3:], names[3:], names[2:], strict=False)
                if not n.startswith("-") and prev != "--profile"]
        if len(rest) > 1 and _unquote(*rest[0])[0].endswith(("aws_secret_access_key",
                                                              "aws_session_token")):
            found += _hit(_AWS_KIND, *_unquote(*rest[1]), counts)
    return found


def _piped_secrets(flat: str, start: int, words: list[tuple[str, int]],
                   counts: Counts) -> list[SecretMatch]:
    """Passwords echoed into ``docker login --password-stdin``, ``chpasswd`` or ``passwd``."""
    pipe = _PIPE_BEFORE.search(flat, 0, start)
    source = _segment(flat, _command_start(flat, pipe.start())) if pipe else []
    args = [w for w in source[1:] if not w[0].startswith("-")]
    if not args or source[0][0].rsplit("/", 1)[-1] not in ("echo", "printf"):
        return []
    text, at = _unquote(*args[-1])
    text, names = text.removesuffix("\\n"), {w for w, _ in words}
    if "--password-stdin" in names or (words[0][0] == "passwd" and "--stdin" in names):
        return _hit(PASSWORD_FLAG, text, at, counts)
    if words[0][0] == "chpasswd" and not {"-e", "--encrypted"} & names and ":" in text:
        line = text.split("\\n", 1)[0]
        return _hit(PASSWORD_FLAG, line.split(":", 1)[1], at + line.index(":") + 1, counts)
    return []


def _command_line_secrets(script: str, counts: Counts) -> list[SecretMatch]:
    """Secrets handed to programs in a shell script through flags, pipes or arguments."""
    # Same length as the script, so offsets agree, with line continuations flattened.
    flat = script.replace("\\\n", "  ")
    found = _option_flags(flat, counts) if "--" in script else []
    lowered = script.lower()
    for pattern, kind, hints in _CONTEXT_PATTERNS:
        if any(h in lowered for h in hints):
            found += [s for m in pattern.finditer(flat) if _starts_word(flat, m.start())
                      for s in _hit(kind, m.group("v"), m.start("v"), counts)]
    for family, hints, program in _PROGRAMS:
        if any(h in script for h in hints):
            for m in program.finditer(flat):
                if _starts_word(flat, m.start()):
                    words = _segment(flat, m.start())
                    found += _program_secrets(family, words, counts)
                    found += _piped_secrets(flat, m.start(), words, counts)
    if "index-url" in script:
        found += [s for m in _INDEX_URL_OPTION.finditer(flat)
                  for s in index_url_tokens(m.group("v"), m.start("v"))]
    # Words were read from the flattened copy; report the script's own text at those offsets.
    return [SecretMatch(s.kind, script[s.start:s.end], s.start, s.end) for s in found]


def _assigned_secrets(text: str, counts: Counts = usable) -> list[SecretMatch]:
    """Literal values given to secret-named variables: ``export API_TOKEN=x``, ``.env`` lines."""
    if "=" not in text:
        return []
    found: list[SecretMatch] = []
    for m in _ASSIGNMENT.finditer(text):
        value, start = _unquote(m.group("v"), m.start("v"))
        if is_index_url(m.group("n")):
            found += index_url_tokens(value, start)
        # `key='B97B…'; gpg --recv-keys "$key"`: a bare "key" in a script is a GPG fingerprint.
        if (is_secret_name(m.group("n")) and m.group("n").lower() not in ("key", "keys")
                and not names_no_secret(value)):
            found += _hit(_ASSIGNED_KIND, value, start, counts)
    return found


# Cached by text: the app re-analyses on every edit, and an edit changes one RUN,
# so the others are answered from here. Callers must not modify the result.
@lru_cache(maxsize=4096)
def find_command_secrets(script: str, placeholders: bool = False) -> list[SecretMatch]:
    """Secrets in a RUN script: literal values plus passwords and tokens given to commands.

    With ``placeholders``, a placeholder given as a password (``--password example``) counts
    too, as it does in a compose file that is deployed as it is.
    """
    counts = literal_value if placeholders else usable
    return without_overlaps(find_secret_values(script) + _command_line_secrets(script, counts)
                            + _assigned_secrets(script, counts), _CONTEXT_KINDS)


@lru_cache(maxsize=1024)
def find_written_secrets(text: str) -> list[SecretMatch]:
    """Secrets in a file a Dockerfile writes (``COPY <<EOF .env``): values, NAME=value lines."""
    return without_overlaps(find_secret_values(text) + _assigned_secrets(text), _CONTEXT_KINDS)
