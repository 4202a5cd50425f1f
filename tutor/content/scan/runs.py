"""How a workflow runs Trivy on an image: each scan step with the settings it ends up with.

A step scans with ``aquasecurity/trivy-action`` (inputs become ``TRIVY_*`` variables the way
its ``action.yaml`` and ``entrypoint.sh`` set them), with the ``trivy`` command in a ``run:``
script or ``docker run`` of a Trivy image (found by ``tutor.content.scan.shell``), or with a
``docker://`` Trivy action. Settings
are resolved in Trivy's order (flags, then environment variables), and the ignore files a
step reads are the ones present in the repository when it runs: after a checkout.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace

from tutor.content.scan.ignore_files import IgnoreEntry, is_yaml_name, read_ignore_file
from tutor.content.scan.shell import is_trivy_image, trivy_commands
from tutor.content.scan.trivy import (
    UNFIXED,
    Filters,
    TrivyError,
    go_bool,
    go_int,
    severities,
    split_list,
    statuses,
)
from tutor.content.scan.workflow import EXPRESSION, Job, Step, Workflow, always_runs

TRIVY_ACTION = "aquasecurity/trivy-action"
SETUP_TRIVY = "aquasecurity/setup-trivy"
CHECKOUT = "actions/checkout"
DEFAULT_IGNOREFILE = ".trivyignore"
# trivy-action's inputs that become Trivy variables, with the default its action.yaml gives
# each: an input left at its default is not passed on (entrypoint.sh, set_env_var_if_provided).
ACTION_INPUTS = {
    "input": ("TRIVY_INPUT", ""), "exit-code": ("TRIVY_EXIT_CODE", ""),
    "ignore-unfixed": ("TRIVY_IGNORE_UNFIXED", "false"),
    "vuln-type": ("TRIVY_PKG_TYPES", "os,library"),
    "severity": ("TRIVY_SEVERITY", "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL"),
    "format": ("TRIVY_FORMAT", "table"), "ignore-policy": ("TRIVY_IGNORE_POLICY", ""),
    "scanners": ("TRIVY_SCANNERS", ""), "trivy-config": ("TRIVY_CONFIG", ""),
    "skip-dirs": ("TRIVY_SKIP_DIRS", ""), "skip-files": ("TRIVY_SKIP_FILES", ""),
}
# The Trivy flags that matter here, and the variable each stands for.
FLAGS = {"--severity": "TRIVY_SEVERITY", "-s": "TRIVY_SEVERITY",
         "--exit-code": "TRIVY_EXIT_CODE", "--ignore-unfixed": "TRIVY_IGNORE_UNFIXED",
         "--ignore-status": "TRIVY_IGNORE_STATUS", "--ignorefile": "TRIVY_IGNOREFILE",
         "--config": "TRIVY_CONFIG", "-c": "TRIVY_CONFIG", "--format": "TRIVY_FORMAT",
         "-f": "TRIVY_FORMAT", "--ignore-policy": "TRIVY_IGNORE_POLICY",
         "--vex": "TRIVY_VEX", "--scanners": "TRIVY_SCANNERS",
         "--pkg-types": "TRIVY_PKG_TYPES", "--vuln-type": "TRIVY_PKG_TYPES",
         "--input": "TRIVY_INPUT", "--skip-dirs": "TRIVY_SKIP_DIRS",
         "--skip-files": "TRIVY_SKIP_FILES"}
# Trivy's switches (pkg/flag: every Flag[bool]); every other flag takes a value.
SWITCHES = frozenset({
    "--ignore-unfixed", "--quiet", "-q", "--debug", "-d", "--no-progress", "--insecure",
    "--skip-db-update", "--skip-java-db-update", "--skip-check-update", "--offline-scan",
    "--list-all-pkgs", "--show-suppressed", "--dependency-tree", "--removed-pkgs",
    "--include-dev-deps", "--skip-version-check", "--disable-telemetry", "--download-db-only",
    "--download-java-db-only", "--reset", "--clear-cache", "--include-non-failures",
    "--skip-vex-repo-update", "--slow", "--light", "--license-full", "--password-stdin",
    "--reset-checks-bundle", "--include-deprecated-checks", "--trace", "--trace-http",
    "--trace-rego", "--tf-exclude-downloaded-modules", "--skip-images", "--exclude-owned",
    "--disable-node-collector"})
# Variables that would change what is reported in ways a recorded report cannot repeat.
UNSUPPORTED = {"TRIVY_CONFIG": "a Trivy config file", "TRIVY_IGNORE_POLICY": "a Rego policy",
               "TRIVY_VEX": "a VEX document", "TRIVY_INPUT": "an image tarball (input:)",
               "TRIVY_SKIP_DIRS": "skip-dirs", "TRIVY_SKIP_FILES": "skip-files"}


@dataclass(frozen=True, slots=True)
class Run:
    """One scan of the image: where, with which filters, and whether it can stop the build."""

    job: Job
    step: Step
    how: str  # "trivy-action", "trivy", "docker" or "docker action"
    filters: Filters = field(default_factory=Filters)
    exit_code: int = 0
    # The ignore files Trivy reads (present at run time), and the entries it applies.
    ignore_files: tuple[str, ...] = ()
    # Set when the step's outcome cannot be known, or it fails whatever the findings are.
    problem: str = ""
    # The setting that names the exit code, for messages ("exit-code: 0", "--exit-code 0").
    exit_setting: str = ""

    @property
    def enforced(self) -> bool:
        """True when a non-zero exit here fails the workflow run."""
        return (self.exit_code % 256 != 0 and always_runs(self.step.condition)
                and always_runs(self.job.condition)
                and self.step.continue_on_error == "false"
                and self.job.continue_on_error == "false")


def safe_path(name: str, base: str = "") -> str | None:
    """A repository-relative path with no way out of the repository, or None."""
    joined = posixpath.normpath(posixpath.join(base, name.strip()))
    if not name.strip() or joined.startswith(("/", "../")) or joined == "..":
        return None
    return joined.removeprefix("./")


def action_name(uses: str | None) -> str:
    """``owner/repo`` of a ``uses:`` reference, lower case (GitHub ignores case there)."""
    if not uses or uses.startswith(("./", "docker://")):
        return ""
    return "/".join(uses.partition("@")[0].lower().split("/")[:2])


def scan_runs(workflow: Workflow, image: str, paths: Collection[str],
              texts: Mapping[str, str]) -> list[Run]:
    """Every step that scans ``image`` with Trivy, with its resolved settings."""
    runs: list[Run] = []
    for job in workflow.jobs:
        checked_out = False
        for step in job.steps:
            if action_name(step.uses) == CHECKOUT:
                checked_out = checked_out or _checks_out_here(step)
            env = {**workflow.env, **job.env, **step.env}
            present: Collection[str] = paths if checked_out else ()
            for run in _runs_of(job, step, env, image, present, texts):
                runs.append(run)
    return runs


def _checks_out_here(step: Step) -> bool:
    """True when a checkout step puts this repository at the workspace root."""
    repository = step.inputs.get("repository", "").replace(" ", "")
    return (repository in ("", "${{github.repository}}")
            and safe_path(step.inputs.get("path", "") or ".") == ".")


def _runs_of(job: Job, step: Step, env: dict[str, str], image: str,
             present: Collection[str], texts: Mapping[str, str]) -> Iterator[Run]:
    if action_name(step.uses) == TRIVY_ACTION:
        run = _action_run(job, step, env, image, present, texts)
        if run is not None:
            yield run
    elif step.uses is not None and step.uses.startswith("docker://") and is_trivy_image(
            step.uses.removeprefix("docker://")):
        try:
            args = shlex.split(step.inputs.get("args", ""))
        except ValueError:
            args = []
        run = _cli_run(job, step, "docker action", args, env, image, present, texts)
        if run is not None:
            yield run
    elif step.run is not None:
        for command in trivy_commands(step.run, env):
            run = _cli_run(job, step, command.how, command.args, command.env, image, present,
                           texts)
            if run is not None and command.guard and not run.problem:
                run = replace(run, problem=f"trivy runs under {command.guard}, which can "
                                           f"swallow its exit status: give the scan a line "
                                           f"of its own")
            if run is not None:
                yield run


def _action_run(job: Job, step: Step, env: dict[str, str], image: str,
                present: Collection[str], texts: Mapping[str, str]) -> Run | None:
    inputs = step.inputs
    target = inputs.get("image-ref") or inputs.get("scan-ref") or "."
    if (inputs.get("scan-type") or "image") != "image" or target.strip() != image:
        return None
    variables = {k: v for k, v in env.items() if k.startswith("TRIVY_") or k == ""}
    for name, (variable, default) in ACTION_INPUTS.items():
        value = inputs.get(name, "")
        if EXPRESSION.search(value):
            return Run(job, step, "trivy-action", problem=_unknown(f"{name}:", value))
        if value and value != default:
            variables[variable] = value
    run = Run(job, step, "trivy-action", exit_setting="exit-code")
    # entrypoint.sh drops the severity filter for SARIF unless asked to keep it.
    if variables.get("TRIVY_FORMAT") == "sarif" and inputs.get(
            "limit-severities-for-sarif") != "true":
        variables.pop("TRIVY_SEVERITY", None)
    listed = inputs.get("trivyignores", "")
    if EXPRESSION.search(listed):
        return replace(run, problem=_unknown("trivyignores:", listed))
    if listed:
        names = listed.replace(",", " ").split()
        problem = _listed_problem(names, present, step.working_directory)
        if problem:
            return replace(run, problem=problem)
        variables["TRIVY_IGNOREFILE"] = "\0".join(names)  # several plain files: concatenated
    return _resolved(run, variables, present, texts)


def _listed_problem(names: list[str], present: Collection[str], base: str) -> str:
    """What makes trivy-action's entrypoint.sh stop before Trivy runs, if anything."""
    yaml_names = [n for n in names if is_yaml_name(n)]
    if yaml_names and len(yaml_names) != len(names):
        return ("trivyignores: mixes YAML and plain ignore files, so trivy-action stops "
                "with an error on every run")
    if len(yaml_names) > 1:
        return ("trivyignores: names more than one YAML ignore file, so trivy-action stops "
                "with an error on every run")
    for name in names:
        path = safe_path(name, base)
        if path is None or path not in present:
            why = ("the job does not check out this repository before the scan" if not present
                   else f"there is no {name} in the repository")
            return (f"trivyignores: names {name}, but {why}, so trivy-action stops with "
                    f"\"cannot find ignorefile\" on every run")
    return ""


def _cli_run(job: Job, step: Step, how: str, args: list[str], env: dict[str, str],
             image: str, present: Collection[str], texts: Mapping[str, str]) -> Run | None:
    """A ``trivy image …`` command line (flags win over variables, as Trivy documents)."""
    if not args or args[0] not in ("image", "i"):
        return None
    variables = {k: v for k, v in env.items() if k.startswith("TRIVY_") or k == ""}
    targets: list[str] = []
    seen_flags: dict[str, str] = {}
    index = 1
    while index < len(args):
        word = args[index]
        index += 1
        if not word.startswith("-") or word == "-":
            targets.append(word)
            continue
        flag, has_value, value = word.partition("=")
        if not word.startswith("--") and len(word) > 2:  # -sHIGH: a short flag and its value
            flag, has_value, value = word[:2], "=", word[2:].removeprefix("=")
            if flag in SWITCHES:
                continue  # -qd: switches run together
        if not has_value and flag not in SWITCHES:
            if index >= len(args):
                return Run(job, step, how, problem=f"{flag} has no value, so Trivy stops "
                                                   f"with an error on every run")
            value = args[index]
            index += 1
        elif not has_value:
            value = "true"
        variable = FLAGS.get(flag)
        if variable is None:
            continue
        if variable == "TRIVY_SEVERITY" and variable in seen_flags:
            value = f"{seen_flags[variable]},{value}"  # repeated --severity flags add up
        seen_flags[variable] = value
    if image not in targets:
        return None
    if "TRIVY_EXIT_CODE" in seen_flags and not _is_int(seen_flags["TRIVY_EXIT_CODE"]):
        return Run(job, step, how, problem=f"--exit-code {seen_flags['TRIVY_EXIT_CODE']} is "
                                           f"not a number, so Trivy stops with an error")
    variables.update(seen_flags)
    run = Run(job, step, how, exit_setting="--exit-code")
    if how == "docker" and "TRIVY_IGNOREFILE" not in variables:
        # The container's working directory is not the repository: no default ignore file.
        variables["TRIVY_IGNOREFILE"] = ""
    return _resolved(run, variables, present, texts, base=step.working_directory)


def _is_int(text: str) -> bool:
    """True for what pflag's int parsing (strconv.ParseInt, base 0) accepts."""
    return re.fullmatch(r"[+-]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)",
                        text.strip()) is not None


def _resolved(run: Run, variables: dict[str, str], present: Collection[str],
              texts: Mapping[str, str], base: str = "") -> Run:
    """The run with Trivy's filters worked out from its variables and ignore files."""
    for name, value in variables.items():
        if EXPRESSION.search(value) or name == "":
            return replace(run, problem=_unknown(name or "env:", value))
    for name, what in UNSUPPORTED.items():
        if variables.get(name):
            return replace(run, problem=f"the scan uses {what}, which this check cannot "
                                        f"repeat on a recorded report: set its filters in the "
                                        f"workflow instead")
    if run.how != "docker" and safe_path("trivy.yaml", base) in present:
        return replace(run, problem="Trivy also reads trivy.yaml from the repository, which "
                                    "this check does not follow: set the scan's filters in "
                                    "the workflow instead")
    try:
        chosen = severities(variables.get("TRIVY_SEVERITY", ""))
        dropped: frozenset[str] = frozenset()
        if variables.get("TRIVY_IGNORE_STATUS"):
            dropped = statuses(variables["TRIVY_IGNORE_STATUS"])
        elif go_bool(variables.get("TRIVY_IGNORE_UNFIXED", "")):
            dropped = UNFIXED
        files, entries = _ignores(variables.get("TRIVY_IGNOREFILE"), present, texts, base)
    except TrivyError as exc:
        return replace(run, problem=f"{exc}")
    scanners = variables.get("TRIVY_SCANNERS", "")
    if scanners and "vuln" not in split_list(scanners):
        chosen = frozenset()  # no vulnerability scanner: nothing of the report is found
    kinds = variables.get("TRIVY_PKG_TYPES", "")
    filters = Filters(chosen, dropped, entries)
    if kinds:
        filters = replace(filters, classes=_classes(kinds))
    return replace(run, filters=filters, ignore_files=files,
                   exit_code=go_int(variables.get("TRIVY_EXIT_CODE", "0") or "0"))


def _classes(kinds: str) -> frozenset[str]:
    """``--pkg-types os,library`` as the report's result classes."""
    names = split_list(kinds)
    return frozenset({"os": "os-pkgs", "library": "lang-pkgs"}.get(n, n) for n in names)


def _ignores(setting: str | None, present: Collection[str], texts: Mapping[str, str],
             base: str) -> tuple[tuple[str, ...], tuple[IgnoreEntry, ...]]:
    """The ignore files Trivy reads and their entries; a missing file is no entries."""
    names = [DEFAULT_IGNOREFILE] if setting is None else [n for n in setting.split("\0") if n]
    files: list[str] = []
    entries: list[IgnoreEntry] = []
    for name in names:
        path = safe_path(name, base)
        if path is None or path not in present or path not in texts:
            continue
        files.append(path)
        entries.extend(read_ignore_file(path, texts[path]))
    return tuple(files), tuple(entries)


def _unknown(setting: str, value: str) -> str:
    shown = value if len(value) <= 40 else value[:37] + "..."
    return (f"{setting} {shown} is worked out when the workflow runs, so this check cannot "
            f"tell what the scan does: write the value itself")
