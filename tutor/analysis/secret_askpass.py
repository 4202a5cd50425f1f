"""Passwords in the askpass programs a Dockerfile writes.

Git runs the program named by ``GIT_ASKPASS`` (else ``core.askPass``, else ``SSH_ASKPASS``)
with a prompt as its argument and takes what it prints as the user name or password
(https://git-scm.com/docs/gitcredentials#_requesting_credentials); ssh reads a passphrase
from ``SSH_ASKPASS`` the same way (ssh(1), ENVIRONMENT). A script the Dockerfile writes there
that prints a literal holds that password, in the image, for anyone who reads the file.
"""

from __future__ import annotations

import posixpath
import re

from tutor.analysis.lazyre import LazyPattern
from tutor.analysis.secrets import SecretMatch, usable
from tutor.analysis.shell import pipelines, program

ASKPASS_KIND = "password for git or ssh"

# Where a Dockerfile names its askpass program: a variable or git's setting.
_NAMED = LazyPattern(r"""(?i)(?:\b(?:GIT|SSH)_ASKPASS=|\bcore\.askpass[ \t=]+)["']?"""
                    r"""(?P<p>[^\s"';&|)]+)""")
_VARIABLES = frozenset({"GIT_ASKPASS", "SSH_ASKPASS"})
# An echo or printf of one literal word inside the script text.
_PRINTED = LazyPattern(r"""(?:^|(?<=[\s;&|(]))(?:echo|printf)[ \t]+(?:-[neE]+[ \t]+)?"""
                      r"""(?P<q>["']?)(?P<v>[^\s"'`;&|)\\]+)(?P=q)(?=$|[\s;&|)'"\\])""", re.M)
# The branch of a ``case "$1" in`` that answers the user-name prompt.
_USER_BRANCH = LazyPattern(r"(?i)user(?:name)?[^)\n]*\)[ \t]*$")
_WRITERS = frozenset({"echo", "printf", "cat", "tee"})


def askpass_names(assignments: list[tuple[str, str | None]], scripts: list[str]) -> frozenset[str]:
    """The file names a Dockerfile gives its askpass program, from ENV/ARG and its scripts."""
    paths = [value for name, value in assignments if name.upper() in _VARIABLES and value]
    paths += [m.group("p") for script in scripts for m in _NAMED.finditer(script)]
    return frozenset(posixpath.basename(p.strip("'\"")) for p in paths if p.strip("'\""))


def is_askpass(path: str, names: frozenset[str]) -> bool:
    """Whether a written path is the askpass program: named so, or named by the Dockerfile."""
    name = posixpath.basename(path.strip("'\""))
    return "askpass" in name.lower() or name in names


def written_askpass(script: str, names: frozenset[str]) -> list[str]:
    """The text a RUN script writes into an askpass program with echo, printf, cat or tee."""
    written: list[str] = []
    if "askpass" not in script.lower() and not any(name in script for name in names):
        return written
    for pipeline in pipelines(script):
        for index, command in enumerate(pipeline):
            if program(command) not in _WRITERS:
                continue
            targets = _targets(command)
            if not any(is_askpass(t, names) for t in targets):
                continue
            # `printf … | tee FILE` writes what the command before it prints.
            source = pipeline[index - 1] if program(command) == "tee" and index else command
            written.append(" ".join(w for w in source[1:] if w not in targets
                                    and not w.startswith((">", "-"))))
    return written


def printed_passwords(text: str) -> list[SecretMatch]:
    """Literals an askpass script prints, except its answer to the user-name prompt."""
    found: list[SecretMatch] = []
    # printf and echo -e turn a written \\n into the script's line break.
    text = text.replace("\\n", "\n")
    for m in _PRINTED.finditer(text):
        value = m.group("v")
        if value.startswith("#") or "%" in value or not usable(value):
            continue
        if _USER_BRANCH.search(text[max(0, m.start() - 60):m.start()]):
            continue
        found.append(SecretMatch(ASKPASS_KIND, value, m.start("v"), m.end("v")))
    return found


def _targets(command: list[str]) -> list[str]:
    """The files a command's ``>``/``>>`` redirections, or tee's arguments, write."""
    targets: list[str] = []
    for index, word in enumerate(command):
        if word in (">", ">>") and index + 1 < len(command):
            targets.append(command[index + 1])
        elif word.startswith(">") and word.strip(">"):
            targets.append(word.lstrip(">"))
    if program(command) == "tee":
        targets += [w for w in command[1:] if not w.startswith("-")]
    return targets
