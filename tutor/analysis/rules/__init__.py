"""The rule registry: an explicit table from rule id to the module and class that define it.

A rule's module is imported when the rule is first asked for, so a command pays only for
the rules it runs: checking a Dockerfile never imports the compose rules, and the course,
which only needs to know which ids exist, imports none. Importing all 43 rule modules (and
the analysis they pull in) was most of a one-file ``check``'s start-up.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING

from tutor.analysis.suppress import alias_matches

if TYPE_CHECKING:
    from tutor.analysis.rules.base import Rule

# id: (module in tutor.analysis.rules, class, the rule's name, the kinds of file it reads).
# The name is here so the course can label a goal check "No HT101 (final-user-root)"
# without importing the rule. A test checks each row against its class, and that every rule
# module has a row.
_TABLE: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "HT001": ("syntax", "SyntaxProblem", "dockerfile-syntax", ("dockerfile",)),
    "HT101": ("final_user_root", "FinalUserRoot", "final-user-root", ("dockerfile",)),
    "HT102": ("user_in_other_stage", "UserInOtherStage", "user-in-other-stage", ("dockerfile",)),
    "HT103": ("user_unknown", "UserUnknown", "user-unknown", ("dockerfile",)),
    "HT104": ("user_by_name", "UserByName", "user-by-name", ("dockerfile",)),
    "HT105": ("user_without_uid", "UserWithoutUid", "user-without-uid", ("dockerfile",)),
    "HT106": ("sudo", "SudoInImage", "sudo-in-image", ("dockerfile",)),
    "HT107": ("world_writable", "WorldWritable", "world-writable", ("dockerfile",)),
    "HT108": ("setuid", "SetuidBit", "setuid-bit", ("dockerfile",)),
    "HT109": ("compose_user_root", "ComposeUserRoot", "compose-user-root", ("compose",)),
    "HT110": ("compose_user_unset", "ComposeUserUnset", "compose-user-unset", ("compose",)),
    "HT111": ("build_needs_root", "BuildStepNeedsRoot", "build-step-needs-root", ("dockerfile",)),
    "HT112": ("entrypoint_not_executable", "EntrypointNotExecutable", "entrypoint-not-executable",
              ("dockerfile",)),
    "HT113": ("code_writable", "CodeWritableByUser", "code-writable-by-user", ("dockerfile",)),
    "HT114": ("volume_not_writable", "VolumeNotWritable", "volume-not-writable", ("dockerfile",)),
    "HT115": ("user_privileged_group", "UserInPrivilegedGroup", "user-in-privileged-group",
              ("dockerfile",)),
    "HT201": ("secret_env_arg", "SecretInEnvOrArg", "secret-in-env-or-arg", ("dockerfile",)),
    "HT202": ("secret_value", "SecretValue", "secret-value", ("dockerfile",)),
    "HT203": ("secret_file_copied", "SecretFileCopied", "secret-file-copied", ("dockerfile",)),
    "HT204": ("secret_removed_later", "SecretRemovedLater", "secret-removed-later",
              ("dockerfile",)),
    "HT205": ("secret_in_context", "SecretInBuildContext", "secret-in-build-context",
              ("dockerfile",)),
    "HT206": ("compose_env_secret", "ComposeEnvironmentSecret", "compose-env-secret", ("compose",)),
    "HT207": ("secret_written", "SecretWrittenToFile", "secret-written-to-file", ("dockerfile",)),
    "HT301": ("setcap", "FileCapabilities", "file-capabilities", ("dockerfile",)),
    "HT302": ("compose_privileged", "ComposePrivileged", "compose-privileged", ("compose",)),
    "HT303": ("compose_cap_add", "ComposeCapAdd", "compose-cap-add", ("compose",)),
    "HT304": ("compose_cap_drop", "ComposeCapDropMissing", "compose-cap-drop-missing",
              ("compose",)),
    "HT305": ("compose_no_new_privileges", "ComposeNoNewPrivileges", "compose-no-new-privileges",
              ("compose",)),
    "HT306": ("compose_read_only", "ComposeReadOnly", "compose-read-only", ("compose",)),
    "HT307": ("compose_docker_socket", "ComposeDockerSocket", "compose-docker-socket",
              ("compose",)),
    "HT308": ("compose_host_namespaces", "ComposeHostNamespace", "compose-host-namespace",
              ("compose",)),
    "HT309": ("compose_devices", "ComposeDevices", "compose-devices", ("compose",)),
    "HT310": ("compose_security_profile", "ComposeSecurityProfileDisabled", "compose-unconfined",
              ("compose",)),
    "HT311": ("compose_host_path", "ComposeHostPath", "compose-host-path-mount", ("compose",)),
    "HT312": ("compose_java_debug", "ComposeJavaDebug", "compose-java-debug", ("compose",)),
    "HT401": ("base_unpinned", "BaseImageUnpinned", "base-image-unpinned",
              ("dockerfile", "compose")),
    "HT402": ("base_no_digest", "BaseImageNoDigest", "base-image-no-digest",
              ("dockerfile", "compose")),
    "HT403": ("base_eol", "BaseImageEndOfLife", "base-image-end-of-life",
              ("dockerfile", "compose")),
    "HT501": ("add_remote", "AddRemoteUrl", "add-remote-url", ("dockerfile",)),
    "HT502": ("curl_pipe_shell", "CurlPipeShell", "curl-pipe-shell", ("dockerfile",)),
    "HT503": ("expose_ssh", "ExposeSsh", "expose-ssh", ("dockerfile",)),
    "HT504": ("download_unverified", "DownloadUnverified", "download-unverified", ("dockerfile",)),
    "HT505": ("java_debug_agent", "JavaDebugAgent", "java-debug-agent", ("dockerfile",)),
}


class Registry(Mapping[str, "Rule"]):
    """Every rule by id, in the table's order; a rule is imported when first looked up."""

    def __init__(self) -> None:
        self._loaded: dict[str, Rule] = {}

    def __getitem__(self, rule_id: str) -> Rule:
        rule = self._loaded.get(rule_id)
        if rule is None:
            module, name, _, _ = _TABLE[rule_id]  # KeyError for an unknown id, as a dict's
            rule_class: type[Rule] = getattr(
                import_module(f"tutor.analysis.rules.{module}"), name)
            rule = self._loaded[rule_id] = rule_class()
        return rule

    def __iter__(self) -> Iterator[str]:
        return iter(_TABLE)

    def __len__(self) -> int:
        return len(_TABLE)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in _TABLE

    def reading(self, kind: str) -> list[Rule]:
        """The rules that check this kind of file ("dockerfile" or "compose"), in order;
        only their modules are imported."""
        return [self[rule_id] for rule_id, (_, _, _, kinds) in _TABLE.items() if kind in kinds]

    def name_of(self, rule_id: str) -> str:
        """The rule's name (``final-user-root``), without importing its module."""
        return _TABLE[rule_id][2]


RULES = Registry()


def rule_for(rule_id: str) -> Rule | None:
    """The rule with this id or alias (hadolint, Trivy, Checkov, BuildKit), if any."""
    matches = rules_for_alias(rule_id)
    return matches[0] if matches else None


def rules_for_alias(alias: str) -> list[Rule]:
    """Every rule that claims this peer id (or is it); ``CKV_SECRET_*`` covers a family."""
    wanted = alias.strip().upper()
    if wanted in RULES:
        return [RULES[wanted]]  # no alias is one of our ids (a test checks), so no import
    return [r for r in RULES.values() if any(alias_matches(a, wanted) for a in r.aliases)]
