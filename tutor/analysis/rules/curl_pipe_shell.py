"""HT502: a download piped straight into a shell or interpreter."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule
from tutor.analysis.shell import SHELLS, Pipeline, program

_DOWNLOADERS = frozenset({"curl", "wget", "fetch"})
_INTERPRETERS = SHELLS | {"python", "python3", "python2", "perl", "ruby", "node", "php", "sudo"}
# Programs that run a word given to them as code: `sh -c "$(curl …)"`, `bash <(curl …)`,
# `. <(wget …)`; `eval "$(curl …)"` reaches here as the bare substitution (eval is a wrapper).
_RUNNERS = _INTERPRETERS | {".", "source"}
# A word that *is* a download's output. A substitution inside a word, such as the version in
# ``curl -LO https://…/release/`curl -s …/stable.txt`/kubectl``, only builds that word.
_SUBSTITUTED = re.compile(r"^(?:\$\(|<\(|`)\s*(?:curl|wget)\b")


class CurlPipeShell(DockerfileRule):
    """A RUN pipes a download from curl or wget straight into a shell or interpreter.

    Why:
        The script runs as whatever user the build step has, usually root, and nothing
        checks what was downloaded. A compromised server, a hijacked domain or a
        truncated transfer executes arbitrary code in your build, and the next build may
        fetch something else entirely.

    Failing:
        FROM debian:13-slim
        RUN curl -fsSL https://example.com/install.sh | sh
        USER 10001

    Passing:
        FROM debian:13-slim
        RUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \
            && echo "24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d  /tmp/install.sh" | sha256sum -c - \
            && sh /tmp/install.sh
        USER 10001

    Fix:
        Download to a file, verify a published checksum or signature, then run it; better,
        install a versioned package from the distribution or a pinned release artifact.
    """

    id = "HT502"
    name = "curl-pipe-shell"
    topic = Topic.SCANNING
    severity = Severity.WARNING
    lesson = "scanning"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag pipelines from a downloader into an interpreter, and substituted downloads."""
        for inst in ctx.instructions("RUN"):
            for _, script_pipelines in ctx.shell(inst):
                message = _piped(script_pipelines)
                if message:
                    yield self.at(inst, message)
                    break


def _piped(script_pipelines: list[Pipeline]) -> str | None:
    """A message when the script runs downloaded code unchecked, else None."""
    for pipeline in script_pipelines:
        names = [program(c) for c in pipeline]
        for i, name in enumerate(names):
            if name in _DOWNLOADERS:
                runner = next((n for n in names[i + 1 :] if n in _INTERPRETERS), None)
                if runner:
                    return (f"{name} output is piped into {runner}: the downloaded code runs "
                            f"unchecked, so whoever controls the server or the network path "
                            f"runs code in your build.")
    for pipeline in script_pipelines:
        for command in pipeline:
            runs_it = _SUBSTITUTED.match(command[0]) or (
                program(command) in _RUNNERS
                and any(_SUBSTITUTED.match(word) for word in command[1:]))
            if runs_it:
                return ("a download is executed directly through command substitution: the "
                        "code runs unchecked, so whoever controls the server runs code in "
                        "your build.")
    return None
