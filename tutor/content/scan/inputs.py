"""What the scan checks read of the learner's files, and how they quote it in a reason.

The checks read a workflow and the ignore files its scans name; ``needed_files`` says which,
so the caller can hand them over as text. Untrusted text in a reason goes through ``shown``:
secrets masked, control characters visible, and cut short.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tutor.content.scan.runs import DEFAULT_IGNOREFILE, safe_path
from tutor.content.scan.shell import ignorefile_args, trivy_commands
from tutor.content.scan.workflow import Workflow, WorkflowError, read_workflow
from tutor.safetext import visible


def shown(text: str, limit: int = 60) -> str:
    """Learner or report text fit for a checklist: secrets masked, controls visible, short."""
    from tutor.analysis.secrets import find_secret_values  # only once a check fails

    for match in sorted(find_secret_values(text), key=lambda m: -m.start):
        text = text[:match.start] + match.masked + text[match.end:]
    text = " ".join(text.split())
    return visible(text if len(text) <= limit else text[:limit - 1] + "…")


def workflow_in(path: str, texts: Mapping[str, str]) -> Workflow | str:
    """The learner's workflow at ``path``, or why it cannot be read."""
    if path not in texts:
        return f"there is no {path}"
    try:
        return read_workflow(texts[path])
    except WorkflowError as exc:
        return f"{path} line {exc.line}: {shown(exc.reason, 120)}"


def needed_files(specs: Iterable[tuple[str, Any]], texts: Mapping[str, str]) -> set[str]:
    """The files the scan checks read: their workflows, then the ignore files those name."""
    wanted: set[str] = set()
    for _kind, value in specs:
        workflow = value if isinstance(value, str) else value.workflow
        wanted.add(workflow)
        if workflow not in texts:
            continue
        read = workflow_in(workflow, texts)
        if isinstance(read, str):
            continue
        wanted.add(DEFAULT_IGNOREFILE)
        for job in read.jobs:
            for step in job.steps:
                names = step.inputs.get("trivyignores", "").replace(",", " ").split()
                names += [v for k, v in (*read.env.items(), *job.env.items(),
                                         *step.env.items()) if k == "TRIVY_IGNOREFILE"]
                if step.run:
                    names += [name for command in trivy_commands(step.run, {})
                              for name in ignorefile_args(command.args)]
                if step.uses and step.uses.startswith("docker://"):
                    names += ignorefile_args(step.inputs.get("args", "").split())
                for name in names[:20]:
                    path = safe_path(name, step.working_directory)
                    if path is not None:
                        wanted.add(path)
    return wanted
