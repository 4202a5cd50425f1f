"""HT504: a download is installed or run with no checksum or signature check."""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tutor.analysis.findings import Finding
from tutor.analysis.image_files import normalize
from tutor.analysis.interrupt import checkpoint
from tutor.analysis.model import Instruction, Severity, Topic
from tutor.analysis.rules._downloads import (
    MADE_EXECUTABLE,
    Fetch,
    builds,
    checkout_ref,
    extraction_dirs,
    fetch_of,
    in_bin,
    is_bin,
    is_moving,
    pins,
    same_file,
    use_of,
    verified,
)
from tutor.analysis.rules._run import env_before, resolved
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule
from tutor.analysis.shell import Command, program

_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")


@dataclass(slots=True)
class _Run:
    """One RUN: its commands (variables filled in where known) and whether it verifies."""

    inst: Instruction
    commands: list[Command]
    pipelines: list[list[Command]]
    verifies: bool
    workdir: str | None  # the WORKDIR in force, when the stage sets one

    def inside(self, folder: str) -> bool:
        """The RUN works in ``folder``: its WORKDIR is there, or a word names a path in it."""
        def within(path: str) -> bool:
            return path == folder or path.startswith(folder.rstrip("/") + "/")
        return (self.workdir is not None and within(self.workdir)) or any(
            within(word) for words in self.commands for word in words)


class DownloadUnverified(DockerfileRule):
    """A downloaded program, package or source tree is used with nothing checking what it is.

    Why:
        `curl -o`, `wget`, `go get` and `git clone` take whatever the server hands over
        at build time. Without a published checksum, a signature or a pinned commit, a
        compromised release, a hijacked domain, a moved branch or a network attacker
        decides what gets installed into the image and run as root during the build.
        Pinning a version in the URL is not enough: the file behind it can be replaced.

    Failing:
        FROM debian:13-slim
        RUN curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.33.1/bin/linux/amd64/kubectl \
            && chmod +x /usr/local/bin/kubectl
        USER 10001

    Passing:
        FROM debian:13-slim
        RUN curl -fsSLo /usr/local/bin/kubectl https://dl.k8s.io/release/v1.33.1/bin/linux/amd64/kubectl \
            && echo "308730aa913e9999d9afdf6f7480956e4ec5138ae47fff7cd9a6502999f7e6a2  /usr/local/bin/kubectl" | sha256sum -c - \
            && chmod +x /usr/local/bin/kubectl
        USER 10001

    Fix:
        Check what you downloaded before using it: compare it with the checksum the
        project publishes (`echo "<sha256>  file" | sha256sum -c -`), verify its signature
        (`gpg --verify`, `cosign verify-blob`), or use `ADD --checksum=sha256:<digest>
        <url>`. Install Go tools at a fixed version (`go install example.com/tool@v1.2.3`,
        which Go's checksum database verifies) and clone a tag or commit
        (`git clone --branch v1.2.3`, or `git checkout <commit>` after the clone).
    """

    id = "HT504"
    name = "download-unverified"
    topic = Topic.SCANNING
    severity = Severity.WARNING
    lesson = "scanning"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """One finding per RUN whose download is installed, run or built unchecked."""
        for stage in ctx.dockerfile.stages:
            runs: list[_Run] = []
            workdir: str | None = None
            for inst in stage.instructions:
                checkpoint()
                if inst.keyword == "WORKDIR":
                    workdir = normalize(inst.text.strip(), workdir or "/")
                elif inst.keyword == "RUN":
                    runs.append(_read(ctx, inst, workdir))
            position = {id(i): k for k, i in enumerate(stage.instructions)}
            for index, run in enumerate(runs):
                checkpoint()
                tail = stage.instructions[position[id(run.inst)] + 1:]
                problems = list(_problems(run, runs[index + 1:], tail))
                if problems:
                    more = f" ({len(problems) - 1} more in this RUN)" if len(problems) > 1 else ""
                    yield self.at(run.inst, problems[0] + more)


def _read(ctx: DockerfileContext, inst: Instruction, workdir: str | None) -> _Run:
    """A RUN's commands with known variables filled in, and whether it checks anything."""
    env = env_before(ctx, inst)
    scripts = ctx.shell(inst)
    pipes = [[[resolved(w, env) or w for w in words] for words in pipeline]
             for _, script_pipelines in scripts for pipeline in script_pipelines]
    return _Run(inst, [c for p in pipes for c in p], pipes,
                verified(" ".join(script for script, _ in scripts)), workdir)


def _problems(run: _Run, later: list[_Run], tail: list[Instruction]) -> Iterator[str]:
    """Messages for each unchecked download this RUN makes."""
    if not run.verifies:
        yield from _piped_installs(run)
    for position, words in enumerate(run.commands):
        fetch = fetch_of(words)
        if fetch is None:
            continue
        after = run.commands[position + 1:]
        if fetch.kind == "file" and not run.verifies:
            message = _file_problem(fetch, after, later)
        elif fetch.kind == "go" and fetch.moving:
            message = None if any(pins(w) for w in after) else _go_message(fetch)
        elif fetch.kind == "git" and fetch.moving and not run.verifies:
            message = _clone_problem(fetch, run, after, later, tail)
        else:
            message = None
        if message:
            yield message


def _file_problem(fetch: Fetch, after: list[Command], later: list[_Run]) -> str | None:
    """The saved file is made executable, installed or run, here or in a later RUN."""
    path = fetch.path or ""
    use = "saves it into a bin folder" if in_bin(path) else None
    where = ""
    if use is None:
        uses = [u for w in after if (u := use_of(w, path))]
        # Made executable and deleted in the same RUN without being run: nothing ran it.
        if _removed(after, path):
            uses = [u for u in uses if u != MADE_EXECUTABLE]
        use = uses[0] if uses else None
    if use is None and path.startswith("/"):
        for run in later:
            if run.verifies:
                break
            use = next((u for w in run.commands if (u := use_of(w, path))), None)
            if use is not None:
                where = f" on line {run.inst.line}"
                break
    if use is None:
        return None
    name = posixpath.basename(path) or path
    return (f"{fetch.tool} downloads {name} and {use}{where} with no checksum or signature "
            f"check: whoever controls the server, the release or the network path decides "
            f"what runs in your image.")


def _removed(commands: list[Command], path: str) -> bool:
    """An ``rm`` among the commands deletes the saved file."""
    return any(program(words) == "rm" and any(same_file(w, path) for w in words[1:]
                                              if not w.startswith("-"))
               for words in commands)


def _piped_installs(run: _Run) -> Iterator[str]:
    """``curl … | tar -x -C /usr/local/bin``: a download unpacked straight into a bin folder."""
    for pipeline in run.pipelines:
        for source, sink in itertools.pairwise(pipeline):
            if program(source) in ("curl", "wget") and program(sink) == "tar" and any(
                    is_bin(d) for d in extraction_dirs(sink)):
                yield (f"{program(source)} output is unpacked straight into a bin folder with "
                       f"no checksum or signature check: whoever controls the server, the "
                       f"release or the network path decides what runs in your image.")


def _go_message(fetch: Fetch) -> str:
    return (f"{fetch.tool} {fetch.what} asks for {fetch.moving}: each build compiles "
            f"whatever that module's newest code is then, so the image can change, or be "
            f"poisoned, without a change to this file.")


def _clone_problem(fetch: Fetch, run: _Run, after: list[Command], later: list[_Run],
                   tail: list[Instruction]) -> str | None:
    """The clone of a moving branch is built or run, here or later in its folder, unpinned."""
    folder = normalize(fetch.path or "", run.workdir or "/") \
        if fetch.path and (fetch.path.startswith("/") or run.workdir) else None
    # Later RUNs count only where they work in the clone's folder.
    steps = [("", after), *((f" on line {r.inst.line}", r.commands) for r in later
                            if folder is not None and r.inside(folder))]
    moving = fetch.moving
    used = ""
    for where, commands in steps:
        for words in _until_elsewhere(commands, folder):
            ref = checkout_ref(words)
            if ref is not None:
                if not is_moving(ref):
                    return None
                moving = f"branch {ref}"
            if not used and builds(words, fetch.path):
                used = f"builds {{}}{where}"
    if not used and folder is not None:
        used = _run_from(folder, tail)
    if not used:
        return None
    url = _USERINFO.sub("", fetch.what)
    return (f"git clone of {url} {used.format(moving)}: a branch moves, so each build takes "
            f"whatever was pushed last, and nothing checks it.")


def _until_elsewhere(commands: list[Command], folder: str | None) -> Iterator[Command]:
    """The commands up to the next clone, or a ``cd`` out of the clone's folder."""
    for words in commands:
        name = program(words)
        if name == "git" and "clone" in words[1:3]:
            return
        if name == "cd" and len(words) > 1 and folder is not None and words[1].startswith("/") \
                and not normalize(words[1]).startswith(folder):
            return
        yield words


def _run_from(folder: str, tail: list[Instruction]) -> str:
    """"runs …" when a later WORKDIR enters the clone and the stage's CMD or ENTRYPOINT runs."""
    if not folder.startswith("/"):
        return ""
    inside = False
    for inst in tail:
        if inst.keyword == "WORKDIR":
            target, root = normalize(inst.text.strip()), normalize(folder)
            inside = target == root or target.startswith(root + "/")
        elif inst.keyword in ("CMD", "ENTRYPOINT") and (inside or folder in inst.text):
            return f"runs {{}} with the {inst.keyword} on line {inst.line}"
    return ""
