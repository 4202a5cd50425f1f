"""What the secret-write analysis shares: a write, a removal, and which words carry a secret.

A secret here has no literal form: it is a build argument or a BuildKit secret, known by a
variable name (``$TOKEN``) or a file path (``/run/secrets/npm``). ``secret_writes`` walks a
script with these; ``secret_tools`` knows the programs that save credentials themselves.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from dataclasses import dataclass

from tutor.analysis.lazyre import LazyPattern
from tutor.analysis.secret_names import is_secret_name

# ``$NAME`` or ``${NAME…}``; ``${#NAME}`` is a length, not the value.
REFERENCE = LazyPattern(r"\$(?:\{(?!#)([A-Za-z_]\w*)[^}]*\}?|([A-Za-z_]\w*))")
# Marks for ``>`` and ``<`` the shell takes literally (see ``secret_writes``).
GT, LT = "\x02", "\x03"
_UNMARK = str.maketrans({GT: ">", LT: "<"})
# Credential positions in written text: a key named like a secret (``_authToken=``,
# ``"auth": "``, ``password = ``), an XML element, a password word, an auth header, or
# the user information of a URL.
_KEY_BEFORE = LazyPattern(r"([A-Za-z0-9_-]+)[\"']?[ \t]*[:=][ \t]*[\"']?$")
_ELEMENT_BEFORE = LazyPattern(r"<([A-Za-z_][\w.-]*)>[ \t]*$")
_WORD_BEFORE = LazyPattern(r"(?i)\b(?:password|passwd|passphrase|token|secret)[ \t]+[\"']?$")
_HEADER_BEFORE = LazyPattern(r"(?i)(?:authorization:[ \t]*(?:bearer|basic|token|bot)[ \t]+"
                            r"|(?:private-token|x-api-key|x-auth-token|job-token):[ \t]*)$")
_USERINFO_BEFORE = LazyPattern(r"://[^\s/@'\"]*$")
_USERINFO_AFTER = LazyPattern(r"[^\s/'\"]*@")


@dataclass(frozen=True, slots=True)
class Write:
    """A file a script writes a secret into."""

    # The path as the script names it (``~/.npmrc``, ``.npmrc``, ``$HOME/.netrc``).
    destination: str
    # What writes it: ``echo >``, ``tee``, ``cp``, ``npm config set``, ``docker login``.
    how: str
    # The secrets it holds: variable names given to the scan, or secret file paths.
    origins: tuple[str, ...]
    # Those of the origins that land where a credential goes (``_authToken=$T``).
    credentials: tuple[str, ...] = ()
    # The setting a config tool writes, so that its own ``unset`` can undo it.
    key: str = ""
    # Deleted again by a later command of the same script.
    removed: bool = False


@dataclass(frozen=True, slots=True)
class Removal:
    """Something a command deletes: paths (``rm``), or a tool's saved setting (``logout``)."""

    paths: tuple[str, ...] = ()
    tool: str = ""
    key: str = ""

    def undoes(self, write: Write) -> bool:
        """Whether this removal takes the written secret back out of the file system."""
        if any(removes(target, write.destination) for target in self.paths):
            return True
        return bool(self.tool) and write.how == self.tool and self.key in ("", write.key)


@dataclass(frozen=True, slots=True)
class Scan:
    """The secrets a script can reach: variables (each with the secrets it holds) and files."""

    # Variable name to the given origins whose value it holds (``V=$(cat /run/secrets/x)``).
    variables: dict[str, tuple[str, ...]]
    paths: frozenset[str]

    def value_origins(self, word: str) -> list[str]:
        """Secrets in a word's expansion: ``$TOKEN`` or ``$(cat /run/secrets/npm)``."""
        found = [origin for match in REFERENCE.finditer(word)
                 for origin in self.variables.get(match.group(1) or match.group(2), ())]
        if "$(" in word or "`" in word:
            found += sorted((p for p in self.paths if p in word), key=word.index)
        return list(dict.fromkeys(found))

    def path_origins(self, word: str) -> list[str]:
        """Secret files a path argument names: the file itself, a glob, or a folder over it."""
        if not word or word in (".", "/"):
            return []
        folder = word.rstrip("/") + "/"
        return [path for path in sorted(self.paths)
                if word == path or fnmatch.fnmatchcase(path, word) or path.startswith(folder)]

    def credentials(self, text: str) -> list[str]:
        """The origins that text puts where a credential goes (see ``_KEY_BEFORE``)."""
        found: list[str] = []
        text = text.translate(_UNMARK)
        for match in REFERENCE.finditer(text):
            origins = self.variables.get(match.group(1) or match.group(2), ())
            if not origins:
                continue
            before, after = text[max(0, match.start() - 80):match.start()], text[match.end():]
            key = _KEY_BEFORE.search(before)
            element = _ELEMENT_BEFORE.search(before)
            if ((key and is_secret_name(key.group(1)))
                    or (element and is_secret_name(element.group(1)))
                    or _WORD_BEFORE.search(before) or _HEADER_BEFORE.search(before)
                    or (_USERINFO_BEFORE.search(before) and _USERINFO_AFTER.match(after))):
                found += origins
        return list(dict.fromkeys(found))


def removes(target: str, path: str) -> bool:
    """Whether deleting ``target`` deletes the file written at ``path``.

    Loose where the working directory matters: a relative side is compared by its tail,
    so ``rm .npmrc`` removes ``/app/.npmrc``. Erring here means not flagging.
    """
    target, path = _home(target).rstrip("/") or "/", _home(path)
    if not target or not path:
        return False
    if target in ("/", "~"):
        return path.startswith(target)
    if fnmatch.fnmatchcase(path, target) or path.startswith(target + "/"):
        return True
    if target.startswith(("/", "~")) and path.startswith(("/", "~")):
        return False
    tail = target.removeprefix("./")
    rest = path.removeprefix("./")
    return bool(tail) and (rest == tail or rest.endswith("/" + tail)
                           or f"/{tail}/" in f"/{rest}"
                           or fnmatch.fnmatchcase(rest, "*/" + tail))


def _home(path: str) -> str:
    """``$HOME/x``, ``${HOME}/x`` and ``/root/x`` as ``~/x``; normalized."""
    for prefix in ("${HOME}", "$HOME", "/root"):
        if path == prefix or path.startswith(prefix + "/"):
            path = "~" + path[len(prefix):]
            break
    return posixpath.normpath(path) if path else path


def last_segment(key: str) -> str:
    """The last part of a setting's name: ``_authToken`` of ``//registry.npmjs.org/:_authToken``."""
    parts = [p for p in re.split(r"[:/.]", key) if p]
    return parts[-1] if parts else key
