"""HT207: a build argument's or a BuildKit secret's value is written into a file a layer keeps."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Instruction, Severity, Topic
from tutor.analysis.rules._secret_writes import (
    Secret,
    copied_out,
    instruction_writes,
    removed_later,
)
from tutor.analysis.rules.base import CRITICAL, DockerfileContext, DockerfileRule
from tutor.analysis.secret_flow import Write
from tutor.analysis.secret_names import is_secret_name, name_words

# A build argument whose name ends in one of these says what it is, and it is not a secret:
# ``APP_VERSION`` written to /app/VERSION, ``NPM_REGISTRY_URL`` to .npmrc, ``GIT_USER``.
_PLAIN_WORDS = frozenset({
    "version", "ver", "path", "dir", "directory", "home", "url", "uri", "host", "hostname",
    "domain", "port", "user", "username", "login", "email", "name", "registry", "mirror",
    "proxy", "repo", "repository", "branch", "tag", "ref", "commit", "sha", "arch",
    "platform", "os", "distro", "release", "env", "environment", "mode", "level", "debug",
    "locale", "lang", "tz", "timezone", "uid", "gid", "id", "org", "owner", "project",
    "region", "zone", "channel", "date", "time", "file", "endpoint", "prefix", "suffix",
    "flag", "flags", "enabled", "enable", "disabled", "disable", "type", "target",
})
# Files that exist only to hold credentials: whatever a build argument writes there is one.
# npm's, pip's, yarn's and Maven's files also hold registry addresses, proxies and options.
_CREDENTIAL_FILES = frozenset({".netrc", "_netrc", ".git-credentials", ".pgpass", ".pypirc",
                               ".vault-token", ".dockercfg", ".docker/config.json",
                               ".aws/credentials", ".gem/credentials",
                               ".cargo/credentials", ".cargo/credentials.toml"})
_SHOWN = 3


class SecretWrittenToFile(DockerfileRule):
    """A build argument's or a BuildKit secret's value is written into a file that stays in a layer.

    Why:
        A secret mount is never stored in the image, but what a command copies out of it
        is: `cat /run/secrets/npm > ~/.npmrc`, `npm config set …:_authToken "$TOKEN"` or
        `echo "$PW" | docker login --password-stdin` leave a file in that RUN's layer, and
        anyone who can pull the image can unpack the layer and read it. Deleting the file
        in a later RUN only hides it; the earlier layer still holds it. A build argument
        written to a file is stored the same way, on top of being recorded in
        `docker history`. Any file counts for a secret mount, `/tmp` too. A build argument
        is taken for a secret when its name says so, when it lands where a credential
        goes (`_authToken=`, `password`, the `user:password@` of a URL, a login), or when
        the file holds nothing but credentials (`.netrc`, `.git-credentials`,
        `~/.docker/config.json`); one named like a version, path, URL, host or user is not.

    Failing:
        FROM node:22-slim
        WORKDIR /app
        COPY package.json package-lock.json ./
        RUN --mount=type=secret,id=npmrc cp /run/secrets/npmrc /root/.npmrc && npm ci
        USER 1000

    Passing:
        FROM node:22-slim
        WORKDIR /app
        COPY package.json package-lock.json ./
        RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
        USER 1000

    Fix:
        Mount the secret where the tool reads it
        (`--mount=type=secret,id=npmrc,target=/root/.npmrc`) or hand it over as a
        variable (`env=NPM_TOKEN`), and pass secrets with `docker build --secret`, never
        as build arguments. If a tool insists on a file, write it, use it and delete it
        in the same RUN. Rotate any secret an image has already shipped.
    """

    id = "HT207"
    name = "secret-written-to-file"
    topic = Topic.SECRETS
    severity = Severity.ERROR
    security_severity = CRITICAL
    lesson = "secrets"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """One finding per instruction that leaves a secret in a file, naming each file."""
        for inst in ctx.instructions("RUN", "COPY", "ADD"):
            kept = [(w, secret) for w, secret in instruction_writes(ctx, inst)
                    if not w.removed and _counts(w, secret)]
            if kept:
                yield self._report(ctx, inst, kept)

    def _report(self, ctx: DockerfileContext, inst: Instruction,
                kept: list[tuple[Write, Secret]]) -> Finding:
        """The finding for one instruction: what went where, and why it is still there."""
        grouped: dict[tuple[str, str], list[Secret]] = {}
        for write, secret in kept:
            secrets = grouped.setdefault((write.destination, write.how), [])
            if secret not in secrets:
                secrets.append(secret)
        parts = [f"{_named(secrets)} into {destination} ({how})"
                 for (destination, how), secrets in grouped.items()]
        what = "; ".join(parts[:_SHOWN]) + (f"; and {len(parts) - _SHOWN} more"
                                            if len(parts) > _SHOWN else "")
        # A later RUN's rm of the file is named here, not reported again as HT204: that
        # rule is about files COPY and ADD stored, and this is one problem with one fix.
        later = next((line for w, _ in kept if (line := removed_later(ctx, inst, w))), None)
        hidden = (f"line {later} deletes it, but only from later layers, so "
                  if later is not None else "nothing in the same step deletes it, so ")
        shipped = inst.stage in ctx.final_chain
        carried = None if shipped else next(
            (line for w, _ in kept if (line := copied_out(ctx, inst, w))), None)
        if shipped or carried is not None:
            where = "this layer keeps the file, where anyone who can pull the image can read it"
            if carried is not None:
                where = (f"COPY --from on line {carried} carries the file into the final "
                         f"image, where anyone who can pull it can read it")
            severity = Severity.ERROR
        else:
            stage = ctx.dockerfile.stages[inst.stage].label
            where = (f"the layer of build stage {stage} keeps the file, in the build "
                     f"cache and in any image built from that stage")
            severity = Severity.WARNING
        # "Build arguments are visible in the docker history command" (Dockerfile reference,
        # ARG: https://docs.docker.com/reference/dockerfile/#arg), for the RUNs that see
        # them. HT201 already says so for an argument named like a secret.
        history = (" The build argument is also recorded in `docker history`."
                   if inst.keyword == "RUN" and any(s.argument and not is_secret_name(s.name)
                                                    for _, s in kept) else "")
        return self.finding(inst.line, f"{inst.keyword} writes {what}; {hidden}{where}."
                            f"{history}", inst.end_line, severity=severity)


def _named(secrets: list[Secret]) -> str:
    """"the build secrets 'a' and 'b'", "build argument X", joined with "and"."""
    phrases: list[str] = []
    for argument, kind in ((False, "the build secret"), (True, "build argument")):
        names = [s.name if argument else f"'{s.name}'" for s in secrets if s.argument == argument]
        if names:
            listed = names[0] if len(names) == 1 else \
                ", ".join(names[:-1]) + " and " + names[-1]
            phrases.append(f"{kind}{'s' if len(names) > 1 else ''} {listed}")
    return " and ".join(phrases)


def _counts(write: Write, secret: Secret) -> bool:
    """A mount's secret always counts; a build argument needs a reason (see the docstring)."""
    if not secret.argument:
        return True
    name = secret.name
    words = name_words(name)
    if not words or (words[-1] in _PLAIN_WORDS and not is_secret_name(name)):
        return False
    return (is_secret_name(name) or name in write.credentials
            or _is_credential_file(write.destination))


def _is_credential_file(path: str) -> bool:
    parts = path.rstrip("/").split("/")
    return parts[-1] in _CREDENTIAL_FILES or "/".join(parts[-2:]) in _CREDENTIAL_FILES


