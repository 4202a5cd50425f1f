"""The image model: users, who runs each step, owners and modes, and its verdicts."""

from __future__ import annotations

import datetime as dt

import pytest

from tutor.analysis.engine import analyze_dockerfile
from tutor.analysis.image_accounts import Accounts, parse_user_command
from tutor.analysis.image_build import build_model
from tutor.analysis.image_files import apply_mode
from tutor.analysis.image_model import ImageModel
from tutor.analysis.parse import parse
from tutor.analysis.profile import compute_profile


def model_of(text: str) -> ImageModel:
    dockerfile = parse(text)
    return build_model(dockerfile, compute_profile(dockerfile))


# One verdict of one Dockerfile: "builds", "starts", or a path for "can the runtime user
# write it"; True, False, or None where the model cannot tell.
VERDICTS = [
    pytest.param("FROM debian:13-slim\nRUN apt-get update && useradd -u 10001 app\n"
                 "USER 10001\n", "builds", True,
                 id="packages installed as root, then USER, builds"),
    pytest.param("FROM node:22-slim\nUSER node\nWORKDIR /app\nRUN npm ci && mkdir data\n",
                 "builds", True, id="WORKDIR after USER belongs to the user in BuildKit"),
    pytest.param("FROM node:22-slim\nUSER node\nWORKDIR /app\nRUN npm ci && mkdir data\n",
                 "/app/data", True, id="a folder made in the user's WORKDIR is theirs"),
    pytest.param("FROM debian:13-slim\nCOPY run.sh /usr/local/bin/run.sh\n"
                 "RUN chmod +x /usr/local/bin/run.sh\nUSER 10001\n"
                 "ENTRYPOINT [\"/usr/local/bin/run.sh\"]\n", "starts", True,
                 id="an entrypoint made executable by chmod +x starts"),
    pytest.param("FROM debian:13-slim\nCOPY run.sh /usr/local/bin/run.sh\nUSER 10001\n"
                 "ENTRYPOINT [\"/usr/local/bin/run.sh\"]\n", "starts", None,
                 id="an entrypoint of unknown mode is no verdict"),
    pytest.param("FROM python:3.13-slim\nRUN useradd -u 10001 app && mkdir -p /app/data\n"
                 "WORKDIR /app\nCOPY . .\nUSER 10001\n", "/app/data", False,
                 id="a data folder left to root is not writable"),
    pytest.param("FROM python:3.13-slim\nRUN useradd -u 10001 app && mkdir -p /app/data"
                 " && chown app:app /app/data\nWORKDIR /app\nCOPY . .\nUSER 10001\n",
                 "/app/data", True, id="a data folder given to the user is writable"),
    pytest.param("FROM debian:13-slim\nRUN mkdir -p /srv/data && chown 10002 /srv/data\n"
                 "USER 10001\n", "/srv/data", False,
                 id="a data folder given to another uid is not writable"),
    # The fact is Alpine's: Debian-based images have shadow's tools (passwd package).
    pytest.param("FROM node:26-slim\nRUN useradd -u 10001 app\n", "builds", True,
                 id="Debian keeps useradd"),
    pytest.param("FROM debian:13-slim AS unused\nUSER 10001\nRUN apt-get update\n"
                 "FROM debian:13-slim\nRUN echo ok\n", "builds", True,
                 id="a stage the target does not need does not break the build"),
    pytest.param("FROM debian:13-slim AS build\nRUN mkdir /out && chown 10001 /out\n"
                 "FROM debian:13-slim\nCOPY --from=build /out /srv/out\nUSER 10001\n",
                 "/srv/out", True, id="COPY --from a stage keeps the owner it had"),
]


@pytest.mark.parametrize(("dockerfile", "verdict", "ok"), VERDICTS)
def test_verdict(dockerfile: str, verdict: str, ok: bool | None) -> None:
    """The model's verdict on one Dockerfile: it builds, it starts, or the user can write a
    path."""
    model = model_of(dockerfile)
    found = (model.writable(verdict) if verdict.startswith("/")
             else model.builds() if verdict == "builds" else model.starts())
    assert found.ok is ok, found


def test_user_before_apt_get_fails_the_build() -> None:
    model = model_of("FROM debian:13-slim\nUSER 10001\n"
                     "RUN apt-get update && apt-get install -y curl\n")
    verdict = model.builds()
    assert verdict.ok is False and verdict.line == 3
    assert verdict.why == "line 3: apt-get update fails, USER is 10001"


@pytest.mark.parametrize(("step", "fails"), [
    ("RUN useradd --uid 10002 other", True),
    ("RUN mkdir /opt/data", True),                 # / and /opt belong to root
    ("RUN mkdir -p /tmp/work", False),            # /tmp is 1777
    ("RUN chown 10002 /tmp", True),               # only root gives files away
    ("RUN echo hi > /etc/motd", True),
    ("RUN sed -i s/a/b/ /etc/hosts", True),
    ("RUN npm install -g left-pad", True),
    ("RUN ./configure && make", False),           # not followed: never a failure
    ("RUN sh -c 'apk add curl'", True),
    ("RUN sudo -n true || true", False),
])
def test_steps_that_need_root(step: str, fails: bool) -> None:
    model = model_of(f"FROM debian:13-slim\nUSER 10001\n{step}\n")
    assert (model.builds().ok is False) is fails, model.builds()


def test_npm_ci_in_a_root_owned_workdir_fails() -> None:
    model = model_of("FROM node:22-slim\nWORKDIR /app\nCOPY . .\nUSER node\nRUN npm ci\n")
    verdict = model.builds()
    assert verdict.ok is False and verdict.line == 5


def test_entrypoint_copied_0700_as_root_cannot_start() -> None:
    model = model_of("FROM debian:13-slim\nCOPY --chmod=0700 run.sh /usr/local/bin/run.sh\n"
                     "USER 10001\nENTRYPOINT [\"/usr/local/bin/run.sh\"]\n")
    verdict = model.starts()
    assert verdict.ok is False and verdict.line == 2


def test_code_copied_with_chown_to_the_runtime_user_is_writable() -> None:
    model = model_of("FROM python:3.13-slim\nWORKDIR /app\nCOPY --chown=10001 . .\nUSER 10001\n")
    hits = model.code_writable()
    assert [inst.line for inst, _ in hits] == [3]


def test_code_in_a_folder_the_user_owns_is_replaceable() -> None:
    # WORKDIR after USER makes /app the user's: the root-owned code in it can be replaced.
    model = model_of("FROM python:3.13-slim\nUSER 10001\nWORKDIR /app\nCOPY . .\n")
    assert [inst.line for inst, _ in model.code_writable()] == [4]


def test_code_owned_by_root_is_not_writable() -> None:
    model = model_of("FROM python:3.13-slim\nWORKDIR /app\nCOPY . .\nUSER 10001\n")
    assert model.code_writable() == []


def test_volume_paths_are_not_code() -> None:
    model = model_of("FROM python:3.13-slim\nWORKDIR /app\nCOPY --chown=10001 data/ /app/data/\n"
                     "VOLUME /app/data\nUSER 10001\n")
    assert model.code_writable() == []


def test_run_in_distroless_fails_for_want_of_a_shell() -> None:
    model = model_of("FROM gcr.io/distroless/static-debian12:nonroot\nRUN echo hi\n")
    verdict = model.builds()
    assert verdict.ok is False and "no /bin/sh" in verdict.why
    debug = model_of("FROM gcr.io/distroless/static-debian12:debug-nonroot\nRUN echo hi\n")
    assert debug.builds().ok is True


@pytest.mark.parametrize("base", ["alpine:3.24", "node:26-alpine", "python:3.13-alpine3.22"])
def test_alpine_has_no_useradd_until_shadow_is_installed(base: str) -> None:
    """BusyBox's adduser works; useradd stops the build, unless apk added shadow first."""
    debian_habit = model_of(f"FROM {base}\nRUN useradd -u 10001 app\nUSER 10001\n")
    verdict = debian_habit.builds()
    assert verdict.ok is False and verdict.line == 2 and "useradd" in verdict.why
    busybox = model_of(f"FROM {base}\nRUN adduser -S -D -H -u 10001 app\nUSER 10001\n")
    assert busybox.builds().ok is True
    shadow = model_of(f"FROM {base}\nRUN apk add --no-cache shadow && useradd -u 10001 app\n")
    assert shadow.builds().ok is True


def test_a_stage_inherits_what_its_parent_installed() -> None:
    """shadow added in a parent stage stays; a fresh FROM alpine lacks it again."""
    model = model_of("FROM alpine:3.24 AS tools\nRUN apk add shadow\n"
                     "FROM tools\nRUN useradd -u 10001 app\n")
    assert model.builds().ok is True
    fresh = model_of("FROM alpine:3.24 AS tools\nRUN apk add shadow\n"
                     "FROM alpine:3.24\nCOPY --from=tools /etc/passwd /etc/passwd\n"
                     "RUN usermod -u 10001 nobody\n")
    assert fresh.builds().ok is False


def test_ht111_says_what_alpine_has_instead() -> None:
    """The finding names the missing command and the fix names BusyBox's spelling."""
    analysis = analyze_dockerfile("FROM alpine:3.24\nRUN groupadd -g 10001 app\n",
                                  today=dt.date(2026, 12, 6))
    found = [f for f in analysis.findings if f.rule == "HT111"]
    assert len(found) == 1 and '"groupadd: not found"' in found[0].message
    assert "addgroup -S -g GID NAME" in found[0].fix and "shadow" in found[0].fix


def test_names_resolve_through_accounts() -> None:
    model = model_of("FROM node:22-slim\nUSER node\n")
    assert model.runtime_user is not None and model.runtime_user.uid == 1000
    created = model_of("FROM debian:13-slim\nRUN useradd -r app\nUSER app\n")
    user = created.runtime_user
    assert user is not None and user.name == "app" and user.uid is None


@pytest.mark.parametrize(("words", "name", "uid"), [
    (["useradd", "--uid", "10001", "--gid", "app", "app"], "app", 10001),
    (["useradd", "-u", "10001", "-m", "app"], "app", 10001),
    (["adduser", "-u", "10001", "-G", "app", "-D", "-H", "app"], "app", 10001),  # BusyBox
    (["adduser", "--system", "--uid", "10001", "--no-create-home", "app"], "app", 10001),
    (["useradd", "-r", "svc"], "svc", None),
])
def test_user_commands(words: list[str], name: str, uid: int | None) -> None:
    account, group = parse_user_command(words, words[0], 2, Accounts())
    assert group is None and account is not None
    assert (account.name, account.uid) == (name, uid)


def test_group_commands() -> None:
    assert parse_user_command(["groupadd", "-g", "10001", "app"], "groupadd", 1,
                              Accounts()) == (None, ("app", 10001))
    assert parse_user_command(["addgroup", "-S", "-g", "101", "web"], "addgroup", 1,
                              Accounts()) == (None, ("web", 101))
    assert parse_user_command(["adduser", "app", "web"], "adduser", 1, Accounts()) == (None, None)


@pytest.mark.parametrize(("mode", "before", "after"), [
    ("755", 0o644, 0o755), ("+x", 0o644, 0o755), ("u+x", 0o644, 0o744), ("go-w", 0o777, 0o755),
    ("a=r", 0o755, 0o444), ("o+w", None, None), ("1777", None, 0o1777), ("g+s", 0o755, 0o2755),
])
def test_modes(mode: str, before: int | None, after: int | None) -> None:
    assert apply_mode(mode, before, False) == after
