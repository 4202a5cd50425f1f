"""The ``pinned_actions`` check: every action pinned to a commit SHA, Trivy to a release.

A tag or branch can be moved to other code (as trivy-action's tags were in March 2026), and
a "latest" Trivy installs whatever was released last. Each check returns (passed, why not);
alike reasons are grouped so the checklist stays short.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from tutor.content.scan.inputs import shown, workflow_in
from tutor.content.scan.runs import SETUP_TRIVY, TRIVY_ACTION, action_name
from tutor.content.scan.shell import is_trivy_image, trivy_commands, trivy_images
from tutor.content.scan.workflow import Workflow

_SHA = re.compile(r"[0-9a-fA-F]{40}")
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")


def pinned(path: str, texts: Mapping[str, str]) -> tuple[bool, str]:
    """``pinned_actions``: every action at a commit SHA, Trivy at a chosen release."""
    workflow = workflow_in(path, texts)
    if isinstance(workflow, str):
        return False, workflow
    grouped: dict[str, list[str]] = {}
    for what, why in _unpinned(workflow):
        grouped.setdefault(why, []).append(what)
    if not grouped:
        return True, ""
    parts = [f"{names[0]} {why}" if len(names) == 1 else
             f"{', '.join(names)}: each {why}" for why, names in grouped.items()]
    return False, "; ".join(parts[:3]) + (f"; and {len(parts) - 3} more" if len(parts) > 3
                                          else "")


def _unpinned(workflow: Workflow) -> Iterable[tuple[str, str]]:
    """(what, why it is not pinned) for each loose reference, so alike ones can be grouped."""
    for job in workflow.jobs:
        if job.uses is not None:
            why = _ref_problem(job.uses)
            if why:
                yield f"{shown(job.uses)} (line {job.line})", why
        if job.container and is_trivy_image(job.container) and not _DIGEST.search(
                job.container):
            yield (f"container {shown(job.container)} (line {job.container_line})",
                   "is not pinned by digest (@sha256:…)")
        installed = bool(job.container and _DIGEST.search(job.container))
        for step in job.steps:
            where = shown(step.where)
            if step.uses is not None:
                why = _ref_problem(step.uses)
                if why:
                    yield f"{shown(step.uses)} (line {step.uses_line})", why
                version = step.inputs.get("version", "")
                name = action_name(step.uses)
                if name == TRIVY_ACTION and version == "latest":
                    yield where, ("sets version: latest, so each run installs the newest "
                                  "Trivy release: name one (v0.69.4 was a malicious release)")
                if name == TRIVY_ACTION and version != "latest":
                    installed = True  # it installs its own pinned default on the PATH
                if name == SETUP_TRIVY:
                    if version in ("", "latest"):
                        yield where, ("installs the latest Trivy release (setup-trivy's "
                                      "default): set version: to a release you chose")
                    else:
                        installed = True
            if step.run is not None:
                yield from _run_problems(step.run, where, installed)


def _ref_problem(uses: str) -> str:
    """Why a ``uses:`` reference is not pinned, or ``""``."""
    if uses.startswith("./"):
        return ""  # an action in this repository, pinned by the commit being built
    if uses.startswith("docker://"):
        return "" if _DIGEST.search(uses) else "is not pinned by digest (@sha256:…)"
    ref = uses.partition("@")[2]
    if not ref:
        return "names no version at all: pin a full commit SHA"
    if _SHA.fullmatch(ref):
        return ""
    if re.fullmatch(r"[0-9a-fA-F]{7,39}", ref):
        return ("is a short SHA: GitHub needs the full 40-character commit SHA to treat it "
                "as one")
    return ("names a tag or branch, which can be moved to other code (as trivy-action's tags "
            "were in March 2026): pin the full 40-character commit SHA")


def _run_problems(script: str, where: str, installed: bool) -> Iterable[tuple[str, str]]:
    lowered = script.lower()
    if "trivy" in lowered and re.search(r"\|\s*(sudo\s+)?(ba|z|da)?sh\b", lowered):
        yield where, ("pipes a download into a shell to install Trivy, which pins nothing: "
                      "use a pinned setup-trivy or a Trivy image by digest")
    if not installed and any(c.how == "trivy" for c in trivy_commands(script, {})):
        yield where, ("runs trivy, but no earlier step installs a chosen release "
                      "(setup-trivy with version:, or a Trivy image by digest)")
    for image in trivy_images(script):
        if not _DIGEST.search(image):
            yield f"{where} ({shown(image)})", (
                "runs a Trivy image by tag: pin it by digest (@sha256:…); in March 2026 "
                "aquasec/trivy:latest served malicious images")
