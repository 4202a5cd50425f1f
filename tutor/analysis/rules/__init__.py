"""The rule registry: an explicit dict from rule id to rule instance."""

from __future__ import annotations

from tutor.analysis.rules.add_remote import AddRemoteUrl
from tutor.analysis.rules.base import Rule
from tutor.analysis.rules.base_eol import BaseImageEndOfLife
from tutor.analysis.rules.base_no_digest import BaseImageNoDigest
from tutor.analysis.rules.base_unpinned import BaseImageUnpinned
from tutor.analysis.rules.build_needs_root import BuildStepNeedsRoot
from tutor.analysis.rules.code_writable import CodeWritableByUser
from tutor.analysis.rules.compose_cap_add import ComposeCapAdd
from tutor.analysis.rules.compose_cap_drop import ComposeCapDropMissing
from tutor.analysis.rules.compose_devices import ComposeDevices
from tutor.analysis.rules.compose_docker_socket import ComposeDockerSocket
from tutor.analysis.rules.compose_env_secret import ComposeEnvironmentSecret
from tutor.analysis.rules.compose_host_namespaces import ComposeHostNamespace
from tutor.analysis.rules.compose_host_path import ComposeHostPath
from tutor.analysis.rules.compose_java_debug import ComposeJavaDebug
from tutor.analysis.rules.compose_no_new_privileges import ComposeNoNewPrivileges
from tutor.analysis.rules.compose_privileged import ComposePrivileged
from tutor.analysis.rules.compose_read_only import ComposeReadOnly
from tutor.analysis.rules.compose_security_profile import ComposeSecurityProfileDisabled
from tutor.analysis.rules.compose_user_root import ComposeUserRoot
from tutor.analysis.rules.compose_user_unset import ComposeUserUnset
from tutor.analysis.rules.curl_pipe_shell import CurlPipeShell
from tutor.analysis.rules.download_unverified import DownloadUnverified
from tutor.analysis.rules.entrypoint_not_executable import EntrypointNotExecutable
from tutor.analysis.rules.expose_ssh import ExposeSsh
from tutor.analysis.rules.final_user_root import FinalUserRoot
from tutor.analysis.rules.java_debug_agent import JavaDebugAgent
from tutor.analysis.rules.secret_env_arg import SecretInEnvOrArg
from tutor.analysis.rules.secret_file_copied import SecretFileCopied
from tutor.analysis.rules.secret_in_context import SecretInBuildContext
from tutor.analysis.rules.secret_removed_later import SecretRemovedLater
from tutor.analysis.rules.secret_value import SecretValue
from tutor.analysis.rules.secret_written import SecretWrittenToFile
from tutor.analysis.rules.setcap import FileCapabilities
from tutor.analysis.rules.setuid import SetuidBit
from tutor.analysis.rules.sudo import SudoInImage
from tutor.analysis.rules.syntax import SyntaxProblem
from tutor.analysis.rules.user_by_name import UserByName
from tutor.analysis.rules.user_in_other_stage import UserInOtherStage
from tutor.analysis.rules.user_privileged_group import UserInPrivilegedGroup
from tutor.analysis.rules.user_unknown import UserUnknown
from tutor.analysis.rules.user_without_uid import UserWithoutUid
from tutor.analysis.rules.volume_not_writable import VolumeNotWritable
from tutor.analysis.rules.world_writable import WorldWritable
from tutor.analysis.suppress import alias_matches

_ALL: tuple[type[Rule], ...] = (
    SyntaxProblem,
    FinalUserRoot,
    UserInOtherStage,
    UserUnknown,
    UserByName,
    UserWithoutUid,
    SudoInImage,
    WorldWritable,
    SetuidBit,
    ComposeUserRoot,
    ComposeUserUnset,
    BuildStepNeedsRoot,
    EntrypointNotExecutable,
    CodeWritableByUser,
    VolumeNotWritable,
    UserInPrivilegedGroup,
    SecretInEnvOrArg,
    SecretValue,
    SecretFileCopied,
    SecretRemovedLater,
    SecretInBuildContext,
    ComposeEnvironmentSecret,
    SecretWrittenToFile,
    FileCapabilities,
    ComposePrivileged,
    ComposeCapAdd,
    ComposeCapDropMissing,
    ComposeNoNewPrivileges,
    ComposeReadOnly,
    ComposeDockerSocket,
    ComposeHostNamespace,
    ComposeDevices,
    ComposeSecurityProfileDisabled,
    ComposeHostPath,
    ComposeJavaDebug,
    BaseImageUnpinned,
    BaseImageNoDigest,
    BaseImageEndOfLife,
    AddRemoteUrl,
    CurlPipeShell,
    ExposeSsh,
    DownloadUnverified,
    JavaDebugAgent,
)

RULES: dict[str, Rule] = {cls.id: cls() for cls in _ALL}
if len(RULES) != len(_ALL):
    raise RuntimeError("two rules share an id")


def rule_for(rule_id: str) -> Rule | None:
    """The rule with this id or alias (hadolint, Trivy, Checkov, BuildKit), if any."""
    matches = rules_for_alias(rule_id)
    return matches[0] if matches else None


def rules_for_alias(alias: str) -> list[Rule]:
    """Every rule that claims this peer id (or is it); ``CKV_SECRET_*`` covers a family."""
    wanted = alias.strip().upper()
    return [r for r in RULES.values()
            if r.id == wanted or any(alias_matches(a, wanted) for a in r.aliases)]
