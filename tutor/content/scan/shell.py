"""Trivy commands in a ``run:`` script, found the way a shell splits the script.

A script is split at newlines, ``;``, ``&&``, ``||``, ``|`` and ``&``; each simple command that
runs ``trivy`` or ``docker run`` of a Trivy image is returned with its arguments, the
variables Trivy sees (assignments before the command, ``-e`` options of ``docker run``) and
what could swallow its exit status (``||``, a pipe, ``if``, ``set +e``).
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

# `docker run` options that take a value (the rest are switches such as --rm or -it).
DOCKER_VALUES = frozenset({"-e", "--env", "--env-file", "-v", "--volume", "--mount", "-w",
                           "--workdir", "--name", "--network", "--net", "--platform", "-u",
                           "--user", "--entrypoint", "-p", "--publish", "-l", "--label",
                           "--add-host", "--cap-add", "--cap-drop", "--security-opt",
                           "--tmpfs", "--ulimit", "-m", "--memory", "--cpus", "--pull",
                           "--runtime", "-h", "--hostname", "--ipc", "--pid", "--log-driver",
                           "--log-opt", "--device", "--group-add", "--dns", "--cidfile",
                           "--shm-size", "--stop-signal", "--restart", "--label-file"})

def is_trivy_image(image: str) -> bool:
    """``aquasec/trivy``, ``ghcr.io/aquasecurity/trivy`` and mirrors, at any tag or digest."""
    repo = image.partition("@")[0]
    last = repo.rsplit("/", 1)[-1]
    return last.partition(":")[0].lower() == "trivy"


@dataclass(frozen=True, slots=True)
class ShellCommand:
    """A Trivy command in a ``run:`` script, and what could swallow its exit status."""

    how: str  # "trivy" or "docker"
    args: list[str]
    env: dict[str, str]
    guard: str = ""


def trivy_commands(script: str, env: Mapping[str, str]) -> Iterator[ShellCommand]:
    """Each ``trivy …`` or ``docker run <trivy image> …`` command in a ``run:`` script."""
    for words, guard in _commands(script):
        local = dict(env)
        while words and "=" in words[0] and not words[0].startswith(("-", "=")):
            name, _, value = words.pop(0).partition("=")
            local[name] = value
        if not words:
            continue
        program = posixpath.basename(words[0])
        if program == "trivy":
            yield ShellCommand("trivy", words[1:], local, guard)
        elif program in ("docker", "podman"):
            found = _docker_trivy(words[1:], local)
            if found is not None:
                yield ShellCommand("docker", found[0], found[1], guard)


def trivy_images(script: str) -> list[str]:
    """The Trivy images a ``run:`` script starts or pulls with docker or podman."""
    images: list[str] = []
    for words, _guard in _commands(script):
        if not words or posixpath.basename(words[0]) not in ("docker", "podman"):
            continue
        rest = words[2:] if words[1:2] == ["container"] else words[1:]
        if rest[:1] == ["pull"]:
            images += [w for w in rest[1:] if not w.startswith("-") and is_trivy_image(w)]
        elif rest[:1] == ["run"]:
            found = _docker_image(rest)
            if found is not None and is_trivy_image(rest[found]):
                images.append(rest[found])
    return images


def ignorefile_args(args: list[str]) -> list[str]:
    """The values of ``--ignorefile`` in Trivy's arguments."""
    names: list[str] = []
    for index, word in enumerate(args):
        flag, has_value, value = word.partition("=")
        if flag == "--ignorefile":
            if has_value:
                names.append(value)
            elif index + 1 < len(args):
                names.append(args[index + 1])
    return names


def _docker_image(words: list[str]) -> int | None:
    """The index of the image in ``run [options] IMAGE args…``."""
    index = 1
    while index < len(words) and words[index].startswith("-"):
        option, has_value, _ = words[index].partition("=")
        index += 2 if option in DOCKER_VALUES and not has_value else 1
    return index if index < len(words) else None


def _docker_trivy(words: list[str], env: Mapping[str, str]
                  ) -> tuple[list[str], dict[str, str]] | None:
    """Trivy's arguments and variables in ``docker run [options] IMAGE args…``."""
    if words[:1] == ["container"]:
        words = words[1:]
    if words[:1] != ["run"]:
        return None
    inside: dict[str, str] = {}
    index = 1
    while index < len(words) and words[index].startswith("-"):
        option, has_value, value = words[index].partition("=")
        index += 1
        if option in DOCKER_VALUES and not has_value:
            value = words[index] if index < len(words) else ""
            index += 1
        if option in ("-e", "--env"):
            name, assigned, given = value.partition("=")
            if assigned:
                inside[name] = given
            elif name in env:
                inside[name] = env[name]
        elif option == "--env-file":
            inside[""] = f"--env-file {value}"
    if index >= len(words) or not is_trivy_image(words[index]):
        return None
    return words[index + 1:], inside


def _commands(script: str) -> Iterator[tuple[list[str], str]]:
    """The simple commands of a shell script, split at newlines, ``;``, ``&&``, ``||``, ``|``
    and ``&``, each with what could swallow its exit status (``""`` when nothing can)."""
    errexit_off = ""
    joined = script.replace("\\\n", " ")
    for line in joined.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            tokens = list(lexer)
        except ValueError:
            continue  # unbalanced quotes: the shell would refuse the line too
        parts: list[list[str] | str] = []  # commands and the operators between them
        for token in tokens:
            if token and set(token) <= set(";&|"):
                parts.append(token)
            elif parts and isinstance(parts[-1], list):
                parts[-1].append(token)
            else:
                parts.append([token])
        for index, part in enumerate(parts):
            if isinstance(part, str):
                continue
            before = parts[index - 1] if index > 0 else ";"
            after = parts[index + 1] if index + 1 < len(parts) else ";"
            guard = errexit_off
            for operator in (before, after):
                if isinstance(operator, str) and operator not in (";", ";;") and not guard:
                    guard = f"`{operator}`"
            if part[0] in ("if", "elif", "while", "until", "!") and len(part) > 1:
                guard = guard or f"`{part[0]}`"
                part = part[1:]
            if part[:2] in (["set", "+e"], ["set", "+o"]):
                errexit_off = "`set +e`"
            yield part, guard
