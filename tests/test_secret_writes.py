"""HT207: how a secret's value is followed into files, and what its findings say."""

from __future__ import annotations

import pytest

from tests.conftest import TODAY
from tutor.analysis.engine import analyze_dockerfile
from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity
from tutor.analysis.parse import parse
from tutor.analysis.profile import compute_profile
from tutor.analysis.rules import RULES
from tutor.analysis.rules.base import DockerfileContext
from tutor.analysis.secret_writes import secret_writes

T = frozenset({"T"})
NONE: frozenset[str] = frozenset()
MOUNTED = frozenset({"/run/secrets/s"})

# (script, variables holding a secret, secret files, files left holding it)
WRITES = [
    ("cargo login $T", T, NONE, ["~/.cargo/credentials.toml"]),
    ("echo $T | gh auth login --with-token", T, NONE, ["~/.config/gh/hosts.yml"]),
    ("gh auth login --with-token < /run/secrets/s", NONE, MOUNTED, ["~/.config/gh/hosts.yml"]),
    ("dotnet nuget add source https://pkgs.example.com/v3/index.json -n feed -u ci -p $T "
     "--store-password-in-clear-text", T, NONE, ["~/.nuget/NuGet/NuGet.Config"]),
    ("poetry config http-basic.internal ci $T", T, NONE, ["poetry's auth.toml"]),
    ("composer config --global http-basic.repo.example.com ci $T", T, NONE,
     ["~/.composer/auth.json"]),
    ("bundle config set --global gems.example.com ci:$T", T, NONE, ["~/.bundle/config"]),
    ("aws configure set aws_secret_access_key $T", T, NONE, ["~/.aws/credentials"]),
    ("gpg --batch --import /run/secrets/s", NONE, MOUNTED, ["~/.gnupg"]),
    ("gcloud auth activate-service-account --key-file=/run/secrets/s", NONE, MOUNTED,
     ["~/.config/gcloud"]),
    ("kubectl config set-credentials ci --token=$T", T, NONE, ["~/.kube/config"]),
    ("helm registry login registry.example.com -u ci --password $T", T, NONE,
     ["~/.config/helm/registry/config.json"]),
    ("helm repo add internal https://charts.example.com --username ci --password=$T", T, NONE,
     ["~/.config/helm/repositories.yaml"]),
    ("docker login -u ci -p $T registry.example.com", T, NONE, ["~/.docker/config.json"]),
    ("docker login -u ci --password-stdin <<< \"$T\"", T, NONE, ["~/.docker/config.json"]),
    ("python3 -m pip config --global set global.index-url https://ci:$T@pypi.example.com/s",
     T, NONE, ["/etc/pip.conf"]),
    ("git remote set-url origin https://ci:$T@git.example.com/a.git", T, NONE, [".git/config"]),
    ('git config --global http.extraHeader "Authorization: Bearer $T"', T, NONE,
     ["~/.gitconfig"]),
    ("git clone https://$T@github.com/example/tool.git", T, NONE, ["tool/.git/config"]),
    ("cat /run/secrets/s | tr -d '\\n' > /app/key", NONE, MOUNTED, ["/app/key"]),
    ("install -m 600 /run/secrets/s /root/.ssh/id_ed25519", NONE, MOUNTED,
     ["/root/.ssh/id_ed25519"]),
    ("dd if=/run/secrets/s of=/app/key.bin", NONE, MOUNTED, ["/app/key.bin"]),
    ("cp -r /run/secrets/* /secrets/", NONE, MOUNTED, ["/secrets/"]),
    ("read -r PW < /run/secrets/s && echo \"$PW\" > /app/pw", NONE, MOUNTED, ["/app/pw"]),
    ("A=$(cat /run/secrets/s) && B=\"x-$A\" && echo $B > /app/b", NONE, MOUNTED, ["/app/b"]),
    ("envsubst '$T' < settings.tpl > settings.xml", frozenset({"T", "OTHER"}), NONE,
     ["settings.xml"]),
    # Not written anywhere, or not kept.
    # The shell assigns in order: B is set before A holds the secret, and A is then replaced.
    ("B=$A && A=$(cat /run/secrets/s) && echo $B > /app/b", NONE, MOUNTED, []),
    ("A=$(cat /run/secrets/s) && npm ci && A=done && echo $A > /app/a", NONE, MOUNTED, []),
    ("envsubst '$OTHER' < settings.tpl > settings.xml", T, NONE, []),
    ("git clone https://github.com/$T/tool.git", T, NONE, []),
    ('git -c http.extraHeader="Authorization: Bearer $T" clone https://h.example/r.git', T, NONE,
     []),
    ('curl -fsSH "Authorization: Bearer $T" -o /app/data.json https://api.example.com', T, NONE,
     []),
    ("cat /run/secrets/s | sha256sum > /app/checksum", NONE, MOUNTED, []),
    ("echo $T > /dev/null", T, NONE, []),
    ("echo \\$T > /app/literal", T, NONE, []),
    ("npm config set //r.example.com/:_authToken '${T}'", T, NONE, []),
    ("docker login -u ci -p $T && docker push app && docker logout", T, NONE, []),
    ("git config --global url.https://$T@github.com/.insteadOf https://github.com/ && go build"
     " && git config --global --unset url.https://$T@github.com/.insteadOf", T, NONE, []),
    ("gpg --import /run/secrets/s && gpg --sign f && rm -rf ~/.gnupg", NONE, MOUNTED, []),
]


@pytest.mark.parametrize(("script", "variables", "paths", "kept"), WRITES,
                         ids=[w[0][:40] for w in WRITES])
def test_files_a_script_leaves_a_secret_in(script: str, variables: frozenset[str],
                                           paths: frozenset[str], kept: list[str]) -> None:
    """Each tool's credential file is found; reads, placeholders and undone writes are not."""
    found = [w.destination for w in secret_writes(script, variables, paths) if not w.removed]
    assert found == kept


def test_credential_positions_are_told_apart() -> None:
    """A value after `_authToken=` or in a URL's password is a credential; elsewhere it is not."""
    (token,) = secret_writes('echo "//r/:_authToken=$T" > .npmrc', T, NONE)
    (plain,) = secret_writes('echo "build $T" > /app/label', T, NONE)
    (url,) = secret_writes('echo "https://ci:$T@git.example.com" > ~/.git-credentials', T, NONE)
    assert token.credentials == ("T",) and url.credentials == ("T",)
    assert plain.credentials == ()


def ht207(text: str) -> list[Finding]:
    """HT207's findings straight from the rule, before the engine's scrubber sees them."""
    dockerfile = parse(text)
    ctx = DockerfileContext(dockerfile, compute_profile(dockerfile, None), TODAY)
    return list(RULES["HT207"].check(ctx))


def test_a_stage_the_image_does_not_ship_is_a_warning() -> None:
    """A builder's layer is a warning; COPY --from of the file makes it an error again."""
    builder = ("FROM node:22-slim AS build\nWORKDIR /src\n"
               "RUN --mount=type=secret,id=npm cat /run/secrets/npm > .npmrc && npm ci\n")
    (kept,) = ht207(builder + "FROM node:22-slim\nCOPY --from=build /src/dist /app\n")
    assert kept.severity is Severity.WARNING and "build stage 'build'" in kept.message
    (shipped,) = ht207(builder + "FROM node:22-slim\nCOPY --from=build /src /app\n")
    assert shipped.severity is Severity.ERROR
    assert "COPY --from on line 5 carries the file into the final image" in shipped.message


def test_a_later_rm_is_named_in_the_finding_and_not_reported_again() -> None:
    """Write, then rm in the next RUN: one HT207 on the write naming the rm, and no HT204."""
    text = ("FROM node:22-slim\nWORKDIR /app\n"
            "RUN --mount=type=secret,id=npm cat /run/secrets/npm > .npmrc && npm ci\n"
            "RUN rm .npmrc\nUSER 1000\n")
    findings = analyze_dockerfile(text, today=TODAY).findings
    assert [(f.rule, f.line) for f in findings if f.rule != "HT402"] == [("HT207", 3)]
    assert "line 4 deletes it, but only from later layers" in findings[-1].message


def test_a_relative_rm_elsewhere_does_not_count_as_deleting_the_file() -> None:
    """`rm .npmrc` under WORKDIR /app leaves /root/.npmrc where it was."""
    (finding,) = ht207("FROM node:22-slim\nWORKDIR /app\nARG NPM_TOKEN\n"
                       'RUN echo "//r/:_authToken=$NPM_TOKEN" > /root/.npmrc\n'
                       "RUN rm -f .npmrc\n")
    assert "nothing in the same step deletes it" in finding.message


def test_messages_name_secrets_but_never_show_a_value() -> None:
    """Even unscrubbed, a finding shows names and paths, not the literal next to a reference."""
    value = "Sup3r-Secret-Passw0rd"
    (finding,) = ht207("FROM alpine:3.22\nARG T\n"
                       f"RUN git clone https://${{T}}:{value}@git.example.com\n")
    assert value not in finding.message and "build argument T" in finding.message
    (finding,) = ht207(f"FROM alpine:3.22\nARG PKG_ACCESS={value}\n"
                       'RUN echo "_authToken=$PKG_ACCESS" > /root/.npmrc\n')
    assert value not in finding.message


def test_copy_here_document_with_a_quoted_delimiter_is_not_expanded() -> None:
    """Docker expands build arguments in `COPY <<EOF`, not in `COPY <<'EOF'`."""
    body = "//registry.npmjs.org/:_authToken=${PKG_ACCESS}\nEOF\n"
    assert ht207(f"FROM node:22-slim\nARG PKG_ACCESS\nCOPY <<EOF /root/.npmrc\n{body}")
    assert not ht207(f"FROM node:22-slim\nARG PKG_ACCESS\nCOPY <<'EOF' /root/.npmrc\n{body}")
