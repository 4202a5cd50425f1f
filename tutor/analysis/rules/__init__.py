"""The rule registry: an explicit table from rule id to the module and class that define it.

A rule's module is imported when the rule is first asked for, so a command pays only for
the rules it runs: checking a Dockerfile never imports the compose rules, and the course,
which only needs to know which ids exist, imports none. Importing all 43 rule modules (and
the analysis they pull in) was most of a one-file ``check``'s start-up.

``RULES.dockerfile_rules()`` and ``RULES.compose_rules()`` are what the engine runs on each
kind of file; ``RULES[id]`` is the rule as documented (its name, metadata and docstring),
for reports, ``rules`` and ``explain``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

from tutor.analysis.suppress import alias_matches

if TYPE_CHECKING:
    from tutor.analysis.rules.base import ComposeContext, DockerfileContext, Rule

# The kinds of file, in the order a row names their classes.
KINDS = ("dockerfile", "compose")

# id: (module in tutor.analysis.rules, the rule's name, its Dockerfile class, its compose
# class); a rule reads the kinds it has a class for, and the first is the documented one
# (its examples are of that kind). The name is here so the course can label a goal check
# "No HT101 (final-user-root)" without importing the rule. A test checks each row against
# its classes, and that every rule module has a row.
_TABLE: dict[str, tuple[str, str, str | None, str | None]] = {
    "HT001": ("syntax", "dockerfile-syntax", "DockerfileSyntaxProblem", "ComposeSyntaxProblem"),
    "HT101": ("final_user_root", "final-user-root", "FinalUserRoot", None),
    "HT102": ("user_in_other_stage", "user-in-other-stage", "UserInOtherStage", None),
    "HT103": ("user_unknown", "user-unknown", "UserUnknown", None),
    "HT104": ("user_by_name", "user-by-name", "UserByName", None),
    "HT105": ("user_without_uid", "user-without-uid", "UserWithoutUid", None),
    "HT106": ("sudo", "sudo-in-image", "SudoInImage", None),
    "HT107": ("world_writable", "world-writable", "WorldWritable", None),
    "HT108": ("setuid", "setuid-bit", "SetuidBit", None),
    "HT109": ("compose_user_root", "compose-user-root", None, "ComposeUserRoot"),
    "HT110": ("compose_user_unset", "compose-user-unset", None, "ComposeUserUnset"),
    "HT111": ("build_needs_root", "build-step-needs-root", "BuildStepNeedsRoot", None),
    "HT112": ("entrypoint_not_executable", "entrypoint-not-executable",
              "EntrypointNotExecutable", None),
    "HT113": ("code_writable", "code-writable-by-user", "CodeWritableByUser", None),
    "HT114": ("volume_not_writable", "volume-not-writable", "VolumeNotWritable", None),
    "HT115": ("user_privileged_group", "user-in-privileged-group", "UserInPrivilegedGroup", None),
    "HT201": ("secret_env_arg", "secret-in-env-or-arg", "SecretInEnvOrArg", None),
    "HT202": ("secret_value", "secret-value", "SecretValue", None),
    "HT203": ("secret_file_copied", "secret-file-copied", "SecretFileCopied", None),
    "HT204": ("secret_removed_later", "secret-removed-later", "SecretRemovedLater", None),
    "HT205": ("secret_in_context", "secret-in-build-context", "SecretInBuildContext", None),
    "HT206": ("compose_env_secret", "compose-env-secret", None, "ComposeEnvironmentSecret"),
    "HT207": ("secret_written", "secret-written-to-file", "SecretWrittenToFile", None),
    "HT301": ("setcap", "file-capabilities", "FileCapabilities", None),
    "HT302": ("compose_privileged", "compose-privileged", None, "ComposePrivileged"),
    "HT303": ("compose_cap_add", "compose-cap-add", None, "ComposeCapAdd"),
    "HT304": ("compose_cap_drop", "compose-cap-drop-missing", None, "ComposeCapDropMissing"),
    "HT305": ("compose_no_new_privileges", "compose-no-new-privileges",
              None, "ComposeNoNewPrivileges"),
    "HT306": ("compose_read_only", "compose-read-only", None, "ComposeReadOnly"),
    "HT307": ("compose_docker_socket", "compose-docker-socket", None, "ComposeDockerSocket"),
    "HT308": ("compose_host_namespaces", "compose-host-namespace", None, "ComposeHostNamespace"),
    "HT309": ("compose_devices", "compose-devices", None, "ComposeDevices"),
    "HT310": ("compose_security_profile", "compose-unconfined",
              None, "ComposeSecurityProfileDisabled"),
    "HT311": ("compose_host_path", "compose-host-path-mount", None, "ComposeHostPath"),
    "HT312": ("compose_java_debug", "compose-java-debug", None, "ComposeJavaDebug"),
    "HT401": ("base_unpinned", "base-image-unpinned",
              "DockerfileBaseImageUnpinned", "ComposeBaseImageUnpinned"),
    "HT402": ("base_no_digest", "base-image-no-digest",
              "DockerfileBaseImageNoDigest", "ComposeBaseImageNoDigest"),
    "HT403": ("base_eol", "base-image-end-of-life",
              "DockerfileBaseImageEndOfLife", "ComposeBaseImageEndOfLife"),
    "HT501": ("add_remote", "add-remote-url", "AddRemoteUrl", None),
    "HT502": ("curl_pipe_shell", "curl-pipe-shell", "CurlPipeShell", None),
    "HT503": ("expose_ssh", "expose-ssh", "ExposeSsh", None),
    "HT504": ("download_unverified", "download-unverified", "DownloadUnverified", None),
    "HT505": ("java_debug_agent", "java-debug-agent", "JavaDebugAgent", None),
}


class Registry(Mapping[str, "Rule[Any]"]):
    """Every rule by id, in the table's order; a rule is imported when first looked up."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[str, str], Rule[Any]] = {}

    def __getitem__(self, rule_id: str) -> Rule[Any]:
        """The rule as documented: the class of the first kind it reads."""
        return self._load(rule_id, self.kinds(rule_id)[0])  # KeyError for an unknown id

    def __iter__(self) -> Iterator[str]:
        return iter(_TABLE)

    def __len__(self) -> int:
        return len(_TABLE)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in _TABLE

    def dockerfile_rules(self) -> list[Rule[DockerfileContext]]:
        """The rules that check a Dockerfile, in order; only their modules are imported."""
        return [self._load(rule_id, "dockerfile") for rule_id, row in _TABLE.items() if row[2]]

    def compose_rules(self) -> list[Rule[ComposeContext]]:
        """The rules that check a compose file, in order; only their modules are imported."""
        return [self._load(rule_id, "compose") for rule_id, row in _TABLE.items() if row[3]]

    def kinds(self, rule_id: str) -> tuple[str, ...]:
        """The kinds of file the rule checks, the documented one first; imports nothing."""
        _, _, *classes = _TABLE[rule_id]
        return tuple(kind for kind, name in zip(KINDS, classes, strict=True) if name)

    def name_of(self, rule_id: str) -> str:
        """The rule's name (``final-user-root``), without importing its module."""
        return _TABLE[rule_id][1]

    def _load(self, rule_id: str, kind: str) -> Rule[Any]:
        """The rule's instance for this kind of file, made once."""
        rule = self._loaded.get((rule_id, kind))
        if rule is None:
            module, _, *classes = _TABLE[rule_id]
            defining = import_module(f"tutor.analysis.rules.{module}")
            rule_class: type[Rule[Any]] = getattr(defining, str(classes[KINDS.index(kind)]))
            rule = self._loaded[rule_id, kind] = rule_class()
        return rule


RULES = Registry()


def rule_for(rule_id: str) -> Rule[Any] | None:
    """The rule with this id or alias (hadolint, Trivy, Checkov, BuildKit), if any."""
    matches = rules_for_alias(rule_id)
    return matches[0] if matches else None


def rules_for_alias(alias: str) -> list[Rule[Any]]:
    """Every rule that claims this peer id (or is it); ``CKV_SECRET_*`` covers a family."""
    wanted = alias.strip().upper()
    if wanted in RULES:
        return [RULES[wanted]]  # no alias is one of our ids (a test checks), so no import
    return [r for r in RULES.values() if any(alias_matches(a, wanted) for a in r.aliases)]
