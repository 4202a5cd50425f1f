"""A GitHub Actions workflow read as data: its triggers, jobs and steps, with their lines.

Only what the scan checks need is kept: each step's ``uses:``, ``with:``, ``run:``, ``env:``,
``if:`` and ``continue-on-error:``, and the same for jobs. Values are strings as GitHub hands
them to an action (``true``, ``1``), so the checks compare what the runner would see.
Reading never raises for a malformed file; ``WorkflowError`` says what is wrong and where.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from tutor.yamllines import YamlList, YamlMap, YamlRefused, error_line
from tutor.yamllines import load as load_yaml

# A reference the runner resolves at run time, which no reading of the file can know.
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
# Far more than any real workflow; bounds what a hostile one costs to walk.
MAX_STEPS = 2_000


class WorkflowError(ValueError):
    """A workflow this reader cannot use, with the line to look at."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a job."""

    job: str
    number: int  # 1-based, within its job
    line: int
    name: str = ""
    uses: str | None = None
    uses_line: int = 0
    inputs: Mapping[str, str] = field(default_factory=dict)
    run: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    condition: str | None = None
    continue_on_error: str = "false"
    working_directory: str = ""

    @property
    def where(self) -> str:
        """How a message names the step: its name, else its position."""
        return f"step '{self.name}'" if self.name else f"step {self.number} of job {self.job}"


@dataclass(frozen=True, slots=True)
class Job:
    """One job: its steps, or the reusable workflow it calls."""

    name: str
    line: int
    steps: tuple[Step, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    condition: str | None = None
    continue_on_error: str = "false"
    uses: str | None = None
    container: str | None = None
    container_line: int = 0


@dataclass(frozen=True, slots=True)
class Workflow:
    """A workflow file: the events that start it, its top-level env, and its jobs."""

    triggers: tuple[str, ...]
    env: Mapping[str, str]
    jobs: tuple[Job, ...]


def scalar(value: Any) -> str:
    """A YAML value as the runner passes it to an action: ``true``, ``1``, text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return "<mapping>" if isinstance(value, dict) else "<list>"
    return str(value)


def read_workflow(text: str) -> Workflow:
    """Parse a workflow; ``WorkflowError`` when it is not YAML or not a workflow's shape."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        line, reason = error_line(exc)
        raise WorkflowError(line, f"not valid YAML ({reason})") from None
    except YamlRefused as exc:
        raise WorkflowError(exc.line, exc.reason) from None
    except RecursionError:
        raise WorkflowError(1, "nested too deeply") from None
    if not isinstance(data, dict):
        raise WorkflowError(1, "a workflow is a mapping with on: and jobs:")
    # YAML 1.1 reads the key `on` as the boolean true; GitHub reads it as "on".
    trigger_key = "on" if "on" in data else True if True in data else None
    if trigger_key is None:
        raise WorkflowError(1, "the workflow has no on: (the events that start it)")
    triggers = _triggers(data[trigger_key], _line(data, trigger_key))
    jobs = data.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        raise WorkflowError(_line(data, "jobs"), "jobs: must map job ids to jobs")
    read: list[Job] = []
    budget = [MAX_STEPS]
    for name, job in jobs.items():
        read.append(_job(str(name), job, _line(jobs, name), budget))
    return Workflow(triggers, _env(data.get("env"), _line(data, "env")), tuple(read))


def _line(container: Any, key: Any) -> int:
    if isinstance(container, YamlMap | YamlList):
        return container.line_of(key)
    return 1


def _triggers(value: Any, line: int) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(str(k) for k in value)
    raise WorkflowError(line, "on: must name events (a name, a list or a mapping)")


def _env(value: Any, line: int) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str) and EXPRESSION.fullmatch(value.strip()):
        return {"": value}  # an env built by an expression: unknown, reported by the checks
    if not isinstance(value, dict):
        raise WorkflowError(line, "env: must map variable names to values")
    return {str(k): scalar(v) for k, v in value.items()}


def _job(name: str, job: Any, line: int, budget: list[int]) -> Job:
    if not isinstance(job, dict):
        raise WorkflowError(line, f"job {name} must be a mapping")
    container, container_line = job.get("container"), _line(job, "container")
    if isinstance(container, dict):
        container_line = _line(container, "image")
        container = container.get("image")
    steps = job.get("steps") or []
    if not isinstance(steps, list):
        raise WorkflowError(_line(job, "steps"), f"steps: of job {name} must be a list")
    budget[0] -= len(steps)
    if budget[0] < 0:
        raise WorkflowError(_line(job, "steps"), f"more than {MAX_STEPS:,} steps")
    read = tuple(_step(name, number, step, _line(steps, number - 1))
                 for number, step in enumerate(steps, start=1))
    uses = job.get("uses")
    return Job(name, line, read, _env(job.get("env"), _line(job, "env")),
               _condition(job), scalar(job.get("continue-on-error", False)),
               scalar(uses) if uses is not None else None,
               scalar(container) if container is not None else None, container_line)


def _condition(item: Mapping[Any, Any]) -> str | None:
    return scalar(item["if"]) if "if" in item else None


def _step(job: str, number: int, step: Any, line: int) -> Step:
    if not isinstance(step, dict):
        raise WorkflowError(line, f"step {number} of job {job} must be a mapping")
    inputs = step.get("with") or {}
    if not isinstance(inputs, dict):
        raise WorkflowError(_line(step, "with"), "with: must map inputs to values")
    uses = step.get("uses")
    run = step.get("run")
    return Step(job=job, number=number, line=line, name=scalar(step.get("name", "")),
                uses=scalar(uses) if uses is not None else None, uses_line=_line(step, "uses"),
                inputs={str(k): scalar(v) for k, v in inputs.items()},
                run=scalar(run) if run is not None else None,
                env=_env(step.get("env"), _line(step, "env")), condition=_condition(step),
                continue_on_error=scalar(step.get("continue-on-error", False)),
                working_directory=scalar(step.get("working-directory", "")))


def always_runs(condition: str | None) -> bool:
    """True for no ``if:`` or one that holds whenever earlier steps succeeded."""
    if condition is None:
        return True
    bare = condition.strip()
    match = EXPRESSION.fullmatch(bare)
    if match:
        bare = bare[3:-2].strip()
    return bare in ("success()", "always()", "!cancelled()", "true")
