"""No output format prints a secret whole, wherever in a Dockerfile or compose file it hides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import reading
from tests.conftest import TODAY
from tutor.analysis.engine import analyze_dockerfile
from tutor.analysis.parse import parse
from tutor.analysis.profile import compute_profile
from tutor.analysis.rules._secrets import dockerfile_secret_values
from tutor.analysis.rules.base import DockerfileContext
from tutor.cli import main
from tutor.report import FORMATS

SECRET = "RealSecretValue123"
# Long and random enough to be found by its look alone, under a name that says nothing.
RANDOM = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8Lk3Vt7"
GITLAB = "glpat-" + "Qw3rTy7uIo9pAs2dFg4h"
BEARER = "Xq7Lm2Vb9Nc4Zr8Tw1Ys6Kd3Hf5Jg0Pe"
BASE = "FROM alpine:3.22\n"
END = "USER 10001\n"

# (id, file name, text, strings that must never be printed, rule that must report, its line)
CASES = [
    ("env-default", "Dockerfile", BASE + f"ENV API_TOKEN=${{X:-{SECRET}}}\n" + END,
     (SECRET,), "HT201", 2),
    ("env-default-unset-only", "Dockerfile", BASE + f"ENV API_TOKEN=${{X-{SECRET}}}\n" + END,
     (SECRET,), "HT201", 2),
    ("env-alternative", "Dockerfile", BASE + f"ENV API_TOKEN=${{X:+{SECRET}}}\n" + END,
     (SECRET,), "HT201", 2),
    ("env-alternative-set-only", "Dockerfile", BASE + f"ENV API_TOKEN=${{X+{SECRET}}}\n" + END,
     (SECRET,), "HT201", 2),
    ("env-nested-default", "Dockerfile",
     BASE + f"ENV API_TOKEN=${{X:-${{Y:-{SECRET}}}}}\n" + END, (SECRET,), "HT201", 2),
    ("env-default-quoted-spaces", "Dockerfile",
     BASE + 'ENV DB_PASSWORD="${X:-Real Secret Value 123}"\n' + END,
     ("Real Secret Value 123",), "HT201", 2),
    ("env-several-pairs", "Dockerfile",
     BASE + f"ENV A=b DB_PASSWORD=${{D:-{SECRET}}} E=f\n" + END, (SECRET,), "HT201", 2),
    ("env-several-pairs-random-default", "Dockerfile",
     BASE + f"ENV A=b C=${{D:-{RANDOM}}}\n" + END, (RANDOM,), "HT202", 2),
    ("env-legacy", "Dockerfile", BASE + f"ENV DB_PASSWORD {SECRET}\n" + END,
     (SECRET,), "HT201", 2),
    ("env-legacy-default", "Dockerfile", BASE + f"ENV DB_PASSWORD ${{X:-{SECRET}}}\n" + END,
     (SECRET,), "HT201", 2),
    ("env-quoted-spaces", "Dockerfile", BASE + 'ENV DB_PASSWORD="Real Secret Value 123"\n' + END,
     ("Real Secret Value 123",), "HT201", 2),
    ("env-continued", "Dockerfile", BASE + "ENV DB_PASSWORD=Abc\\\nContinuedSecretPw\n" + END,
     ("AbcContinuedSecretPw", "ContinuedSecretPw"), "HT201", 2),
    ("env-continued-indented", "Dockerfile",
     BASE + "ENV DB_PASSWORD=Abc\\\n    ContinuedSecretPw\n" + END,
     ("ContinuedSecretPw",), "HT201", 2),
    ("env-continued-after-space", "Dockerfile",
     BASE + "ENV DB_PASSWORD=Abc \\\nContinuedSecretPw\n" + END, ("ContinuedSecretPw",),
     "HT201", 2),
    ("env-unquoted-spaces", "Dockerfile",
     BASE + "ENV DB_PASSWORD=Real SecretValue123\n" + END, ("SecretValue123",), "HT201", 2),
    ("arg-default", "Dockerfile", BASE + f"ARG API_TOKEN=${{X:-{SECRET}}}\n" + END,
     (SECRET,), "HT201", 2),
    ("arg-literal", "Dockerfile", BASE + f"ARG DB_PASSWORD={SECRET}\n" + END,
     (SECRET,), "HT201", 2),
    ("arg-global-default", "Dockerfile",
     f"ARG API_TOKEN=${{X:-{SECRET}}}\n" + BASE + "ARG API_TOKEN\n" + END,
     (SECRET,), "HT201", 1),
    ("arg-continued-indented", "Dockerfile",
     BASE + "ARG DB_PASSWORD=Abc \\\n    ContinuedSecretPw\n" + END,
     ("ContinuedSecretPw",), "HT201", 2),
    ("label-default", "Dockerfile", BASE + f'LABEL deploy.token="${{X:-{GITLAB}}}"\n' + END,
     (GITLAB,), "HT202", 2),
    ("label-random-default", "Dockerfile", BASE + f"LABEL build.key=${{X:-{RANDOM}}}\n" + END,
     (RANDOM,), "HT202", 2),
    ("run-export", "Dockerfile",
     BASE + f"RUN export API_TOKEN={SECRET} && ./deploy.sh\n" + END, (SECRET,), "HT202", 2),
    ("run-default", "Dockerfile",
     BASE + f'RUN curl -H "Authorization: Bearer ${{TOKEN:-{BEARER}}}" https://x.example\n' + END,
     (BEARER,), "HT202", 2),
    ("run-continued", "Dockerfile",
     BASE + f'RUN curl -H "Authorization: Bearer {BEARER[:12]}\\\n{BEARER[12:]}" '
     "https://x.example\n" + END, (BEARER,), "HT202", 2),
    ("run-heredoc", "Dockerfile",
     BASE + f"RUN <<EOF\nexport API_TOKEN={SECRET}\n./deploy.sh\nEOF\n" + END,
     (SECRET,), "HT202", 2),
    ("copy-heredoc-dotenv", "Dockerfile",
     BASE + f"COPY <<EOF /app/.env\nGITLAB_TOKEN={GITLAB}\nEOF\n" + END, (GITLAB,), "HT202", 2),
    ("compose-map-default", "compose.yaml",
     f"services:\n  app:\n    image: app\n    environment:\n      API_TOKEN: ${{X:-{SECRET}}}\n",
     (SECRET,), "HT206", 5),
    ("compose-list-default", "compose.yaml",
     f"services:\n  app:\n    image: app\n    environment:\n      - API_TOKEN=${{X:-{SECRET}}}\n",
     (SECRET,), "HT206", 5),
    ("compose-default-unset-only", "compose.yaml",
     f"services:\n  app:\n    image: app\n    environment:\n      API_TOKEN: ${{X-{SECRET}}}\n",
     (SECRET,), "HT206", 5),
    ("compose-alternative", "compose.yaml",
     f"services:\n  app:\n    image: app\n    environment:\n      API_TOKEN: ${{X:+{SECRET}}}\n",
     (SECRET,), "HT206", 5),
    ("compose-nested-default", "compose.yaml",
     "services:\n  app:\n    image: app\n    environment:\n"
     f"      API_TOKEN: ${{X:-${{Y:-{SECRET}}}}}\n", (SECRET,), "HT206", 5),
    ("compose-list-dotenv-quotes", "compose.yaml",
     f'services:\n  app:\n    image: app\n    environment:\n      - DB_PASSWORD="{SECRET}"\n',
     (SECRET,), "HT206", 5),
    ("compose-list-quoted-spaces", "compose.yaml",
     "services:\n  app:\n    image: app\n    environment:\n"
     '      - "DB_PASSWORD=Real Secret Value 123"\n', ("Real Secret Value 123",), "HT206", 5),
    ("label-secret-key", "Dockerfile", BASE + f'LABEL com.example.db-password="{SECRET}"\n' + END,
     (SECRET,), "HT202", 2),
    ("env-bundler-credentials", "Dockerfile",
     BASE + f"ENV BUNDLE_GEMS__CONTRIBSYS__COM=deploy:{SECRET}\n" + END,
     (f"deploy:{SECRET}",), "HT201", 2),
    ("env-index-url-token", "Dockerfile",
     BASE + f"ENV PIP_INDEX_URL=https://{SECRET}@pypi.corp.internal/simple\n" + END,
     (SECRET,), "HT202", 2),
    ("run-askpass-script", "Dockerfile",
     BASE + f"RUN printf '#!/bin/sh\\necho {SECRET}\\n' > /usr/local/bin/askpass\n" + END,
     (SECRET,), "HT202", 2),
    ("copy-askpass-heredoc", "Dockerfile",
     BASE + f"COPY <<EOF /usr/local/bin/git-askpass\n#!/bin/sh\necho {SECRET}\nEOF\n" + END,
     (SECRET,), "HT202", 2),
    ("compose-command-string", "compose.yaml",
     f'services:\n  cache:\n    image: redis\n    command: redis-server --requirepass "{SECRET}"\n',
     (SECRET,), "HT206", 4),
    ("compose-healthcheck-list", "compose.yaml",
     "services:\n  cache:\n    image: redis\n    healthcheck:\n"
     f'      test: ["CMD", "redis-cli", "-a", "{SECRET}", "ping"]\n', (SECRET,), "HT206", 5),
    ("compose-command-list-item", "compose.yaml",
     "services:\n  db:\n    image: mysql\n    command:\n      - mysqld\n"
     f"      - --password={SECRET}\n", (SECRET,), "HT206", 6),
    ("compose-build-arg-default", "compose.yaml",
     "services:\n  app:\n    build:\n      context: .\n      args:\n"
     f"        NPM_TOKEN: ${{X:-{SECRET}}}\n", (SECRET,), "HT206", 6),
    # A placeholder in a compose file that is deployed is its password, and masked as one.
    ("compose-placeholder-password", "compose.yaml",
     "services:\n  db:\n    image: postgres\n    environment:\n"
     "      POSTGRES_PASSWORD: your-db-password-here\n", ("your-db-password-here",),
     "HT206", 5),
    ("compose-placeholder-command", "compose.yaml",
     "services:\n  cache:\n    image: redis\n"
     '    command: redis-server --requirepass "change-this-example-pw"\n',
     ("change-this-example-pw",), "HT206", 4),
]


def _squeezed(text: str) -> str:
    """Text without white space, so a value the report wrapped over two lines is still seen."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize(("name", "text", "secrets", "rule", "line"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_secret_is_reported_but_never_printed_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        fmt: str, name: str, text: str, secrets: tuple[str, ...], rule: str, line: int) -> None:
    """The secret is reported at its line, and no output shows it, not even wrapped."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(text)
    main(["check", "--no-config", "--format", fmt, name])
    out, err = capsys.readouterr()
    for secret in secrets:
        assert _squeezed(secret) not in _squeezed(out + err), secret
    if fmt != "text":
        found = [(found_rule, found_line)
                 for _, found_rule, found_line in reading.findings(fmt, out)]
    else:
        found = [(rule, line)] if re.search(rf"^\s*{line} .* {rule} ", out, re.M) else []
    assert (rule, line) in found


def test_last_guard_searches_for_every_literal_a_secret_may_take() -> None:
    """The engine's final redaction knows ${…} defaults and alternatives and continued values."""
    text = (BASE + f"ENV API_TOKEN=${{X:-{SECRET}}} DB_PASSWORD=${{Y:+Another-Secret-9}}\n"
            "ARG GH_TOKEN=Abc \\\n    ContinuedSecretPw\n" + END)
    dockerfile = parse(text)
    ctx = DockerfileContext(dockerfile, compute_profile(dockerfile), TODAY)
    assert {SECRET, "Another-Secret-9", "ContinuedSecretPw"} <= set(dockerfile_secret_values(ctx))


def test_secret_value_stays_recognisable() -> None:
    """The learner sees the same mask as for a plain literal: first two and last two characters."""
    plain = analyze_dockerfile(BASE + f"ENV API_TOKEN={SECRET}\n" + END, today=TODAY)
    defaulted = analyze_dockerfile(BASE + f"ENV API_TOKEN=${{X:-{SECRET}}}\n" + END, today=TODAY)
    (first,) = [f.message for f in plain.findings if f.rule == "HT201"]
    (second,) = [f.message for f in defaulted.findings if f.rule == "HT201"]
    assert "(Re…23)" in first and "(Re…23) as the default of its ${…} reference" in second
