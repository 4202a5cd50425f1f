"""Gamed attempts: each meets an exercise's old goal while breaking the image or making it
more dangerous, and the goal as it is now must reject it with a message that says what is
still wrong.

An attempt starts from the reference solution (laid over the starter, as a learner's folder
would be) and edits it. The "old goal" is the exercise's own checks without the defaults
every goal now holds (no other warning, builds, starts) and without the checks this issue
added (writable, not_writable, executable): each attempt must pass that, or it is not
gaming anything. The scan checks (scan_gate, scan_ignores, pinned_actions) came with their
exercise and have no older form, so an attempt at a scan exercise faces the full goal only.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tutor.content.judge import evaluate
from tutor.content.loader import load_course
from tutor.content.model import Exercise, Goal
from tutor.content.schema import DEFAULT_CHECKS
from tutor.content.schema import SCAN_KINDS as SCAN_CHECK_KINDS

TODAY = dt.date(2026, 12, 6)
NEW_KINDS = {*DEFAULT_CHECKS, "writable", "not_writable", "executable"}
SCAN_KINDS = set(SCAN_CHECK_KINDS)
SCAN_WORKFLOW = ".github/workflows/scan.yml"
TRIVY_ACTION_PIN = "aquasecurity/trivy-action@ed142fd0673e97e23eac54620cfb913e5ce36c25"

# exercise id -> [(what the attempt does, {file: [(old, new), ...]}, words the failure says)]
Edit = dict[str, list[tuple[str, str]]]
ATTEMPTS: dict[str, list[tuple[str, Edit, str]]] = {
    "caps-drop-all": [
        ("drops ALL and forbids new privileges, then adds privileged, every capability, "
         "the host's PID namespace, no seccomp and the Docker socket",
         {"compose.yaml": [("    read_only: true\n",
                            "    read_only: true\n    privileged: true\n    cap_add: [ALL]\n"
                            "    pid: host\n    volumes:\n"
                            "      - /var/run/docker.sock:/var/run/docker.sock\n"),
                           ('      - "no-new-privileges:true"\n',
                            '      - "no-new-privileges:true"\n      - "seccomp:unconfined"\n')]},
         "HT302"),
        ("hardens the service but mounts the host's root filesystem",
         {"compose.yaml": [("    read_only: true\n",
                            "    read_only: true\n    volumes:\n      - /:/host\n")]},
         "HT311"),
        ("runs the service as root",
         {"compose.yaml": [("    read_only: true\n", "    read_only: true\n    user: root\n")]},
         "HT109"),
    ],
    "caps-no-privileged": [
        ("removes privileged mode but bind-mounts the host's / read-write",
         {"compose.yaml": [("      - /var/log/shop:/logs:ro", "      - /:/host")]},
         "HT311"),
        ("turns seccomp off while adding no-new-privileges",
         {"compose.yaml": [('      - "no-new-privileges:true"\n',
                            '      - "no-new-privileges:true"\n      - "seccomp:unconfined"\n')]},
         "HT310"),
    ],
    "capstone-distroless": [
        ("puts WORKDIR before COPY, so /app belongs to the runtime user",
         {"Dockerfile": [("COPY --from=build /app /app\nWORKDIR /app\n",
                          "WORKDIR /app\nCOPY --from=build /app /app\n")]},
         "can write /app"),
        ("copies the code as the runtime user",
         {"Dockerfile": [("COPY --from=build /app /app",
                          "COPY --from=build --chown=65532:65532 /app /app")]},
         "65532"),
    ],
    "capstone-harden-service": [
        ("keeps the reference compose file but copies the whole folder, secrets/ included",
         {"Dockerfile": [("COPY app.py ./", "COPY . .")]},
         "secrets/"),
        ("removes privileged mode but mounts the host's / into the api",
         {"compose.yaml": [("    tmpfs:\n", "    volumes:\n      - /:/host\n    tmpfs:\n")]},
         "HT311"),
        ("switches user before creating it",
         {"Dockerfile": [("WORKDIR /app\n", "USER 10001:10001\nWORKDIR /app\n")]},
         "build"),
    ],
    "root-add-user": [
        ("puts USER right after FROM, before apt-get",
         {"Dockerfile": [("FROM ubuntu:24.04\n", "FROM ubuntu:24.04\nUSER 10001:10001\n")]},
         "apt-get"),
        ("copies the probe as root with mode 0700, so the user cannot run it",
         {"Dockerfile": [("COPY --chmod=0755 probe.sh", "COPY --chmod=0700 probe.sh")]},
         "cannot execute /usr/local/bin/probe"),
        ("hands the target list to the probe user",
         {"Dockerfile": [("COPY targets.txt /etc/probe/targets.txt",
                          "COPY --chown=10001:10001 targets.txt /etc/probe/targets.txt")]},
         "/etc/probe"),
    ],
    "root-drop-sudo": [
        ("leaves the data directories owned by root",
         {"Dockerfile": [(" \\\n && chown 10001:10001 /srv/status/data /var/log/status", "")]},
         "cannot write /srv/status/data"),
        ("gives the data directories to another uid",
         {"Dockerfile": [("chown 10001:10001 /srv/status/data",
                          "chown 10002:10002 /srv/status/data")]},
         "cannot write /srv/status/data"),
        ("gives the whole service folder, code included, to the app user",
         {"Dockerfile": [("chown 10001:10001 /srv/status/data /var/log/status",
                          "chown -R 10001:10001 /srv/status /var/log/status")]},
         "app.py"),
    ],
    "scan-eol-base": [
        ("copies the code as the node user",
         {"Dockerfile": [("COPY src/ ./src/", "COPY --chown=node:node src/ ./src/")]},
         "node"),
        ("switches to node before npm ci, in a folder root owns",
         {"Dockerfile": [("RUN npm ci --omit=dev\n", "USER node\nRUN npm ci --omit=dev\n")]},
         "npm ci"),
    ],
    "scan-ci-gate": [
        ("fails the build, but only on LOW findings",
         {SCAN_WORKFLOW: [("severity: HIGH,CRITICAL", "severity: LOW")]},
         "reports only LOW (severity), not CRITICAL"),
        ("accepts the fixable CRITICAL as well, with a reason and a date",
         {".trivyignore.yaml": [("vulnerabilities:\n", "vulnerabilities:\n"
                                 "  - id: CVE-2019-18224\n    statement: The collector never "
                                 "resolves domain names it did not choose.\n"
                                 "    expired_at: 2027-01-31\n")]},
         "CVE-2019-18224"),
        ("pins the checkout but keeps trivy-action on @master",
         {SCAN_WORKFLOW: [(TRIVY_ACTION_PIN, "aquasecurity/trivy-action@master")]},
         "aquasecurity/trivy-action@master (line 21) names a tag or branch"),
        ("accepts the HIGH without saying why",
         {".trivyignore.yaml": [("    statement: >-\n", "    note: >-\n")]},
         "gives no reason"),
        ("sets an exit code the runner sees as 0",
         {SCAN_WORKFLOW: [('exit-code: "1"', 'exit-code: "256"')]},
         "reaches the runner as 0"),
    ],
    "scan-no-curl-pipe": [
        ("switches user before creating the plugin folder",
         {"Dockerfile": [("RUN mkdir -p /opt/syncagent/plugins",
                          "USER 10001:10001\nRUN mkdir -p /opt/syncagent/plugins")]},
         "mkdir"),
        ("makes the configuration writable by everyone",
         {"Dockerfile": [("COPY syncagent.toml", "COPY --chmod=0666 syncagent.toml")]},
         "HT107"),
    ],
    "scan-pin-base": [
        ("pins the base but drops the non-root user",
         {"Dockerfile": [("USER 10001:10001\n", "")]},
         "HT101"),
        ("pins the base but copies the code as the runtime user",
         {"Dockerfile": [("COPY app.py ./", "COPY --chown=10001:10001 app.py ./")]},
         "HT113"),
    ],
    "secrets-build-mount": [
        ("adds a decoy secret mount while the token comes in through a renamed build "
         "argument and is written into .npmrc",
         {"Dockerfile": [("WORKDIR /app\n", "ARG PKG_ACCESS\nWORKDIR /app\n"),
                         ("npm ci --omit=dev",
                          'echo "//registry.npmjs.org/:_authToken=${PKG_ACCESS}" > .npmrc '
                          "&& npm ci --omit=dev")]},
         "HT207"),
        ("mounts the secret but copies it into the image",
         {"Dockerfile": [("--mount=type=secret,id=npmrc,target=/root/.npmrc npm ci",
                          "--mount=type=secret,id=npmrc cp /run/secrets/npmrc /app/.npmrc "
                          "&& npm ci")]},
         "HT207"),
    ],
    "secrets-dockerignore": [
        ("ignores the secrets but copies the code as the runtime user",
         {"Dockerfile": [("COPY . .", "COPY --chown=1000:1000 . .")]},
         "1000"),
        ("ignores the secrets but drops the non-root user",
         {"Dockerfile": [("USER 1000:1000\n", "")]},
         "HT101"),
    ],
    "secrets-env-to-runtime": [
        ("moves the password to a compose secret but runs the service privileged",
         {"compose.yaml": [("    read_only: true\n",
                            "    read_only: true\n    privileged: true\n")]},
         "HT302"),
        ("moves the password out of ENV but writes a build argument into a config file",
         {"Dockerfile": [("WORKDIR /app\n", "ARG DB_SETTING\nWORKDIR /app\n"
                                            'RUN echo "password=${DB_SETTING}" > /app/db.conf\n')]},
         "HT207"),
    ],
    "user-alpine-accounts": [
        ("keeps Debian's groupadd and useradd, which Alpine does not have",
         {"Dockerfile": [("RUN addgroup -S -g 10001 rates \\\n"
                          " && adduser -S -D -H -u 10001 -G rates -s /sbin/nologin rates",
                          "RUN groupadd --system --gid 10001 rates \\\n"
                          " && useradd --system --uid 10001 --gid rates --no-create-home rates")]},
         "groupadd"),
        ("switches user before apk add",
         {"Dockerfile": [("RUN apk add --no-cache curl jq",
                          "USER 10001:10001\nRUN apk add --no-cache curl jq")]},
         "apk add"),
        ("copies the script as the runtime user",
         {"Dockerfile": [("COPY --chmod=0755 fetch-rates.sh",
                          "COPY --chown=10001:10001 --chmod=0755 fetch-rates.sh")]},
         "/usr/local/bin/fetch-rates"),
    ],
    "user-compose-override": [
        ("sets compose's user to an unprivileged uid that does not own the reports",
         {"compose.yaml": [('user: "10001:10001"', 'user: "10002:10002"')]},
         "cannot write /var/lib/reports"),
        ("drops user: root but runs the service privileged",
         {"compose.yaml": [("    read_only: true\n",
                            "    read_only: true\n    privileged: true\n")]},
         "HT302"),
        ("makes the reports directory world-writable instead of giving it away",
         {"Dockerfile": [("chown 10001:10001 /var/lib/reports", "chmod 0777 /var/lib/reports")]},
         "HT107"),
    ],
    "user-multi-stage": [
        ("hands the virtual environment to the runtime user",
         {"Dockerfile": [("COPY --from=build /opt/venv /opt/venv",
                          "COPY --from=build --chown=10001:10001 /opt/venv /opt/venv")]},
         "/opt/venv"),
        ("switches user before creating it in the final stage",
         {"Dockerfile": [("FROM python:3.12-slim\nRUN groupadd",
                          "FROM python:3.12-slim\nUSER 10001:10001\nRUN groupadd")]},
         "groupadd"),
    ],
    "user-node-builtin": [
        ("copies the code as the node user",
         {"Dockerfile": [("COPY src/ ./src/", "COPY --chown=node:node src/ ./src/")]},
         "node"),
        ("switches to node before npm ci, in a folder root owns",
         {"Dockerfile": [("RUN npm ci --omit=dev\n", "USER node\nRUN npm ci --omit=dev\n")]},
         "npm ci"),
        ("leaves the pastes folder owned by root",
         {"Dockerfile": [(" \\\n && chown node:node /app/pastes", "")]},
         "cannot write /app/pastes"),
    ],
    "user-numeric-uid": [
        ("leaves the notes folder owned by root",
         {"Dockerfile": [(" \\\n && chown 10001:10001 /app/notes", "")]},
         "cannot write /app/notes"),
        ("gives the whole app folder, code included, to the user",
         {"Dockerfile": [("chown 10001:10001 /app/notes", "chown -R 10001:10001 /app")]},
         "server.js"),
    ],
    "user-scratch": [
        ("copies the program with mode 0700, so uid 65532 cannot run it",
         {"Dockerfile": [("COPY --from=build /out/pinger /pinger",
                          "COPY --from=build --chmod=0700 /out/pinger /pinger")]},
         "cannot execute /pinger"),
        ("copies the program as the runtime user",
         {"Dockerfile": [("COPY --from=build /out/pinger /pinger",
                          "COPY --from=build --chown=65532:65532 /out/pinger /pinger")]},
         "/pinger"),
    ],
    "user-volume-ownership": [
        ("gives /app/data to the user in the image but keeps the host's folder mounted there",
         {"compose.yaml": [("      - guestbook-data:/app/data", "      - ./data:/app/data")]},
         "bind mount of the host's ./data"),
        ("makes the data directory world-writable",
         {"Dockerfile": [("chown 10001:10001 /app/data", "chmod 0777 /app/data")]},
         "HT107"),
        ("mounts the project folder over /app, so the host's code replaces the image's",
         {"compose.yaml": [("      - guestbook-data:/app/data",
                            "      - .:/app\n      - guestbook-data:/app/data")]},
         "/app is a bind mount of the host's ."),
        ("gives the whole app folder, code included, to the user",
         {"Dockerfile": [("chown 10001:10001 /app/data", "chown -R 10001:10001 /app")]},
         "guestbook.py"),
    ],
}


def _exercises() -> dict[str, Exercise]:
    return dict(load_course().exercises)


def _apply(files: dict[str, str], edits: Edit) -> dict[str, str]:
    changed = dict(files)
    for name, replacements in edits.items():
        text = changed[name]
        for old, new in replacements:
            assert old in text, f"{name} no longer holds {old!r}: update the attempt"
            text = text.replace(old, new, 1)
        changed[name] = text
    return changed


def _old(goal: Goal) -> Goal:
    return Goal(tuple(c for c in goal.checks if c.kind not in NEW_KINDS | SCAN_KINDS),
                goal.dockerfile)


CASES = [(ex, name, edits, words) for ex, attempts in ATTEMPTS.items()
         for name, edits, words in attempts]


def test_every_exercise_has_two_gamed_attempts() -> None:
    exercises = _exercises()
    assert set(ATTEMPTS) == set(exercises)
    assert all(len(attempts) >= 2 for attempts in ATTEMPTS.values())


@pytest.mark.parametrize(("exercise_id", "name", "edits", "words"), CASES,
                         ids=[f"{c[0]}:{i}" for i, c in enumerate(CASES)])
def test_gamed_attempt_fails_the_goal(exercise_id: str, name: str, edits: Edit,
                                      words: str) -> None:
    exercise = _exercises()[exercise_id]
    files = _apply(dict(exercise.solved_files()), edits)
    old = evaluate(_old(exercise.goal), files, TODAY)
    assert old.passed, f"'{name}' does not even meet the old goal: " + "; ".join(
        f"{r.check.label}: {r.detail}" for r in old.results if not r.passed)
    new = evaluate(exercise.goal, files, TODAY)
    failed = [r for r in new.results if not r.passed]
    assert failed, f"'{name}' passes the goal"
    said = " ".join(f"{r.check.label}: {r.detail}" for r in failed)
    assert words in said, said


def test_reference_solutions_pass() -> None:
    for exercise in _exercises().values():
        result = evaluate(exercise.goal, exercise.solved_files(), TODAY)
        assert result.passed, (exercise.id, [(r.check.label, r.detail)
                                             for r in result.results if not r.passed])
