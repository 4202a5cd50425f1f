"""Facts about what a Dockerfile builds: its command, the packages it installs, its secret mounts.

Exercise goals use them to tell a real fix from deleting the substance of the file.
"""

from __future__ import annotations

import json
import re
import shlex

from tutor.analysis.model import Instruction, Stage
from tutor.analysis.shell import pipelines, program, run_scripts


def effective_command(chain: list[Stage]) -> list[str]:
    """ENTRYPOINT plus CMD of the final image, as words; an ENTRYPOINT resets inherited CMD."""
    entrypoint: list[str] = []
    cmd: list[str] = []
    for stage in chain:
        stage_entry = _last(stage, "ENTRYPOINT")
        stage_cmd = _last(stage, "CMD")
        if stage_entry is not None:
            entrypoint = _argv(stage_entry)
            if stage_cmd is None:
                cmd = []
        if stage_cmd is not None:
            cmd = _argv(stage_cmd)
    return entrypoint + cmd


def _last(stage: Stage, keyword: str) -> Instruction | None:
    return next((i for i in reversed(stage.instructions) if i.keyword == keyword), None)


def _argv(inst: Instruction) -> list[str]:
    """An exec-form JSON array as is; shell form split into words as the shell would."""
    value = inst.value.strip()
    if value.startswith("["):
        try:
            words = json.loads(value)
        except ValueError:
            words = None
        if isinstance(words, list) and all(isinstance(w, str) for w in words):
            return words
    try:
        return shlex.split(value)
    except ValueError:
        return value.split()


_INSTALLERS = {"apt-get": "install", "apt": "install", "apk": "add", "dnf": "install",
               "yum": "install", "microdnf": "install", "pip": "install", "pip3": "install"}
_VERSION = re.compile(r"(==|>=|<=|~=|!=|=|>|<|\[).*$")


def installed_packages(chain: list[Stage]) -> set[str]:
    """Package names the stages' RUNs install with a system or Python package manager."""
    names: set[str] = set()
    for stage in chain:
        for inst in stage.instructions:
            if inst.keyword != "RUN":
                continue
            for script in run_scripts(inst):
                for pipeline in pipelines(script):
                    for command in pipeline:
                        names.update(installed_by(command))
    return names


def installed_by(command: list[str]) -> list[str]:
    """The package names one command installs (none when it installs nothing)."""
    name = program(command)
    words = command[1:]
    if name in ("python", "python3") and words[:2] == ["-m", "pip"]:
        name, words = "pip", words[2:]
    verb = _INSTALLERS.get(name)
    if verb is None:
        return []
    args = [w for w in words if not w.startswith("-")]
    if not args or args[0] != verb:
        return []
    return [_VERSION.sub("", a).lower() for a in args[1:] if _VERSION.sub("", a)]


def secret_mount_ids(instructions: list[Instruction]) -> set[str]:
    """The ids of the BuildKit secrets that RUN instructions mount."""
    ids: set[str] = set()
    for inst in instructions:
        if inst.keyword != "RUN":
            continue
        for word in inst.value.split():
            if not word.startswith("--"):
                break
            if not word.startswith("--mount="):
                continue
            options: dict[str, str] = {}
            for part in word[len("--mount="):].strip("'\"").split(","):
                key, _, val = part.partition("=")
                options[key.strip().lower()] = val.strip()
            if options.get("type") != "secret":
                continue
            secret_id = options.get("id") or options.get("target", "").rsplit("/", 1)[-1]
            if secret_id:
                ids.add(secret_id)
    return ids
