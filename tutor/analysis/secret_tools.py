"""Programs that save a credential to a file themselves: config setters and logins.

``npm config set //registry.npmjs.org/:_authToken "$T"`` writes ``~/.npmrc``, ``docker
login --password-stdin`` writes ``~/.docker/config.json``, ``git clone https://$T@host/r``
keeps the URL in ``r/.git/config``. Each writer returns the file it writes; each remover
(``npm config delete``, ``docker logout``) names the writes it undoes.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from tutor.analysis.secret_flow import Removal, Scan, Write, last_segment
from tutor.analysis.secret_names import is_secret_name
from tutor.analysis.shell import Command, program

Writer = Callable[[str, Command, tuple[str, ...], Scan], list[Write]]

_NPM_FILES = {"npm": "~/.npmrc", "pnpm": "~/.npmrc", "yarn": "~/.yarnrc"}
_PIP_FILES = {"--global": "/etc/pip.conf", "--site": "$VIRTUAL_ENV/pip.conf"}
_GIT_FILES = {"--global": "~/.gitconfig", "--system": "/etc/gitconfig"}
# Where each login keeps what it was given, when no credential helper is configured.
_LOGIN_FILES = {"docker": "~/.docker/config.json", "nerdctl": "~/.docker/config.json",
                "oras": "~/.docker/config.json", "cargo": "~/.cargo/credentials.toml",
                "gh": "~/.config/gh/hosts.yml"}
_CLONE_VALUED = frozenset({"-b", "--branch", "--depth", "-o", "--origin", "-c", "--config",
                           "--reference", "--reference-if-able", "-j", "--jobs", "--filter",
                           "--shallow-since", "--shallow-exclude", "-u", "--upload-pack",
                           "--template", "--separate-git-dir", "--server-option"})
_GIT_GLOBAL_VALUED = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"})
_COMPOSER_AUTH = ("http-basic.", "github-oauth.", "gitlab-token.", "gitlab-oauth.",
                  "bitbucket-oauth.", "bearer.")
_AWS_CREDENTIALS = frozenset({"aws_access_key_id", "aws_secret_access_key",
                              "aws_session_token"})


def _unique(origins: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(origins))


def _plain(words: Command) -> Command:
    return [w for w in words if not w.startswith("-")]


def _setting(how: str, destination: str, key: str, value: str, scan: Scan,
             always: bool = False) -> list[Write]:
    """A ``KEY VALUE`` a config tool saves; a credential when the key or the text says so."""
    origins = _unique(scan.value_origins(key) + scan.value_origins(value))
    if not origins:
        return []
    credentials = origins if always or is_secret_name(last_segment(key)) else \
        _unique([o for o in scan.credentials(f"{key}={value} {key} {value}") if o in origins])
    return [Write(destination, how, origins, credentials, key=key)]


def _pairs(words: Command) -> list[tuple[str, str]]:
    """``KEY VALUE`` or ``KEY=VALUE`` settings, as npm 9 and later accept several."""
    pairs: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        word = words[index]
        if "=" in word:
            key, _, value = word.partition("=")
            pairs.append((key, value))
            index += 1
        else:
            pairs.append((word, words[index + 1] if index + 1 < len(words) else ""))
            index += 2
    return pairs


def _package_config(name: str, args: Command, stdin: tuple[str, ...], scan: Scan) -> list[Write]:
    """``npm config set KEY VALUE`` (and ``npm set``, ``yarn``/``pnpm config set``)."""
    plain = _plain(args[1:])
    if plain[:2] == ["config", "set"]:
        settings = plain[2:]
    elif name != "yarn" and plain[:1] == ["set"]:
        settings = plain[1:]
    else:
        return []
    destination = _NPM_FILES[name]
    if name == "npm" and any(w in ("-g", "--global", "--location=global") for w in args):
        destination = "the global npmrc"
    writes: list[Write] = []
    for key, value in _pairs(settings):
        if name == "yarn" and key[:1].islower() and not key.islower():
            # Yarn 2 and later (npmAuthToken, npmScopes): the project's .yarnrc.yml, or
            # the home one with -H.
            destination = "~/.yarnrc.yml" if any(w in ("-H", "--home") for w in args) \
                else ".yarnrc.yml"
        writes += _setting(f"{name} config set", destination, key, value, scan)
    return writes


def _pip(name: str, args: Command, stdin: tuple[str, ...], scan: Scan) -> list[Write]:
    """``pip config set KEY VALUE``: pip.conf, per user unless ``--global`` or ``--site``."""
    if args[1:3] == ["-m", "pip"]:
        args = [name, *args[3:]]
    plain = _plain(args[1:])
    if plain[:2] != ["config", "set"] or len(plain) < 4:
        return []
    destination = next((f for flag, f in _PIP_FILES.items() if flag in args),
                       "~/.config/pip/pip.conf")
    return _setting("pip config set", destination, plain[2], plain[3], scan)


def _git(name: str, args: Command, stdin: tuple[str, ...], scan: Scan) -> list[Write]:
    """``git config``, ``git clone URL`` and ``git remote add|set-url``: URLs are kept."""
    words = args[1:]
    index = 0
    while index < len(words) and words[index].startswith("-"):
        index += 2 if words[index] in _GIT_GLOBAL_VALUED else 1
    sub, rest = (words[index], words[index + 1:]) if index < len(words) else ("", [])
    if sub == "config":
        return _git_config(rest, scan)
    if sub == "clone":
        operands: Command = []
        skip = False
        for word in rest:
            if skip:
                skip = False
            elif word in _CLONE_VALUED:
                skip = True
            elif not word.startswith("-"):
                operands.append(word)
        if not operands:
            return []
        url = operands[0]
        # The repository's name, never the user information before an ``@``.
        tail = posixpath.basename(url.rstrip("/")).rsplit("@", 1)[-1].rsplit(":", 1)[-1]
        folder = operands[1] if len(operands) > 1 else tail.removesuffix(".git")
        return _url_write(f"{folder or '.'}/.git/config", "git clone", url, scan)
    if sub == "remote" and rest[:1] in (["add"], ["set-url"]):
        operands = _plain(rest[1:])
        return _url_write(".git/config", "git remote", operands[-1], scan) if operands else []
    return []


def _url_write(destination: str, how: str, url: str, scan: Scan) -> list[Write]:
    """A URL a tool keeps, which matters only when a secret is in its user information."""
    credentials = _unique(scan.credentials(url))
    return [Write(destination, how, credentials, credentials)] if credentials else []


def _git_config(words: Command, scan: Scan) -> list[Write]:
    if any(w.startswith(("--unset", "--get", "--list", "--remove", "--rename")) or w == "-l"
           for w in words):
        return []
    destination = ".git/config"
    operands: Command = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in ("-f", "--file"):
            destination = words[index + 1] if index + 1 < len(words) else destination
            index += 2
            continue
        if word.startswith("--file="):
            destination = word.split("=", 1)[1]
        elif word in _GIT_FILES:
            destination = _GIT_FILES[word]
        elif word == "--type":
            index += 1
        elif not word.startswith("-"):
            operands.append(word)
        index += 1
    if operands[:1] == ["set"]:
        operands = operands[1:]
    if len(operands) < 2:
        return []
    return _setting("git config", destination, operands[0], operands[1], scan)


def _login(name: str, args: Command, stdin: tuple[str, ...], scan: Scan) -> list[Write]:
    """``docker login -p``/``--password-stdin``, ``cargo login``, ``gh auth login``, helm."""
    words = args[1:]
    if name == "helm":
        if words[:2] == ["registry", "login"]:
            destination, how = "~/.config/helm/registry/config.json", "helm registry login"
        elif words[:2] == ["repo", "add"]:
            destination, how = "~/.config/helm/repositories.yaml", "helm repo add"
        else:
            return []
    elif name == "gh":
        if words[:2] != ["auth", "login"] or "--with-token" not in words:
            return []
        destination, how = _LOGIN_FILES[name], "gh auth login"
    elif "login" in words[:3]:
        destination, how = _LOGIN_FILES[name], f"{name} login"
    else:
        return []
    origins: list[str] = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in ("-p", "--password"):
            origins += scan.value_origins(following)
        elif word.startswith("--password="):
            origins += scan.value_origins(word.split("=", 1)[1])
        elif word.startswith("-p") and not word.startswith("--") and name != "helm":
            origins += scan.value_origins(word[2:])
    if name == "cargo":
        origins += [o for w in _plain(words[1:]) for o in scan.value_origins(w)]
    if "--password-stdin" in words or name in ("cargo", "gh"):
        origins += stdin
    found = _unique(origins)
    return [Write(destination, how, found, found)] if found else []


def _dotnet(name: str, args: Command, stdin: tuple[str, ...], scan: Scan) -> list[Write]:
    """``dotnet nuget add|update source … --password P``, ``nuget sources add -Password P``."""
    words = args[1:]
    lowered = [w.lower() for w in words]
    if name == "dotnet" and not (lowered[:1] == ["nuget"] and lowered[1:2] in (["add"],
                                                                                ["update"])):
        return []
    if name == "nuget" and lowered[:1] != ["sources"]:
        return []
    destination = "~/.nuget/NuGet/NuGet.Config"
    origins: list[str] = []
    for index, word in enumerate(lowered):
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in ("-p", "--password", "-password"):
            origins += scan.value_origins(following)
        elif word in ("--configfile", "-configfile") and following:
            destination = following
    found = _unique(origins)
    return [Write(destination, "dotnet nuget", found, found)] if found else []


def _poetry_composer(name: str, args: Command, stdin: tuple[str, ...],
                     scan: Scan) -> list[Write]:
    """``poetry config http-basic.X U P``, ``composer config [-g] http-basic.H U P``."""
    plain = _plain(args[1:])
    if plain[:1] != ["config"] or len(plain) < 3 or "--unset" in args:
        return []
    key, values = plain[1], " ".join(plain[2:])
    if name == "poetry":
        if not key.startswith(("http-basic.", "pypi-token.")):
            return _setting("poetry config", "poetry's config.toml", key, values, scan)
        return _setting("poetry config", "poetry's auth.toml", key, values, scan, always=True)
    home = "~/.composer/" if any(w in ("-g", "--global") for w in args) else ""
    if key.startswith(_COMPOSER_AUTH):
        return _setting("composer config", f"{home}auth.json", key, values, scan, always=True)
    return _setting("composer config", f"{home}composer.json", key, values, scan)


def _bundle(name: str, args: Command, stdin: tuple[str, ...], scan: Scan) -> list[Write]:
    """``bundle config [set] gems.example.com USER:PASS``: a source host's credentials."""
    plain = _plain(args[1:])
    if plain[:1] != ["config"]:
        return []
    settings = plain[2:] if plain[1:2] == ["set"] else plain[1:]
    if len(settings) < 2:
        return []
    destination = ".bundle/config" if "--local" in args else "~/.bundle/config"
    host = "." in settings[0] or "__" in settings[0]
    return _setting("bundle config", destination, settings[0], settings[1], scan, always=host)


def _aws(name: str, args: Command, stdin: tuple[str, ...], scan: Scan) -> list[Write]:
    """``aws configure set aws_secret_access_key VALUE``: ~/.aws/credentials."""
    plain = _plain(args[1:])
    if plain[:2] != ["configure", "set"] or len(plain) < 4:
        return []
    key = plain[2]
    credential = last_segment(key).lower() in _AWS_CREDENTIALS
    return _setting("aws configure set", "~/.aws/credentials" if credential else "~/.aws/config",
                    key, plain[3], scan, always=credential)


def _keys(name: str, args: Command, stdin: tuple[str, ...], scan: Scan) -> list[Write]:
    """A key imported into a tool's store: ``gpg --import``, gcloud and kubectl credentials."""
    words = args[1:]
    if name == "gpg" and "--import" in words:
        origins = [o for w in _plain(words) for o in scan.path_origins(w)] + list(stdin)
        return [Write("~/.gnupg", "gpg --import", _unique(origins), _unique(origins))] \
            if origins else []
    if name == "gcloud" and words[:2] == ["auth", "activate-service-account"]:
        files = [w.split("=", 1)[1] for w in words if w.startswith("--key-file=")]
        files += [words[i + 1] for i, w in enumerate(words[:-1]) if w == "--key-file"]
        origins = [o for f in files for o in scan.path_origins(f)]
        return [Write("~/.config/gcloud", "gcloud auth", _unique(origins), _unique(origins))] \
            if origins else []
    if name == "kubectl" and words[:2] == ["config", "set-credentials"]:
        origins = [o for w in words if w.startswith(("--token=", "--password="))
                   for o in scan.value_origins(w.split("=", 1)[1])]
        return [Write("~/.kube/config", "kubectl config", _unique(origins), _unique(origins))] \
            if origins else []
    return []


_WRITERS: dict[str, Writer] = {
    **dict.fromkeys(("npm", "pnpm", "yarn"), _package_config),
    **dict.fromkeys(("pip", "pip3", "python", "python3"), _pip),
    "git": _git,
    **dict.fromkeys(("docker", "nerdctl", "oras", "helm", "cargo", "gh"), _login),
    **dict.fromkeys(("dotnet", "nuget"), _dotnet),
    **dict.fromkeys(("poetry", "composer"), _poetry_composer),
    "bundle": _bundle,
    "aws": _aws,
    **dict.fromkeys(("gpg", "gcloud", "kubectl"), _keys),
}


def tool_writes(args: Command, stdin: tuple[str, ...], scan: Scan) -> list[Write]:
    """The credential files a command writes a secret into, if it is a tool that saves them."""
    name = program(args)
    writer = _WRITERS.get(name)
    return writer(name, args, stdin, scan) if writer else []


def tool_removal(args: Command) -> Removal | None:
    """What a tool's own delete, unset or logout takes back out (``npm config delete KEY``)."""
    name, words = program(args), args[1:]
    plain = _plain(words)
    if name in _NPM_FILES and plain[:1] == ["config"] and plain[1:2] in (
            ["delete"], ["rm"], ["unset"]) and len(plain) > 2:
        return Removal(tool=f"{name} config set", key=plain[2])
    if name in ("pip", "pip3") and plain[:2] == ["config", "unset"] and len(plain) > 2:
        return Removal(tool="pip config set", key=plain[2])
    if name == "git" and "config" in plain:
        after = plain[plain.index("config") + 1:]
        if any(w.startswith("--unset") for w in words) and after:
            return Removal(tool="git config", key=after[0])
        if after[:1] == ["unset"] and len(after) > 1:
            return Removal(tool="git config", key=after[1])
    if name in ("poetry", "composer") and "--unset" in words and len(plain) > 1:
        return Removal(tool=f"{name} config", key=plain[1])
    if name in _LOGIN_FILES and "logout" in plain[:3]:
        return Removal(tool="gh auth login" if name == "gh" else f"{name} login")
    if name == "helm" and plain[:2] == ["registry", "logout"]:
        return Removal(tool="helm registry login")
    if name == "gcloud" and plain[:2] == ["auth", "revoke"]:
        return Removal(tool="gcloud auth")
    return None
