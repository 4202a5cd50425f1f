"""Secret values, command-line secrets, placeholders, redaction and secret file names."""

from __future__ import annotations

import base64
import itertools
import json
import random
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.analysis.secret_commands import find_command_secrets
from tutor.analysis.secrets import (
    SecretMatch,
    find_secret_values,
    is_placeholder,
    redact,
    secret_file_kind,
)

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
URLSAFE = ALNUM + "_-"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"


def fake(length: int, alphabet: str = ALNUM, seed: int = 0) -> str:
    """A reproducible random string: format-valid test data that is nobody's secret."""
    rng = random.Random(f"{length}:{alphabet}:{seed}")
    return "".join(rng.choice(alphabet) for _ in range(length))


def b64url(data: dict[str, object]) -> str:
    """JSON encoded as unpadded base64url, as in a JWT."""
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


JWT = (b64url({"alg": "HS256", "typ": "JWT"}) + "." + b64url({"sub": "1234567890", "iat": 1})
       + "." + fake(43, URLSAFE))
AZURE_KEY = fake(86, B64) + "=="
RSA_KEY = ("-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(fake(64, B64, n) for n in range(4))
           + "\n-----END RSA PRIVATE KEY-----")

# (kind, text around the value, the value, how many leading characters are a public prefix)
KNOWN_FORMATS = [
    ("AWS access key ID", "ENV AWS_ACCESS_KEY_ID={}", "AKIA" + fake(16, UPPER_DIGITS), 4),
    ("AWS access key ID", "aws_access_key_id = {}", "ASIA" + fake(16, UPPER_DIGITS, 1), 4),
    ("GitHub token", "ENV GH={}", "ghp_" + fake(36), 4),
    ("GitHub token", "ENV GH={}", "gho_" + fake(36, seed=1), 4),
    ("GitHub token", "ENV GH={}", "ghs_" + fake(36, seed=2), 4),
    ("GitHub token", "ENV GH={}", "github_pat_" + fake(22) + "_" + fake(59), 11),
    ("GitLab token", "ENV GL={}", "glpat-" + fake(20, URLSAFE), 6),
    ("GitLab token", "ENV GL={}", "glrt-" + fake(20, URLSAFE, 1), 5),
    ("GitLab token", "ENV GL={}", "gldt-" + fake(20, URLSAFE, 2), 5),
    ("Slack token", "ENV SLACK={}", "xoxb-" + fake(12, "0123456789") + "-"
     + fake(13, "0123456789") + "-" + fake(24), 5),
    ("Slack token", "ENV SLACK={}", "xoxp-" + fake(12, "0123456789", 1) + "-" + fake(32), 5),
    ("Slack webhook URL", "ENV HOOK={}", "https://hooks.slack.com/services/T"
     + fake(8, UPPER_DIGITS) + "/B" + fake(8, UPPER_DIGITS, 1) + "/" + fake(24), 33),
    ("Stripe secret key", "ENV STRIPE={}", "sk_live_" + fake(24), 8),
    ("Stripe secret key", "ENV STRIPE={}", "sk_test_" + fake(24, seed=1), 8),
    ("Stripe restricted key", "ENV STRIPE={}", "rk_live_" + fake(24, seed=2), 8),
    ("Google API key", "ENV MAPS={}", "AIza" + fake(35, URLSAFE), 4),
    ("Google OAuth client secret", "ENV OAUTH={}", "GOCSPX-" + fake(28, URLSAFE), 7),
    ("JWT", "ENV SESSION={}", JWT, 3),
    ("npm token", "ENV NPM={}", "npm_" + fake(36), 4),
    ("PyPI token", "ENV PYPI={}", "pypi-AgEIcHlwaS5vcmc" + fake(60, URLSAFE), 5),
    ("Docker Hub token", "ENV HUB={}", "dckr_pat_" + fake(27, URLSAFE), 9),
    ("OpenAI API key", "ENV OPENAI={}", "sk-proj-" + fake(48, URLSAFE), 8),
    ("OpenAI API key", "ENV OPENAI={}", "sk-" + fake(20) + "T3BlbkFJ" + fake(20, seed=1), 3),
    ("Anthropic API key", "ENV CLAUDE={}", "sk-ant-api03-" + fake(93, URLSAFE), 7),
    ("Hugging Face token", "ENV HF={}", "hf_" + fake(34, string.ascii_letters), 3),
    ("SendGrid API key", "ENV SG={}", "SG." + fake(22, URLSAFE) + "." + fake(43, URLSAFE), 3),
    ("DigitalOcean token", "ENV DO={}", "dop_v1_" + fake(64, HEX), 7),
    ("Azure storage account key",
     "ENV AZ=DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={};EndpointSuffix=x",
     AZURE_KEY, 0),
    ("password in URL", "RUN git clone https://bob:{}@git.corp.test/app.git", "Tr0ub4dor3", 0),
    ("password in URL", "ENV DATABASE_URL=postgres://app:{}@db:5432/app", "s3cr3t-pw", 0),
    ("high-entropy string", "ENV SESSION_SECRET={}", fake(40, B64), 0),
    ("high-entropy string", "ENV X={}", fake(24, ALNUM, 3), 0),
    ("high-entropy string", "LABEL sig=\"{}\"", fake(64, URLSAFE, 4), 0),
    # Base64 of words still hides a credential: "username:password123".
    ("high-entropy string", "ENV AUTH={}", "dXNlcm5hbWU6cGFzc3dvcmQxMjM=", 0),
]


@pytest.mark.parametrize(("kind", "template", "value", "prefix"), KNOWN_FORMATS,
                         ids=[f"{k}-{i}" for i, (k, *_) in enumerate(KNOWN_FORMATS)])
def test_known_format_is_found_with_its_position(kind: str, template: str, value: str,
                                                 prefix: int) -> None:
    """Each known format is found once, labelled, located exactly, with its public prefix."""
    text = template.format(value)
    assert find_secret_values(text) == [
        SecretMatch(kind, value, text.index(value), text.index(value) + len(value), prefix)]


def test_private_key_covers_header_to_end_line_and_shows_only_the_header() -> None:
    """A private key block is one match from BEGIN to END, and its mask is the header."""
    text = f"RUN echo '{RSA_KEY}' > /root/.ssh/id_rsa && chmod 600 /root/.ssh/id_rsa"
    [match] = find_secret_values(text)
    assert (match.kind, match.value) == ("private key", RSA_KEY)
    assert match.masked == "-----BEGIN RSA PRIVATE KEY-----…"


def test_private_key_without_end_line_runs_to_the_end_of_the_text() -> None:
    """A truncated private key still matches, from its header to the end of the text."""
    text = "ENV KEY=\"-----BEGIN OPENSSH PRIVATE KEY-----\\n" + fake(70, B64)
    [match] = find_secret_values(text)
    assert (match.kind, match.end) == ("private key", len(text))
    assert match.masked == "-----BEGIN OPENSSH PRIVATE KEY-----…"


NOT_SECRETS = [
    # Look-alikes of known formats.
    "ENV STRIPE_PUBLISHABLE_KEY=pk_live_" + fake(24),
    "ENV K=AKIA" + fake(15, UPPER_DIGITS),
    "ENV K=AKIA" + fake(16, string.ascii_lowercase),
    "ENV K=XAKIA" + fake(16, UPPER_DIGITS),
    "ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "ENV GH=ghp_" + "x" * 36,
    "ENV GH=ghp_" + fake(10),
    "RUN python -c 'from huggingface_hub import hf_hub_download'",
    "RUN pip install scikit-learn sk-video",
    # Credentials that are references, not literals.
    "ENV DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app",
    "ENV DATABASE_URL=postgres://app:$DB_PASSWORD@db/app",
    "RUN git clone https://oauth2:${GITLAB_TOKEN}@gitlab.com/org/repo.git",
    "ENV DATABASE_URL=postgres://user:<password>@db/app",
    "RUN git clone git@github.com:org/repo.git",
    # Digests, checksums and fingerprints.
    "RUN echo '" + fake(64, HEX) + "  node.tar.xz' | sha256sum -c -",
    "FROM python:3.12-slim@sha256:" + fake(64, HEX),
    "LABEL org.opencontainers.image.revision=" + fake(40, HEX),
    "RUN gpg --recv-keys B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8",
    '"integrity": "sha512-' + fake(86, B64) + '=="',
    '<script integrity="sha384-' + fake(64, B64) + '">',
    "md5:" + fake(22, B64) + "==",
    "github.com/pkg/errors v0.9.1 h1:" + fake(43, B64) + "=",
    "ENV ID=" + "8f14e45f-ceea-467f-a0e6-" + fake(12, HEX),
    # Public keys and certificates.
    "RUN echo 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + fake(300, B64) + " me@host' >> keys",
    "RUN echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + fake(43, B64) + "' >> keys",
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBB" + fake(87, B64),
    "-----BEGIN CERTIFICATE-----\n" + fake(64, B64) + "\n" + fake(64, B64, 1)
    + "\n-----END CERTIFICATE-----",
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n" + fake(64, B64) + "\n=" + fake(4, B64),
    # Paths, URLs, versions and class names made of words.
    "ENV LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu:/usr/local/cuda-12.1/lib64",
    "ADD https://github.com/org/Repo/releases/download/v1.2.3/tool_Linux_x86_64.tar.gz /tmp/",
    "RUN curl -fsSL https://download.microsoft.com/download/9/3/F/"
    "93FCF1E7-E6A4-478B-96E7-D4B285925B00/vc_redist.x64.exe -o vc.exe",
    "# ref https://help.ubnt.com/hc/en-us/articles/218506997-UniFi-Ports-Used",
    "COPY src/main/java/org/neo4j/shell/impl/RemotelyAvailableServer2.java /src/",
    "FROM node:20.11.1-alpine3.19",
    "ENV JAVA_OPTS=-Dlog4j2.contextSelector=org.apache.logging.log4j.core.async.Selector",
    "ENV DJANGO_SETTINGS_MODULE=myproject.settings.ProductionSettings2024",
    "RUN ./configure --with-openssl=/usr/local/ssl --enable-optimizations2",
    "ENV PATH=$HOME/.local/bin:$PATH GOFLAGS=-mod=vendor",
    "ENV NVIDIA_REQUIRE_CUDA=cuda>=12.1 brand=tesla,driver>=470,driver<471",
    "ENV IMG=data:image/png;base64," + fake(40, B64),
    "ENV MSG=if_you_see_this_please_use_K8S_and_Vault",
]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_no_secret_in_lookalikes_digests_keys_and_paths(text: str) -> None:
    """Look-alikes, references, digests, public keys, paths and versions are not secrets."""
    assert find_secret_values(text) == []
    assert find_command_secrets(text) == []


# (RUN script, kind, the secret it holds)
PW = "Hunter2pw"
TOKEN = "abc123tokenValue"
ON_CLI = "password on the command line"
IN_HEADER = "credential in an HTTP header"
AWS_CLI = "AWS secret on the command line"
NPM_CLI = "npm token on the command line"
COMMAND_LINE = [
    (f"docker login -u bob -p {PW} registry.corp.test", ON_CLI, PW),
    (f"docker login -u bob -p{PW}", ON_CLI, PW),
    (f"docker login --password={PW} -u bob", ON_CLI, PW),
    (f"docker login -u bob --password \\\n    {PW} reg.test", ON_CLI, PW),
    (f"docker login \\\n    -u bob \\\n    -p '{PW}' \\\n    ghcr.io", ON_CLI, PW),
    (f"podman login --username bob --password {PW} quay.io", ON_CLI, PW),
    (f"helm registry login -u bob -p {PW} reg.test", ON_CLI, PW),
    (f"az login -u bob -p {PW}", ON_CLI, PW),
    (f"echo {PW} | docker login -u bob --password-stdin", ON_CLI, PW),
    (f"printf '%s' \"{PW}\" | docker login --password-stdin -u bob", ON_CLI, PW),
    (f"sshpass -p '{PW}' ssh deploy@host true", ON_CLI, PW),
    (f"sshpass -p{PW} scp a b:", ON_CLI, PW),
    (f"mysql -uroot -p{PW} -e 'CREATE DATABASE app'", ON_CLI, PW),
    (f"mysqladmin -u root -p'{PW}' status", ON_CLI, PW),
    (f"mariadb --password={PW} app < dump.sql", ON_CLI, PW),
    (f"/opt/mssql-tools18/bin/sqlcmd -S localhost -U sa -P '{PW}' -C -i init.sql", ON_CLI, PW),
    (f"sqlcmd -S db -U sa -P{PW} -Q 'SELECT 1'", ON_CLI, PW),
    (f"curl -u bob:{PW} https://nexus.corp.test/repo", ON_CLI, PW),
    (f"curl -fsS --user \"bob:{PW}\" -O https://nexus.corp.test/a", ON_CLI, PW),
    (f"curl --user=bob:{PW} https://x.test", ON_CLI, PW),
    (f"curl -ubob:{PW} https://x.test", ON_CLI, PW),
    (f"curl -fsSL \\\n\t-u bob:{PW} \\\n\thttps://x.test", ON_CLI, PW),
    (f"wget --http-password={PW} --http-user=bob https://x.test/a", ON_CLI, PW),
    (f"wget --password {PW} --user bob ftp://x.test/a", ON_CLI, PW),
    (f"curl -H \"Authorization: Bearer {TOKEN}\" https://api.test", IN_HEADER, TOKEN),
    (f"curl -H 'Authorization: token {TOKEN}' https://api.github.com", IN_HEADER, TOKEN),
    (f"curl --header \"authorization: Basic {TOKEN}\" https://x.test", IN_HEADER, TOKEN),
    (f"wget --header='PRIVATE-TOKEN: {TOKEN}' https://gitlab.test/api", IN_HEADER, TOKEN),
    (f"htpasswd -bc /etc/nginx/.htpasswd admin {PW}", ON_CLI, PW),
    (f"htpasswd -b -C 10 /etc/nginx/.htpasswd admin {PW}", ON_CLI, PW),
    (f"htpasswd -nb admin {PW} > /etc/nginx/.htpasswd", ON_CLI, PW),
    (f"aws configure set aws_secret_access_key {PW}", AWS_CLI, PW),
    (f"aws configure set --profile ci aws_session_token {PW}", AWS_CLI, PW),
    (f"npm config set //registry.npmjs.org/:_authToken {TOKEN}", NPM_CLI, TOKEN),
    (f"echo \"//registry.npmjs.org/:_authToken={TOKEN}\" > ~/.npmrc && npm ci", NPM_CLI, TOKEN),
    (f"yarn config set npmAuthToken {TOKEN}", NPM_CLI, TOKEN),
    (f"echo 'root:{PW}' | chpasswd", ON_CLI, PW),
    (f"echo \"deploy:{PW}\" | sudo chpasswd", ON_CLI, PW),
    (f"echo {PW} | passwd --stdin root", ON_CLI, PW),
    (f"vault-cli --token {TOKEN} read kv/app", "token on the command line", TOKEN),
    (f"tool --token={TOKEN}", "token on the command line", TOKEN),
    (f"tool --api-key \"{TOKEN}\"", "API key on the command line", TOKEN),
    (f"tool --apikey={TOKEN}", "API key on the command line", TOKEN),
    (f"tool --client-secret '{TOKEN}'", "client secret on the command line", TOKEN),
    (f"tool --secret {TOKEN}", "secret on the command line", TOKEN),
    (f"tool --pass {PW}", ON_CLI, PW),
    (f"tool --passwd={PW}", ON_CLI, PW),
    (f"openssl pkcs12 -export -in c.pem -out c.p12 -passout pass:{PW}", ON_CLI, PW),
    (f"git clone https://bob:{TOKEN}@git.corp.test/app.git", "password in URL", TOKEN),
    (f"apt-get update && tool --password {PW} && rm -rf /var/lib/apt/lists/*", ON_CLI, PW),
    # A literal default is still a baked-in password.
    ("tool --password changeme", ON_CLI, "changeme"),
]


@pytest.mark.parametrize(("script", "kind", "value"), COMMAND_LINE)
def test_command_line_secret_is_found(script: str, kind: str, value: str) -> None:
    """A secret handed to a program on its command line is found once, with only its value."""
    [match] = find_command_secrets(script)
    assert (match.kind, match.value) == (kind, value)
    assert script[match.start:match.end] == value


NOT_COMMAND_SECRETS = [
    'docker login -u bob -p "$REGISTRY_PASSWORD" registry.corp.test',
    "docker login -u bob -p ${REGISTRY_PASSWORD}",
    'docker login -u bob --password "$(cat /run/secrets/registry)"',
    "docker login -u bob --password `cat /run/secrets/registry`",
    "docker login -u bob --password-stdin < /run/secrets/registry",
    "cat /run/secrets/registry | docker login -u bob --password-stdin",
    'echo "$REGISTRY_PASSWORD" | docker login -u bob --password-stdin',
    "docker login --password - -u bob",
    "docker run -p 8080:80 nginx",
    "mkdir -p /app && ssh -p 2222 host true",
    "mysql -u root -p app",
    "mysql --password app",
    "apt-get install -y curl wget default-mysql-client sshpass",
    "curl -u bob https://nexus.corp.test/repo",
    'curl -u "$NEXUS_USER:$NEXUS_PASSWORD" https://nexus.corp.test/repo',
    "curl -u bob:${NEXUS_PASSWORD} https://nexus.corp.test/repo",
    'curl -H "Authorization: Bearer $API_TOKEN" https://api.test',
    'curl -H "Authorization: Bearer ${API_TOKEN}" https://api.test',
    'curl -H "Authorization: token $(cat /run/secrets/gh)" https://api.github.com',
    "curl -H 'Authorization: Bearer <token>' https://api.test",
    "curl -d @/run/secrets/body https://api.test",
    "docker build --secret id=npm,src=/tmp/npmrc .",
    "docker buildx build --secret id=gh,env=GH_TOKEN .",
    "tool --token-file /run/secrets/token && tool --password-file=/run/secrets/pw",
    "tool --token /run/secrets/token",
    "tool --password=<password> && tool --token xxxxxxxx && tool --api-key YOUR_API_KEY",
    "tool --api-key=REPLACE_ME && tool --secret TODO && tool --token ${{ secrets.TOKEN }}",
    "psql --password -U postgres -c 'select 1'",
    "sqlcmd -S db -U sa -P \"$MSSQL_SA_PASSWORD\" -p -Q 'SELECT 1'",
    "sqlcmd -S db -E -p1 -i init.sql",
    "npm config set //registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    'echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc',
    "git clone https://github.com/cesanta/docker_auth /go/src/docker_auth",
    "sshpass -f /run/secrets/pw ssh deploy@host true",
    "sshpass -e ssh deploy@host true",
    "htpasswd -c /etc/nginx/.htpasswd admin",
    "htpasswd -bc /etc/nginx/.htpasswd admin \"$ADMIN_PASSWORD\"",
    "aws configure set region eu-west-1 && aws configure set aws_access_key_id $KEY_ID",
    'echo "git:$(head -c 24 /dev/urandom | base64)" | chpasswd',
    "echo 'root:$6$salt$hash' | chpasswd -e",
    "openssl req -x509 -nodes -passout env:KEY_PASS -keyout k.pem",
    "git clone https://oauth2:${GITLAB_TOKEN}@gitlab.com/org/repo.git",
    "useradd -u 1000 -m app && echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers",
]


@pytest.mark.parametrize("script", NOT_COMMAND_SECRETS)
def test_command_line_reference_or_placeholder_is_not_flagged(script: str) -> None:
    """Variables, command substitutions, secret files, stdin and placeholders are not flagged."""
    assert find_command_secrets(script) == []


def test_known_format_wins_over_the_flag_that_carries_it() -> None:
    """A GitHub token passed with --token is reported once, as a GitHub token."""
    token = "ghp_" + fake(36)
    script = f"gh-tool --token {token} sync"
    assert [(m.kind, m.value) for m in find_command_secrets(script)] == [("GitHub token", token)]


def test_token_in_url_is_reported_once_by_its_format() -> None:
    """A GitHub token used as a URL password is one match labelled as a GitHub token."""
    token = "ghp_" + fake(36, seed=5)
    script = f"git clone https://x-access-token:{token}@github.com/org/app.git"
    assert [(m.kind, m.value) for m in find_command_secrets(script)] == [("GitHub token", token)]


def test_command_secrets_include_the_literal_values_without_overlaps() -> None:
    """A script's literal tokens and its flag secrets are both reported, in text order."""
    aws = "AKIA" + fake(16, UPPER_DIGITS, 9)
    script = f"export AWS_ACCESS_KEY_ID={aws} && sshpass -p {PW} ssh host"
    matches = find_command_secrets(script)
    assert [(m.kind, m.value) for m in matches] == [
        ("AWS access key ID", aws), ("password on the command line", PW)]
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))


# Fragments that steer the detectors into their edge cases when strung together at random.
SHELL_PIECES = [
    "docker", "login", "-p", "-p'", '"', "'", "|", "||", "&&", ";", "\\\n", "\n", "\\n", "echo",
    "printf", "sudo", "chpasswd", "passwd", "--stdin", "--password", "--password=", "--secret",
    "id=", "=", "-u", "curl", "wget", "--user", "a:b", ":", "mysql", "-pX", "htpasswd", "-b",
    "-C", "aws", "configure", "set", "aws_secret_access_key", "$(", ")", "`", "${X}", "$X", "#",
    "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----",
    "-----BEGIN CERTIFICATE-----",
    "Authorization:", "Bearer", "_authToken", "pass:", "-passout", "sshpass", "https://u:", "@h",
    "AKIA", "ghp_", "x" * 20, "AbC123dEf456GhI789jKl0", "/", ".", "sha256:", "<", ">", "2>&1", "(",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(SHELL_PIECES), st.sampled_from(["", " "])), max_size=30))
def test_any_match_points_at_its_value_and_its_mask_hides_it(parts: list[tuple[str, str]]) -> None:
    """On any shell-like text, a match's value is the text at its offsets and is never shown."""
    script = "".join(piece + gap for piece, gap in parts)
    for match in find_command_secrets(script):
        assert script[match.start:match.end] == match.value
        assert match.value not in match.masked


PLACEHOLDERS = [
    "", "   ", "<password>", "<token>", "{{ .token }}", "{{ secrets.NPM }}", "${TOKEN}",
    "${DB_PASSWORD:-}", "$TOKEN", "%API_KEY%", "__TOKEN__", "@DB_PASSWORD@", "[password]",
    "xxx", "xxxxxxxx", "XXXX-XXXX", "****", "...", "???", "your-token-here", "YOUR_API_KEY",
    "<your password>", "insert_key_here", "REPLACE_ME", "replace-with-real-token", "TODO",
    "tbd", "FIXME", "example", "example-password", "placeholder", "redacted", "dummy", "none",
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "ghp_" + "x" * 36,
]
NOT_PLACEHOLDERS = [
    # Literal defaults work as passwords, so an image that ships them ships a credential.
    "changeme", "changeit", "password", "admin", "root", "secret", "postgres", "hunter2",
    "S3cr3t!", "test123", "letmein", PW, TOKEN, "ghp_" + fake(36),
]


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_placeholder_is_recognised(value: str) -> None:
    """Templates, masks and replace-me words stand in for a secret."""
    assert is_placeholder(value)


@pytest.mark.parametrize("value", NOT_PLACEHOLDERS)
def test_literal_default_is_not_a_placeholder(value: str) -> None:
    """Guessable defaults and real-looking values are treated as baked-in secrets."""
    assert not is_placeholder(value)


@pytest.mark.parametrize(("value", "prefix", "masked"), [
    ("ghp_" + "A" * 34 + "A5", 4, "ghp_…A5"),
    ("sk_live_" + fake(24), 8, "sk_live_…" + fake(24)[-2:]),
    ("ghp_short", 4, "ghp_…"),
    ("0123456789abcdef", 0, "01…ef"),
    (fake(40, B64), 0, fake(40, B64)[:2] + "…" + fake(40, B64)[-2:]),
    ("Hunter2pw", 0, "H…"),
    ("12345678", 0, "1…"),
    ("p@ss", 0, "…"),
    ("1234567", 0, "…"),
    ("", 0, "…"),
    ("abc", 10, "…"),
    (RSA_KEY, 31, "-----BEGIN RSA PRIVATE KEY-----…"),
])
def test_redact_shapes(value: str, prefix: int, masked: str) -> None:
    """Redaction shows a known prefix and two last characters, or less for short values."""
    assert redact(value, prefix) == masked


@pytest.mark.parametrize("length", range(1, 70))
def test_redact_never_reveals_more_than_a_third(length: int) -> None:
    """A generic mask never holds the value and shows at most a third of its characters."""
    value = fake(length, B64, length)
    masked = redact(value)
    assert value not in masked
    assert len(masked.replace("…", "")) <= length / 3


def test_masked_property_matches_redact() -> None:
    """SecretMatch.masked is the redacted value with its public prefix."""
    [match] = find_secret_values("ENV T=ghp_" + fake(36))
    assert match.masked == redact(match.value, 4) == "ghp_…" + match.value[-2:]


SECRET_FILES = [
    ("id_rsa", "SSH private key"),
    ("deploy_key", "SSH private key"),
    ("github-deploy-key", "SSH private key"),
    ("keyboard_layout", None),
    ("id_dsa", "SSH private key"),
    ("id_ecdsa", "SSH private key"),
    ("id_ed25519", "SSH private key"),
    ("./keys/deploy_rsa", "SSH private key"),
    ("github_ed25519", "SSH private key"),
    ("/etc/ssh/ssh_host_rsa_key", "SSH private key"),
    ("ID_RSA", "SSH private key"),
    (".ssh", "SSH directory"),
    (".ssh/", "SSH directory"),
    ("./.ssh/*", "SSH directory"),
    ("server.pem", "PEM private key"),
    ("privkey.pem", "PEM private key"),
    ("ca-key.pem", "PEM private key"),
    ("certs/*.pem", "PEM private key"),
    ("tls.key", "private key file"),
    ("Server.KEY", "private key file"),
    ("client.p12", "PKCS#12 keystore"),
    ("site.pfx", "PKCS#12 keystore"),
    ("release.jks", "Java keystore"),
    ("app.keystore", "Java keystore"),
    ("putty.ppk", "PuTTY private key"),
    (".env", "environment file"),
    ("./.env", "environment file"),
    (".env.production", "environment file"),
    (".env.local", "environment file"),
    ("config/prod.env", "environment file"),
    (".npmrc", "npm config with registry tokens"),
    (".pypirc", "PyPI credentials"),
    (".netrc", "netrc credentials"),
    ("_netrc", "netrc credentials"),
    (".git-credentials", "Git credentials"),
    (".pgpass", "PostgreSQL password file"),
    (".my.cnf", "MySQL client config with a password"),
    (".htpasswd", "htpasswd password file"),
    (".vault-token", "Vault token"),
    (".boto", "Boto credentials"),
    (".s3cfg", "s3cmd credentials"),
    (".aws/credentials", "AWS credentials"),
    ("~/.aws", "AWS credentials directory"),
    (".aws/", "AWS credentials directory"),
    ("credentials.json", "credentials file"),
    ("service-account.json", "Google Cloud service account key"),
    ("keys/service-account-prod.json", "Google Cloud service account key"),
    ("ci-sa-key.json", "Google Cloud service account key"),
    ("application_default_credentials.json", "Google Cloud service account key"),
    (".docker/config.json", "Docker registry credentials"),
    (".dockercfg", "Docker registry credentials"),
    (".kube/config", "kubeconfig"),
    ("kubeconfig", "kubeconfig"),
    ("prod.kubeconfig", "kubeconfig"),
    ("terraform.tfstate", "Terraform state"),
    ("terraform.tfstate.backup", "Terraform state"),
    ("secrets.yml", "secrets file"),
    ("config/secrets.yaml", "secrets file"),
    ("secrets.json", "secrets file"),
    ("config/master.key", "Rails master key"),
    ("config/credentials/production.key", "Rails credentials key"),
    (".gnupg", "GnuPG keyring directory"),
    # Issue 17: names that say secret, with an extension that says data.
    ("secrets.txt", "secrets file"),
    ("secret.json", "secrets file"),
    (".secrets.toml", "secrets file"),
    ("config/secret.properties", "secrets file"),
    ("client_secret_1234-abcd.apps.googleusercontent.com.json", "secrets file"),
    ("app.secret", "secrets file"),
    ("prod.secrets", "secrets file"),
    ("github.token", "token file"),
    ("token.txt", "token file"),
    ("token.json", "token file"),
    ("tokens.txt", "token file"),
    ("credentials.yml", "credentials file"),
    ("credentials.txt", "credentials file"),
    ("jenkins/credentials.xml", "credentials file"),
    ("creds.json", "credentials file"),
    ("passwords.txt", "password file"),
    ("db_password.txt", "password file"),
    ("api-keys.json", "API key file"),
]
NOT_SECRET_FILES = [
    "id_rsa.pub", "id_ed25519.pub", "deploy_rsa.pub", ".ssh/known_hosts", ".ssh/config",
    ".ssh/authorized_keys", "cert.pem", "fullchain.pem", "chain.pem", "ca.pem", "rootca.pem",
    "ca-bundle.pem", "cacert.pem", "public.pem", "pubkey.pem", "server-cert.pem",
    "nodesource.gpg.key", "Release.key", "repo.key", "apt.key", "public.key",
    "docker-archive-keyring.key", "signing.key", ".env.example", ".env.sample",
    ".env.template", ".env.dist", ".env.defaults", "prod.env.example", "config.json",
    "credentials", "config", ".dockerignore", ".docker", ".docker/nginx/default.conf",
    "environment.yml", ".venv", "requirements.txt", "package.json", "keys/", "credentials.yml.enc",
    "secrets.example", "", "./", "*",
    # Code, folders and files about secrets rather than holding one.
    "secrets.py", "src/secrets/__init__.py", "lib/credentials/index.js", "credentials.go",
    "secret_token.rb", "token_test.go", "password_reset.html", "password_policy.json",
    "secrets-schema.json", "tokens.json", "special_tokens_map.json", "tokenizer.json",
    "secrets", "passwords", "app.secret.example",
]


@pytest.mark.parametrize(("path", "kind"), SECRET_FILES)
def test_secret_file_is_named(path: str, kind: str) -> None:
    """A COPY source whose name means credentials gets a label."""
    assert secret_file_kind(path) == kind


@pytest.mark.parametrize("path", NOT_SECRET_FILES)
def test_ordinary_file_is_not_a_secret_file(path: str) -> None:
    """Public keys, certificates, templates and ordinary files get no label."""
    assert secret_file_kind(path) is None


# Hits in the shared corpus's real Dockerfiles that are genuine secrets, checked by hand.
REAL_CORPUS_SECRETS = {
    # OWASP WrongSecrets ships secrets on purpose for its training challenges: challenge 59
    # bakes a Slack webhook URL, base64-encoded twice, into an ARG. (The same files' random
    # GOOGLE_DRIVE_DOCUMENT_ID is found in this whole-text scan too, but the rules read it
    # under its name: an identifier, not a credential; see test_secrets_precision.)
    ("real/OWASP__wrongsecrets/Dockerfile/Dockerfile", "high-entropy string"),
    ("real/OWASP__wrongsecrets/Dockerfile.web/Dockerfile", "high-entropy string"),
    # Chromium's Google API key and OAuth client secret, written into /etc/chromium.d.
    ("real/jessfraz__dockerfiles/chromium__Dockerfile/Dockerfile", "Google API key"),
    # The client secret is read as the value of GOOGLE_DEFAULT_CLIENT_SECRET, a secret's name.
    ("real/jessfraz__dockerfiles/chromium__Dockerfile/Dockerfile", "secret set in a variable"),
    # `echo 'root:password' | chpasswd` gives root a known password in the image.
    ("real/vulhub__vulhub/base__webmin__1.850__Dockerfile/Dockerfile",
     "password on the command line"),
    # Literals given to secret-named variables. Scanned as one script, a Dockerfile's ENV and
    # ARG lines count too: WrongSecrets' challenge values, default database passwords
    # ("password", pgAdmin's "vulhub", toy AWS keys).
    *((f"real/{path}/Dockerfile", "secret set in a variable") for path in (
        "OWASP__wrongsecrets/Dockerfile", "OWASP__wrongsecrets/Dockerfile.web",
        "alokkavilkar__Profile/Dockerfile", "haewonito__crud-node-express/Dockerfile",
        "shaygef123__Test_repo/Dockerfile",
        "vulhub__vulhub/base__pgadmin__6.16__Dockerfile",
        "vulhub__vulhub/base__pgadmin__7.6__Dockerfile",
        # `msiexec … PASSWORD=B@dP@ssw0rd` installs a Windows service with a fixed password.
        "StefanScherer__dockerfiles-windows/windows-service__Dockerfile")),
}


def test_real_dockerfiles_have_no_secret_hits_beyond_the_known_ones(corpus: Path) -> None:
    """Every hit in the real Dockerfiles is one of the secrets checked by hand, and all remain."""
    rows = [json.loads(line) for line in (corpus / "MANIFEST.jsonl").read_text().splitlines()]
    hits: set[tuple[str, str]] = set()
    for row in rows:
        if row["kind"] != "real" or row.get("file_type") == "compose":
            continue
        text = (corpus / row["path"]).read_text(encoding="utf-8", errors="replace")
        for match in find_command_secrets(text):
            assert text[match.start:match.end] == match.value
            assert match.value not in match.masked
            hits.add((row["path"], match.kind))
    assert hits - REAL_CORPUS_SECRETS == set()
    assert REAL_CORPUS_SECRETS - hits == set()
