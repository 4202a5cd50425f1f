"""The reviewer's false alarms and misses on real files (issue 17 §3), read from the corpus."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import TODAY
from tutor.analysis.engine import analyze_compose, analyze_dockerfile
from tutor.analysis.findings import Finding
from tutor.analysis.source import decode


def findings(corpus: Path, path: str) -> list[Finding]:
    """What check reports for one real file, Dockerfile or compose file."""
    source = decode((corpus / "real" / path).read_bytes(), path)
    if "compose" in path.rsplit("/", 1)[-1]:
        return analyze_compose(source.text).findings
    return analyze_dockerfile(source.text, today=TODAY, extra_problems=source.problems).findings


def lines_of(corpus: Path, path: str, rule: str) -> list[int]:
    """The lines one rule reports in one real file."""
    return sorted(f.line for f in findings(corpus, path) if f.rule == rule)


def test_a_sticky_web_root_is_world_writable(corpus: Path) -> None:
    """`chmod 1777 /var/www/html` in all 14 php variants is HT107; scratch-like dirs are not."""
    folder = corpus / "real" / "docker-library__php"
    php = sorted(p.parent.name for p in folder.glob("*/Dockerfile"))
    flagged = [name for name in php
               if any("/var/www/html" in f.message for f in
                      findings(corpus, f"docker-library__php/{name}/Dockerfile")
                      if f.rule == "HT107")]
    assert len(flagged) == 14 == len(php)
    # The Apache run, lock and log folders get 1777 too, through a variable: not served.
    apache = "docker-library__php/8.5__trixie__apache__Dockerfile/Dockerfile"
    assert lines_of(corpus, apache, "HT107") == [43]
    assert lines_of(corpus, "jessfraz__dockerfiles/transmission__Dockerfile/Dockerfile",
                    "HT107") == []


def test_kubectl_download_is_unverified_not_piped(corpus: Path) -> None:
    """The backquoted version only builds the URL (no HT502); the unchecked binary is HT504."""
    path = "bridgecrewio__checkov/kubernetes__Dockerfile/Dockerfile"
    assert lines_of(corpus, path, "HT502") == []
    assert lines_of(corpus, path, "HT504") == [15, 20]
    (kubectl,) = [f for f in findings(corpus, path) if f.rule == "HT504" and f.line == 15]
    assert "kubectl" in kubectl.message and "checksum" in kubectl.message


def test_verified_and_pinned_downloads_stay_quiet(corpus: Path) -> None:
    """Official images verify with sha256sum or gpg; a clone checked out at a version is pinned."""
    for path in ("docker-library__golang/1.27__trixie__Dockerfile/Dockerfile",
                 "docker-library__php/8.5__trixie__cli__Dockerfile/Dockerfile",
                 "jessfraz__dockerfiles/plexpy__Dockerfile/Dockerfile",
                 "jessfraz__dockerfiles/oauth2-proxy__Dockerfile/Dockerfile",
                 "StefanScherer__dockerfiles-windows/swarm__Dockerfile/Dockerfile"):
        assert lines_of(corpus, path, "HT504") == [], path


def test_ssh_servers_without_expose_22(corpus: Path) -> None:
    """openssh-server installed, or sshd started, is HT503 with no EXPOSE 22 in the file."""
    assert lines_of(corpus, "Dmitrywh1__Lesson11_Pipeline_Jenkins/Dockerfile/Dockerfile",
                    "HT503") == [2]
    assert lines_of(corpus, "StefanScherer__dockerfiles-windows/openssh__Dockerfile/Dockerfile",
                    "HT503") == [18]
    (meta,) = [f for f in findings(corpus, "Matts966__docker-git/Dockerfile/Dockerfile")
               if f.rule == "HT503"]
    assert meta.severity.value == "info" and "openssh-client" in meta.fix


def test_jdwp_published_in_compose_and_started_by_images(corpus: Path) -> None:
    """vulhub publishes port 5005 (HT312) for images that start the JDWP agent (HT505)."""
    for name in ("metersphere__CVE-2021-45788", "linkis__CVE-2022-44645"):
        path = f"vulhub__vulhub/{name}__docker-compose.yml/docker-compose.yml"
        assert lines_of(corpus, path, "HT312"), path
    assert lines_of(corpus, "vulhub__vulhub/base__metersphere__1.15.4__Dockerfile/Dockerfile",
                    "HT505") == [41]


def test_runtime_user_added_to_root_group(corpus: Path) -> None:
    """`usermod -aG root abc` in the wrongsecrets desktops is HT115."""
    for name in ("Dockerfile_webdesktop", "Dockerfile_webdesktopk8s"):
        (found,) = [f for f in findings(corpus, f"OWASP__wrongsecrets/{name}/Dockerfile")
                    if f.rule == "HT115"]
        assert "abc" in found.message and "root group" in found.message


def test_version_1_compose_file_is_analysed(corpus: Path) -> None:
    """jessfraz's openvpn compose file: obsolete format reported, its service's net: host found."""
    path = "jessfraz__dockerfiles/openvpn__docker-compose.yml/docker-compose.yml"
    found = findings(corpus, path)
    (legacy,) = [f for f in found if f.rule == "HT001"]
    assert legacy.severity.value == "warning" and "version 1" in legacy.message
    assert any(f.rule == "HT308" and "net: host" in f.message for f in found)
    assert {"HT303", "HT309", "HT311"} <= {f.rule for f in found}
