"""What a RUN fetches from the network, what it does with it, and what checks it (HT504).

Three kinds of fetch are read: a file saved by curl or wget, ``go get``/``go install`` of a
module, and ``git clone``. A fetch matters when what it brought is installed or run: the
file is made executable, installed, moved into a bin folder, run, extracted into a bin
folder or installed as a package; the clone is built; the Go module is built by the
command itself. It is verified when the same RUN checks a checksum or a signature, and
pinned when the Go version or git ref names a release or commit rather than a branch.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from tutor.analysis.lazyre import LazyPattern
from tutor.analysis.shell import SHELLS, Command, pipelines, program

_URL = LazyPattern(r"^(?:https?|ftp)://", re.IGNORECASE)
# A checksum or signature check anywhere in the RUN counts for every download in it.
_VERIFIED = LazyPattern(
    r"\b(?:sha(?:1|224|256|384|512)sum|shasum|md5sum|b2sum|gpgv|minisign|signify"
    r"|slsa-verifier)\b|\bgpg2?\b[^\n;&|]*--verify|\bcosign\s+verify|\bgit\s+verify-(?:tag|commit)"
    r"|\bopenssl\s+dgst\b[^\n;&|]*-verify|\brpm\s+(?:-K|--checksig)\b", re.IGNORECASE)
_INTERPRETERS = SHELLS | {"python", "python2", "python3", "perl", "ruby", "node", "php"}
_PACKAGE_FROM_FILE = {"dpkg": ("-i", "--install"), "rpm": ("-i", "-U", "-ivh", "-Uvh", "-iv",
                                                           "-Uv", "--install", "--upgrade")}
_INSTALL_VERBS = {"apt-get": "install", "apt": "install", "yum": "install", "dnf": "install",
                  "microdnf": "install", "zypper": "install"}
_BUILDERS = frozenset({"make", "cmake", "ninja", "meson", "go", "xx-go", "cargo", "mvn", "mvnw",
                       "gradle", "gradlew", "npm", "yarn", "pnpm", "pip", "pip3", "python",
                       "python2", "python3", "bazel", "configure", "autogen.sh", "bootstrap",
                       "dotnet", "msbuild", "composer", "bundle", "gem", "rake", "ant", "sbt",
                       "lein", "stack", "cabal", "node"})
# Refs that move: the default branch names; a ref with no digit at all is taken as a branch.
_MOVING = frozenset({"master", "main", "trunk", "develop", "development", "dev", "devel", "head",
                     "latest", "stable", "next", "nightly", "edge", "unstable", "default",
                     "upgrade", "patch"})
_COMMIT = LazyPattern(r"^[0-9a-f]{7,40}$")
MADE_EXECUTABLE = "makes it executable"


@dataclass(frozen=True, slots=True)
class Fetch:
    """Something a command fetches: ``what`` names it in a message."""

    kind: str  # "file", "go" or "git"
    tool: str
    what: str
    path: str | None = None  # the saved file, or the clone's folder
    moving: str | None = None  # why the version moves, for go and git


def is_moving(ref: str | None) -> bool:
    """A branch (or no ref at all), not a release tag, version or commit."""
    if ref is None:
        return True
    if "$" in ref or "%" in ref:
        return False
    if _COMMIT.match(ref):
        return False
    return ref.lower() in _MOVING or not any(c.isdigit() for c in ref)


def verified(script: str) -> bool:
    """The RUN checks a checksum or a signature somewhere."""
    return bool(_VERIFIED.search(script))


def fetch_of(words: Command) -> Fetch | None:
    """The fetch a simple command makes, if it is curl or wget saving a file, go or git."""
    name = program(words)
    if name == "curl":
        return _curl(words)
    if name == "wget":
        return _wget(words)
    if name in ("go", "xx-go"):
        return _go(words)
    if name == "git" and len(words) > 1 and "clone" in words[1:3]:
        return _clone(words)
    return None


def _curl(words: Command) -> Fetch | None:
    url = next((w for w in words[1:] if _URL.match(w)), None)
    if url is None:
        return None
    output: str | None = None
    remote_name = False
    for index, word in enumerate(words[1:], 1):
        following = words[index + 1] if index + 1 < len(words) else None
        if word in ("--output", "-o"):
            output = following
        elif word.startswith("--output="):
            output = word.split("=", 1)[1]
        elif word in ("--remote-name", "-O"):
            remote_name = True
        elif word.startswith("-") and not word.startswith("--") and len(word) > 2:
            letters = word[1:]
            if "o" in letters:
                after = letters[letters.index("o") + 1:]
                output = after or following
            if "O" in letters:
                remote_name = True
    if output is None and remote_name:
        output = _url_name(url)
    if output in (None, "-", "/dev/null"):
        return None
    return Fetch("file", "curl", url, output)


def _wget(words: Command) -> Fetch | None:
    url = next((w for w in words[1:] if _URL.match(w)), None)
    if url is None:
        return None
    output: str | None = None
    folder = ""
    for index, word in enumerate(words[1:], 1):
        following = words[index + 1] if index + 1 < len(words) else None
        if word.startswith("--output-document="):
            output = word.split("=", 1)[1]
        elif word == "--output-document":
            output = following
        elif word.startswith("--directory-prefix="):
            folder = word.split("=", 1)[1]
        elif word == "--directory-prefix":
            folder = following or ""
        elif word.startswith("-") and not word.startswith("--"):
            letters = word[1:]
            for key in "OP":
                if key in letters:
                    after = letters[letters.index(key) + 1:]
                    value = after or following or ""
                    if key == "O":
                        output = value
                    else:
                        folder = value
    if output is None:
        output = posixpath.join(folder, _url_name(url)) if folder else _url_name(url)
    if output in ("", "-", "/dev/null"):
        return None
    return Fetch("file", "wget", url, output)


def _url_name(url: str) -> str:
    """The file name curl -O and wget give a URL: the last path segment."""
    path = re.sub(r"^[a-z]+://[^/]*", "", url, flags=re.IGNORECASE).split("?", 1)[0]
    return path.rstrip("/").rsplit("/", 1)[-1]


def _go(words: Command) -> Fetch | None:
    verb_at = next((i for i, w in enumerate(words[1:], 1) if not w.startswith("-")), None)
    if verb_at is None or words[verb_at] not in ("get", "install"):
        return None
    verb = words[verb_at]
    for word in words[verb_at + 1:]:
        if word.startswith("-"):
            continue
        module, _, version = word.partition("@")
        first = module.split("/", 1)[0]
        if "." not in first or first.startswith("."):
            continue  # a local package, a pattern such as ./..., or a tool name
        if not version and verb == "install":
            continue  # builds the main module's own requirement, pinned by go.mod
        if is_moving(version or None):
            why = f"@{version}" if version else "no version, so the newest"
            return Fetch("go", f"go {verb}", module, moving=why)
    return None


_CLONE_VALUED = frozenset({"-b", "--branch", "-o", "--origin", "-c", "--config", "--depth",
                           "--reference", "--reference-if-able", "--separate-git-dir", "-j",
                           "--jobs", "--filter", "--template", "-u", "--upload-pack",
                           "--shallow-since", "--shallow-exclude", "--server-option"})


def _clone(words: Command) -> Fetch | None:
    start = words.index("clone") + 1
    branch: str | None = None
    positional: list[str] = []
    i = start
    while i < len(words):
        word = words[i]
        key, eq, value = word.partition("=")
        if word.startswith("--") and eq:
            if key == "--branch":
                branch = value
        elif word in _CLONE_VALUED:
            if word in ("-b", "--branch") and i + 1 < len(words):
                branch = words[i + 1]
            i += 1
        elif not word.startswith("-"):
            positional.append(word)
        i += 1
    if not positional:
        return None
    url = positional[0]
    folder = positional[1] if len(positional) > 1 else \
        _url_name(url).removesuffix(".git")
    why = f"branch {branch}" if branch else "its default branch"
    return Fetch("git", "git clone", url, folder, moving=why if is_moving(branch) else None)


def checkout_ref(words: Command) -> str | None:
    """The ref of ``git checkout REF``, ``git reset --hard REF`` or ``git switch REF``."""
    if program(words) != "git":
        return None
    rest = [w for w in words[1:] if not w.startswith("-")]
    if "-C" in words:
        rest = rest[1:]
    if len(rest) >= 2 and rest[0] in ("checkout", "reset", "switch"):
        return rest[-1]
    return None


def pins(words: Command) -> bool:
    """``git checkout REF`` or ``git reset --hard REF`` to a tag, version or commit."""
    ref = checkout_ref(words)
    return ref is not None and not is_moving(ref)


def same_file(word: str, path: str) -> bool:
    """``word`` names the saved file (``./x`` and ``x`` alike; a bare name matches by name)."""
    a, b = word.removeprefix("./"), path.removeprefix("./")
    if a == b:
        return True
    if "/" in a and "/" in b:
        return False
    return bool(a) and posixpath.basename(a) == posixpath.basename(b)


def in_bin(path: str) -> bool:
    """A path inside a folder named bin or sbin (where programs on PATH live)."""
    parent = posixpath.basename(posixpath.dirname(path.rstrip("/")))
    return parent in ("bin", "sbin")


def is_bin(path: str) -> bool:
    """A folder named bin or sbin."""
    return posixpath.basename(path.rstrip("/")) in ("bin", "sbin")


# Words before the command proper: `sudo`, shell keywords, VAR=value.
_LEADING = frozenset({"sudo", "if", "elif", "while", "until", "then", "do", "else", "!",
                      "time", "nice", "exec", "env"})
_ASSIGNMENT = LazyPattern(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _unwrap(words: Command) -> Command:
    """The command a keyword, ``sudo`` (and its flags) or assignments lead into."""
    i = 0
    while i < len(words) and (words[i] in _LEADING or _ASSIGNMENT.match(words[i])
                              or (i and words[i - 1] == "sudo" and words[i].startswith("-"))):
        i += 1
    return words[i:]


def use_of(words: Command, path: str) -> str | None:
    """How this command installs or runs the saved file ``path``, if it does."""
    words = _unwrap(words)
    if not words:
        return None
    name = program(words)
    args = words[1:]
    if name in SHELLS and len(args) >= 2 and args[0] == "-c":
        inner = [use_of(w, path) for p in pipelines(args[1]) for w in p]
        return next((u for u in inner if u), None)
    mentions = [w for w in args if same_file(w, path)]
    if same_file(words[0], path):
        return "runs it"
    if name in _INTERPRETERS:
        script = next((w for w in args if not w.startswith("-")), None)
        if script is not None and same_file(script, path):
            return f"runs it with {name}"
    if not mentions:
        return None
    if name == "chmod" and _grants_execute(args):
        return MADE_EXECUTABLE
    if name == "install":
        return "installs it"
    if name in ("mv", "cp") and args and same_file(args[-2] if len(args) > 1 else "", path):
        target = args[-1]
        if is_bin(target) or in_bin(target):
            return f"moves it into {posixpath.dirname(target.rstrip('/')) if in_bin(target) else target}"
    if name in _PACKAGE_FROM_FILE and any(a in _PACKAGE_FROM_FILE[name] for a in args):
        return f"installs it with {name}"
    if _INSTALL_VERBS.get(name) in args:
        return f"installs it with {name}"
    if name == "apk" and "--allow-untrusted" in args:
        return "installs it with apk --allow-untrusted"
    if name == "tar" and any(is_bin(d) for d in extraction_dirs(words)):
        return "extracts it into a bin folder"
    if name == "unzip" and "-d" in args and is_bin(args[args.index("-d") + 1]
                                                    if args.index("-d") + 1 < len(args) else ""):
        return "extracts it into a bin folder"
    return None


def extraction_dirs(words: Command) -> list[str]:
    """The folders a tar command extracts into (``-C``, ``--directory``)."""
    found: list[str] = []
    for index, word in enumerate(words):
        if word in ("-C", "--directory") and index + 1 < len(words):
            found.append(words[index + 1])
        elif word.startswith("--directory="):
            found.append(word.split("=", 1)[1])
    return found


def _grants_execute(args: list[str]) -> bool:
    """A chmod mode that adds execute permission."""
    mode = next((a for a in args if not a.startswith("-") or re.match(r"^-[rwxXst]+$", a)), "")
    if re.match(r"^[0-7]{3,4}$", mode):
        return any(int(d) & 1 for d in mode[-3:])
    return any(op in "+=" and "x" in perms.lower()
               for op, perms in re.findall(r"([-+=])([rwxXst]*)", mode))


def builds(words: Command, folder: str | None) -> bool:
    """The command builds, installs or runs code (a cloned folder's, for git)."""
    name = program(words)
    if name in _BUILDERS or name.endswith((".sh", "configure", "gradlew")):
        return True
    first = words[0] if words else ""
    return bool(folder) and (first.startswith("./") or
                             (folder is not None and first.startswith(folder.rstrip("/") + "/")))
