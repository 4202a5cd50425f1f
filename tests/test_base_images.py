"""What base images set (default user, environment, accounts), and images a checked folder
builds itself: the table's shape, the verdicts it gives, and the corpus files it fixes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import TODAY
from tutor.analysis.base_images import BaseImages, table_config, table_entries
from tutor.analysis.config import parse_config
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.files import FileReport, analyze_targets, discover
from tutor.analysis.images import parse_image_ref
from tutor.errors import ConfigError

_KEYS = {"patterns", "except", "user", "caveat", "env", "workdir", "accounts", "shell", "why",
         "source", "lacks"}


def test_every_entry_has_a_source_and_known_keys() -> None:
    """Each fact names where it comes from, and a typo in a key is caught, not ignored."""
    for entry in table_entries():
        assert set(entry) <= _KEYS, entry["patterns"]
        assert entry["patterns"] and entry["source"].strip(), entry
        if "user" in entry or "lacks" in entry:
            assert entry.get("why", "").strip(), entry["patterns"]
        if "lacks" in entry:
            assert set(entry["lacks"]) == {"package", "commands"}, entry["patterns"]
            assert entry["lacks"]["commands"], entry["patterns"]


def test_one_table_says_what_base_images_set() -> None:
    """The default-user and the accounts tables are one file; the old names are gone."""
    data = Path(__file__).resolve().parent.parent / "tutor" / "analysis" / "data"
    assert (data / "base_images.json").is_file()
    assert not (data / "nonroot.json").exists() and not (data / "accounts.json").exists()


@pytest.mark.parametrize("ref, user", [
    ("mcr.microsoft.com/windows/nanoserver:1809", "ContainerUser"),
    ("mcr.microsoft.com/windows/nanoserver:1803", "ContainerUser"),
    ("mcr.microsoft.com/windows/nanoserver:ltsc2019", "ContainerUser"),
    ("mcr.microsoft.com/windows/nanoserver:10.0.17763.737", "ContainerUser"),
    ("mcr.microsoft.com/windows/nanoserver-insider", "ContainerUser"),
    ("mcr.microsoft.com/powershell:nanoserver-1809", "ContainerUser"),
    ("gitpod/workspace-python", "gitpod"),
    ("gitpod/workspace-full:2026-02-12", "gitpod"),
])
def test_images_that_run_as_a_named_non_root_user(ref: str, user: str) -> None:
    """Nano Server 1709+ and gitpod's workspace images need no USER to run as non-root."""
    analysis = analyze_dockerfile(f"FROM {ref}\nCMD [\"app\"]\n", today=TODAY)
    assert analysis.profile.runs_as_root is False, analysis.profile.reason
    assert analysis.profile.user == user
    assert "HT101" not in {f.rule for f in analysis.findings}


@pytest.mark.parametrize("ref", [
    "mcr.microsoft.com/windows/nanoserver:sac2016",
    "mcr.microsoft.com/windows/nanoserver:10.0.14393.2068",
    "mcr.microsoft.com/windows/servercore:ltsc2019",
    "mcr.microsoft.com/powershell:nanoserver-sac2016",
])
def test_windows_images_that_run_as_container_administrator(ref: str) -> None:
    """Server Core, and Nano Server before 1709, run as ContainerAdministrator: root's part."""
    analysis = analyze_dockerfile(f"FROM {ref}\nCMD [\"app\"]\n", today=TODAY)
    assert analysis.profile.runs_as_root is True, analysis.profile.reason
    assert "HT101" in {f.rule for f in analysis.findings}


def test_the_gitpod_user_is_shown_with_its_sudo() -> None:
    """A non-root user with passwordless sudo is named as such, not silently trusted."""
    reason = analyze_dockerfile("FROM gitpod/workspace-python\n", today=TODAY).profile.reason
    assert "gitpod (uid 33333)" in reason and "sudo" in reason


def test_base_environment_resolves_user_and_says_where_it_comes_from() -> None:
    """`USER ${NB_UID}` on a Jupyter image is uid 1000, from the image's own ENV."""
    text = "FROM quay.io/jupyter/base-notebook\nUSER root\nRUN true\nUSER ${NB_UID}\n"
    profile = analyze_dockerfile(text, today=TODAY).profile
    assert profile.runs_as_root is False and profile.user == "1000"
    assert "which base image quay.io/jupyter/base-notebook sets" in profile.reason


def test_a_value_set_in_the_dockerfile_shadows_the_base_images() -> None:
    """ENV or an ARG with a default beats the base image's ENV, as BuildKit does."""
    text = "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nARG APP_UID=0\nUSER $APP_UID\n"
    profile = analyze_dockerfile(text, today=TODAY).profile
    assert profile.runs_as_root is True and "which base image" not in profile.reason
    bare = "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nARG APP_UID\nUSER $APP_UID\n"
    assert analyze_dockerfile(bare, today=TODAY).profile.user == "1654"


def test_windows_dotnet_tags_set_no_app_uid() -> None:
    """The .NET table entry holds for Linux tags only."""
    config = table_config(parse_image_ref("mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-1809"))
    assert "APP_UID" not in config.env and config.user == "ContainerUser"
    assert table_config(parse_image_ref("mcr.microsoft.com/dotnet/aspnet:8.0")).env["APP_UID"] \
        == "1654"


def test_trusted_images_keep_what_the_table_knows() -> None:
    """A configured non-root pattern adds the verdict and keeps the table's environment."""
    images = BaseImages(trusted=("mcr.microsoft.com/dotnet/*",))
    config = images.lookup(parse_image_ref("mcr.microsoft.com/dotnet/aspnet:8.0"))
    assert config.runs_as_root is False and config.env["APP_UID"] == "1654"


# The images the corpus's compose files run that HT110 wrongly called "not known to run as
# non-root", each checked upstream (the sources are in base_images.json).
NON_ROOT_SERVICES = [
    "kibana:7.16.1", "dpage/pgadmin4:latest", "apache/kafka:3.7.0", "prom/prometheus",
    "grafana/grafana", "mcr.microsoft.com/azure-sql-edge:1.0.4",
    "docker.redpanda.com/vectorized/redpanda:v22.2.2",
]


def _compose(image: str) -> str:
    return f"services:\n  svc:\n    image: {image}\n"


@pytest.mark.parametrize("image", NON_ROOT_SERVICES)
def test_services_whose_images_run_as_non_root_get_no_ht110(image: str) -> None:
    """No `user:` is needed where the image already runs as non-root."""
    assert "HT110" not in {f.rule for f in analyze_compose(_compose(image)).findings}


@pytest.mark.parametrize("image", ["redis:8.2", "postgres:18", "prom/prometheus:v1.8.2",
                                   "grafana/grafana:4.6.3", "kibana:5.6.16"])
def test_services_that_start_as_root_still_get_ht110(image: str) -> None:
    """Images (and old releases) that start as root keep the note."""
    assert "HT110" in {f.rule for f in analyze_compose(_compose(image)).findings}


# Images a checked folder builds ------------------------------------------------------------

BASE = "FROM alpine:3.22\nRUN adduser -D -u 10001 app\nENV APP_HOME=/srv/app\nUSER app\n"
APP = "FROM registry.example.com/team/base:1.4\nWORKDIR $APP_HOME\nCMD [\"./run\"]\n"


def _check(root: Path, config_data: dict[str, object] | None = None) -> dict[str, FileReport]:
    config_path = root / ".hardening-tutor.toml"
    config = parse_config(config_data or {}, config_path)
    reports = analyze_targets(discover([root]), config, today=TODAY)
    return {Path(r.path).resolve().relative_to(root.resolve()).as_posix(): r for r in reports}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_a_from_naming_an_image_a_compose_service_builds_follows_its_dockerfile(
        tmp_path: Path) -> None:
    """Compose names the image it builds (`build:` with `image:`); FROM that name is judged
    by that Dockerfile, environment included."""
    _write(tmp_path, {
        "base/Dockerfile": BASE,
        "app/Dockerfile": APP,
        "compose.yaml": "services:\n  base:\n    build: ./base\n"
                        "    image: registry.example.com/team/base:${TAG:-1.4}\n",
    })
    report = _check(tmp_path)["app/Dockerfile"]
    assert report.profile is not None and report.profile.runs_as_root is False
    assert "base/Dockerfile (named by service 'base' in compose.yaml (line 4))" \
        in report.profile.reason
    assert "HT101" not in {f.rule for f in report.findings}


def test_a_name_compose_does_not_give_is_not_followed(tmp_path: Path) -> None:
    """Without a compose `image:` or a configured name, the base is unknown, so root."""
    _write(tmp_path, {"base/Dockerfile": BASE, "app/Dockerfile": APP,
                      "compose.yaml": "services:\n  base:\n    build: ./base\n"})
    report = _check(tmp_path)["app/Dockerfile"]
    assert "HT101" in {f.rule for f in report.findings}


def test_built_images_from_the_configuration(tmp_path: Path) -> None:
    """`[built-images]` ties a name pattern to a Dockerfile, relative to the config file."""
    _write(tmp_path, {"docker/base.Dockerfile": BASE.replace("USER app", "USER root"),
                      "app/Dockerfile": APP})
    config: dict[str, object] = {
        "built-images": {"registry.example.com/team/base:*": "docker/base.Dockerfile"}}
    report = _check(tmp_path, config)["app/Dockerfile"]
    assert report.profile is not None and report.profile.runs_as_root is True
    assert "built-images in" in report.profile.reason
    assert "USER root on line 4" in report.profile.reason


def test_dockerfiles_built_from_each_other_do_not_loop(tmp_path: Path) -> None:
    """A cycle of names ends at the table's answer instead of recursing forever."""
    _write(tmp_path, {"a/Dockerfile": "FROM example/b:1\n", "b/Dockerfile": "FROM example/a:1\n",
                      "compose.yaml": "services:\n  a:\n    build: ./a\n    image: example/a:1\n"
                                      "  b:\n    build: ./b\n    image: example/b:1\n"})
    reports = _check(tmp_path)
    assert reports["a/Dockerfile"].profile is not None
    assert reports["a/Dockerfile"].profile.runs_as_root is True


def test_bad_built_images_setting_names_the_problem() -> None:
    """A list, or an empty path, is refused with what the setting must be."""
    for value in (["x"], {"org/app:*": ""}):
        with pytest.raises(ConfigError, match="built-images must be"):
            parse_config({"built-images": value}, Path("proj/.hardening-tutor.toml"))


# The corpus files issue 17 names -------------------------------------------------------------

REAL = "real"
WINDOWS_NANO = ["msys2", "netapi-helper", "registry", "dockertls", "go-winio-issue-67",
                "golang-issue-21867"]
EXPORT_ONLY = ["moby__buildkit/examples__create-certs__Dockerfile",
               "moby__buildkit/hack__dockerfiles__govulncheck.Dockerfile",
               "moby__buildkit/hack__dockerfiles__lint.Dockerfile"]


def _corpus_report(corpus: Path, case: str, config: dict[str, object] | None = None,
                   ) -> FileReport:
    path = corpus / REAL / case
    target = path / "Dockerfile" if path.is_dir() else path
    reports = analyze_targets(discover([target]), parse_config(config or {}), today=TODAY)
    return reports[0]


def test_corpus_jupyter_user_nb_uid_is_known(corpus: Path) -> None:
    """The 15 `USER ${NB_UID}` files of jupyter docker-stacks all run as uid 1000."""
    folder = corpus / REAL / "jupyter__docker-stacks"
    reports = analyze_targets(discover([folder]), parse_config({}), today=TODAY)
    nb_uid = [r for r in reports if "NB_UID" in Path(r.path).read_text()
              and "images__docker-stacks-foundation" not in r.path]
    assert len([r for r in nb_uid if r.profile and r.profile.user == "1000"]) >= 15
    assert not [f for r in reports for f in r.findings if f.rule == "HT103"]


@pytest.mark.parametrize("name", WINDOWS_NANO)
def test_corpus_nano_server_files_run_as_container_user(corpus: Path, name: str) -> None:
    """Windows files on Nano Server 1709 or later are not root."""
    report = _corpus_report(corpus, f"StefanScherer__dockerfiles-windows/{name}__Dockerfile")
    assert report.profile is not None and report.profile.user == "ContainerUser"
    assert "HT101" not in {f.rule for f in report.findings}


def test_corpus_gitpod_dockerfile_runs_as_gitpod(corpus: Path) -> None:
    """checkov's .gitpod.Dockerfile builds on a workspace image and runs as gitpod."""
    report = _corpus_report(corpus, "bridgecrewio__checkov/.gitpod.Dockerfile")
    assert report.profile is not None and report.profile.user == "gitpod"
    assert not {"HT101", "HT111"} & {f.rule for f in report.findings}


def test_corpus_wrongsecrets_web_follows_the_dockerfile_that_builds_its_base(
        corpus: Path) -> None:
    """Dockerfile.web is FROM the image the repository's Dockerfile builds (its
    .github/scripts/docker-create.sh tags it; the corpus holds no compose file that says
    so): named in the configuration, it is judged by that Dockerfile's USER wrongsecrets."""
    project = corpus / REAL / "OWASP__wrongsecrets"
    web = _corpus_report(corpus, "OWASP__wrongsecrets/Dockerfile.web")
    assert "HT101" in {f.rule for f in web.findings}  # nothing in the folder names the build
    config: dict[str, object] = {"built-images": {"jeroenwillemsen/wrongsecrets:*":
                               str(project / "Dockerfile" / "Dockerfile")}}
    web = _corpus_report(corpus, "OWASP__wrongsecrets/Dockerfile.web", config)
    assert web.profile is not None and web.profile.user == "wrongsecrets"
    assert "HT101" not in {f.rule for f in web.findings}


def test_corpus_compose_images_that_run_as_non_root(corpus: Path) -> None:
    """HT110 leaves the seven non-root images of the corpus's compose files alone."""
    wanted = {name.split(":")[0] for name in NON_ROOT_SERVICES}
    seen: set[str] = set()
    for manifest_row in (corpus / "MANIFEST.jsonl").read_text().splitlines():
        row = json.loads(manifest_row)
        if row.get("file_type") != "compose" or row["kind"] != REAL:
            continue
        text = (corpus / row["path"]).read_text()
        analysis = analyze_compose(text)
        for finding in analysis.findings:
            if finding.rule == "HT110":
                assert not any(f" {name}" in finding.message for name in wanted), finding
        seen |= {name for name in wanted if f"image: {name}" in text}
    assert seen == wanted


@pytest.mark.parametrize("case", EXPORT_ONLY)
def test_corpus_export_only_scratch_stages_are_a_note(corpus: Path, case: str) -> None:
    """buildkit's --output stages are FROM scratch with no command: information only."""
    report = _corpus_report(corpus, case)
    (finding,) = [f for f in report.findings if f.rule == "HT101"]
    assert finding.severity.value == "info" and "docker build --output" in finding.message


def test_the_literal_start_shortcut_agrees_with_fnmatch(corpus: Path) -> None:
    """`matches_pattern` (which skips compiling patterns that cannot match) says what
    fnmatch says, for every table pattern against every image the real corpus names."""
    import fnmatch
    import re

    from tutor.analysis.base_images import candidates, matches_pattern

    patterns = {p for entry in table_entries()
                for p in (*entry["patterns"], *entry.get("except", ()))}
    patterns |= {"plain", "a?c:*", "[ab]x:1", "x[:1", "registry.example.com/base/*"}
    names = {"plain", "abc:1", "ax:1", "x[:1", "registry.example.com/base/app:2"}
    for path in (p for p in (corpus / REAL).rglob("Dockerfile") if p.is_file()):
        for line in path.read_text(errors="replace").splitlines():
            words = line.split()
            if words[:1] == ["FROM"] and len(words) > 1 and "$" not in line:
                image = next((w for w in words[1:] if not w.startswith("--")), "")
                if image and re.fullmatch(r"[\w./:@-]+", image):
                    names |= candidates(parse_image_ref(image))
    # Names built from the patterns themselves, so that every pattern matches something.
    names |= {p.replace("*", "x").replace("?", "y") for p in patterns if "[" not in p}
    hits = 0
    for pattern in patterns:
        for name in names:
            expected = fnmatch.fnmatchcase(name, pattern)
            assert matches_pattern(name, pattern) == expected, (name, pattern)
            hits += expected
    assert len(names) > 250 and hits > len(patterns)


def test_the_data_tables_are_read_through_the_package() -> None:
    """Both shipped tables load as text (pkgutil, not importlib.resources), and a missing
    one is an error that names it."""
    from tutor.analysis.datafiles import data_file

    assert json.loads(data_file("base_images.json"))["images"]
    assert json.loads(data_file("eol.json"))["products"]
    with pytest.raises(FileNotFoundError):
        data_file("no-such-table.json")
