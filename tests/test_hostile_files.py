"""Files that are not files: devices, FIFOs, unlistable folders and UTF-16 text (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tutor.cli import main

ROOT_FILE = "FROM debian:13-slim\nUSER root\n"
CLEAN_FILE = "FROM debian:13-slim@sha256:" + "a" * 64 + "\nUSER 10001\n"
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


def _cap_memory() -> None:
    """A regression that reads /dev/zero dies of MemoryError instead of eating the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the command line in a child with a timeout, so a read that blocks fails the test."""
    return subprocess.run([sys.executable, "-m", "tutor", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=20, stdin=subprocess.DEVNULL,
                          preexec_fn=_cap_memory if sys.platform != "win32" else None,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project directory as the working directory (no config file above it)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process and return (exit code, stdout, stderr)."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- devices and FIFOs --------------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_at_once(workdir: Path, device: str) -> None:
    """check /dev/zero ends with exit 2 and says it is a device, instead of reading forever."""
    if not Path(device).exists():
        pytest.skip(f"{device} is not here")
    result = cli(workdir, "check", device)
    assert result.returncode == 2
    assert result.stderr == (f"hardening-tutor: error: {device}: is a device, not a regular "
                             f"file; give a Dockerfile, a compose file or a directory\n")


@needs_fifo
def test_a_fifo_on_the_command_line_is_refused(workdir: Path) -> None:
    """A named pipe given as the Dockerfile is refused, not opened (which would block)."""
    os.mkfifo(workdir / "Dockerfile")
    result = cli(workdir, "check", "Dockerfile")
    assert result.returncode == 2
    assert "Dockerfile: is a named pipe (FIFO), not a regular file" in result.stderr


@needs_fifo
def test_a_fifo_in_a_scanned_directory_is_skipped(workdir: Path) -> None:
    """A FIFO named Dockerfile and a link to /dev/zero are passed over; real files are read."""
    os.mkfifo(workdir / "Dockerfile")
    os.mkfifo(workdir / "compose.yaml")
    (workdir / "api").mkdir()
    (workdir / "api" / "Dockerfile").write_text(ROOT_FILE)
    if Path("/dev/zero").exists():
        (workdir / "zero.Dockerfile").symlink_to("/dev/zero")
    result = cli(workdir, "check", "--format", "json", ".")
    paths = [f["path"] for f in json.loads(result.stdout)["files"]]
    assert paths == ["api/Dockerfile"]
    assert result.returncode == 1 and result.stderr == ""


@needs_fifo
def test_a_compose_service_that_builds_a_fifo(workdir: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A service whose Dockerfile is a FIFO is a warning on its build line, not a hang."""
    (workdir / "web").mkdir()
    os.mkfifo(workdir / "web" / "Dockerfile")
    (workdir / "compose.yaml").write_text("services:\n  web:\n    build: ./web\n")
    code, out, _ = run(capsys, "check", "--format", "json", "compose.yaml")
    (entry,) = json.loads(out)["files"]
    (finding,) = [f for f in entry["findings"] if f["rule"] == "HT001"]
    assert finding["line"] == 3 and finding["severity"] == "warning"
    assert "which is not a regular file, so it was not analysed" in finding["message"]


@needs_fifo
def test_a_fifo_in_the_build_context_is_no_secret_and_no_ignore_file(workdir: Path) -> None:
    """A FIFO named id_rsa is not reported as a copied key, and a FIFO .dockerignore is absent."""
    (workdir / "Dockerfile").write_text(
        "FROM debian:13-slim@sha256:" + "a" * 64 + "\nCOPY . /app\nUSER 10001\n")
    os.mkfifo(workdir / "id_rsa")
    os.mkfifo(workdir / ".dockerignore")
    (workdir / ".env").write_text("TOKEN=x\n")
    result = cli(workdir, "check", "--format", "json", "Dockerfile")
    (entry,) = json.loads(result.stdout)["files"]
    messages = " ".join(f["message"] for f in entry["findings"])
    assert ".env" in messages and "no .dockerignore" in messages
    assert "id_rsa" not in messages


@needs_fifo
def test_a_fifo_as_the_workbench_file_is_refused(workdir: Path) -> None:
    """Opening a FIFO in the workbench is an error before the screen is taken, not a hang."""
    os.mkfifo(workdir / "Dockerfile")
    result = cli(workdir, "Dockerfile")
    assert result.returncode == 2
    assert "Dockerfile: is a named pipe (FIFO), not a regular file" in result.stderr


@needs_fifo
def test_a_config_file_that_is_not_a_file(workdir: Path) -> None:
    """--config /dev/zero or a FIFO is a clear error with exit 2."""
    (workdir / "Dockerfile").write_text(CLEAN_FILE)
    os.mkfifo(workdir / "pipe.toml")
    for config, what in (("pipe.toml", "a named pipe (FIFO)"), ("/dev/zero", "a device")):
        if not Path(config).exists() and config.startswith("/"):
            continue
        result = cli(workdir, "check", "--config", config, "Dockerfile")
        assert result.returncode == 2
        assert result.stderr == (f"hardening-tutor: error: {config}: is {what}, not a regular "
                                 f"file\n")


# --- UTF-16 and UTF-32 --------------------------------------------------------------------


@pytest.mark.parametrize(("codec", "label"), [
    ("utf-16-le", "UTF-16 (little-endian"), ("utf-16-be", "UTF-16 (big-endian"),
    ("utf-32-le", "UTF-32 (little-endian"), ("utf-32-be", "UTF-32 (big-endian")])
def test_a_wide_dockerfile_with_a_bom_is_decoded(workdir: Path, capsys: pytest.CaptureFixture[str],
                                                 codec: str, label: str) -> None:
    """UTF-16/32 with a BOM is analysed (finding on the right line) with a UTF-8 warning."""
    text = "# Windows editor\r\nFROM debian:13-slim\r\nRUN echo café\r\nUSER root\r\n"
    (workdir / "Dockerfile").write_bytes("\ufeff".encode(codec) + text.encode(codec))
    code, out, err = run(capsys, "check", "--format", "json", "Dockerfile")
    (entry,) = json.loads(out)["files"]
    assert entry["error"] is None and err == ""
    found = {(f["rule"], f["line"]) for f in entry["findings"]}
    assert ("HT101", 4) in found
    (encoding,) = [f for f in entry["findings"] if f["rule"] == "HT001"]
    assert encoding["line"] == 1 and encoding["severity"] == "warning"
    assert label in encoding["message"] and "Save the file as UTF-8" in encoding["fix"]
    assert entry["profile"]["user"] == "root"


def test_a_utf16_compose_file_is_decoded(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A UTF-16 compose file is analysed, with a note that it was decoded."""
    text = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n"
    (workdir / "compose.yaml").write_bytes(text.encode("utf-16"))
    code, out, _ = run(capsys, "check", "--format", "json", "compose.yaml")
    (entry,) = json.loads(out)["files"]
    assert entry["error"] is None
    lines = {f["line"] for f in entry["findings"] if f["rule"] != "HT001"}
    assert 4 in lines
    (note,) = [f for f in entry["findings"] if f["rule"] == "HT001"]
    assert "UTF-16" in note["message"] and note["severity"] == "info"


def test_a_bom_before_binary_is_still_binary(workdir: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A UTF-16 mark before control characters, or before broken UTF-16, is refused."""
    (workdir / "a.Dockerfile").write_bytes(
        b"\xff\xfe" + ("\x01\x02\x03\x04" * 64).encode("utf-16-le"))
    (workdir / "b.Dockerfile").write_bytes(b"\xff\xfe" + b"\x00\xd8" + "FROM x\n".encode(
        "utf-16-le"))  # a high surrogate with no low one after it
    code, _, err = run(capsys, "check", "a.Dockerfile", "b.Dockerfile")
    assert code == 2
    assert err.splitlines() == [
        "hardening-tutor: error: a.Dockerfile: binary file, not a Dockerfile or compose file",
        "hardening-tutor: error: b.Dockerfile: starts with a UTF-16 byte-order mark but is not "
        "UTF-16 text"]


# --- errors on stderr in text mode ----------------------------------------------------------


def test_text_mode_errors_go_to_stderr(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that cannot be analysed is named on stderr in text mode too."""
    (workdir / "Dockerfile").write_bytes(bytes(range(256)) * 4)
    (workdir / "ok.Dockerfile").write_text(ROOT_FILE)
    code, out, err = run(capsys, "check", "Dockerfile", "ok.Dockerfile")
    assert code == 2
    assert err == ("hardening-tutor: error: Dockerfile: binary file, not a Dockerfile or "
                   "compose file\n")
    assert "HT101" in out  # the other file is still reported


def test_text_mode_unknown_target_goes_to_stderr(workdir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """--target naming a missing stage is an error on stderr, naming the stages there are."""
    (workdir / "Dockerfile").write_text("FROM debian:13-slim AS runtime\nUSER 10001\n")
    code, _, err = run(capsys, "check", "--target", "nope", "Dockerfile")
    assert code == 2
    assert err.startswith("hardening-tutor: error: ") and "nope" in err and "runtime" in err


# --- folders that cannot be listed -----------------------------------------------------------


def _deny_listing(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make listing ``folder`` fail as it does for a chmod 000 folder (root ignores modes)."""
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if os.path.abspath(path) == str(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unlistable_folder_is_a_permission_error(workdir: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder that cannot be listed is reported as such, not as holding no Dockerfile."""
    (workdir / "src").mkdir()
    (workdir / "src" / "Dockerfile").write_text(ROOT_FILE)
    _deny_listing(monkeypatch, workdir / "src")
    code, out, err = run(capsys, "check", "src")
    assert code == 2 and out == ""
    assert err == "hardening-tutor: error: src: cannot list this directory: permission denied\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can list any folder")
def test_a_chmod_000_folder_is_a_permission_error(workdir: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The real thing: a folder with mode 000."""
    (workdir / "src").mkdir()
    (workdir / "src" / "Dockerfile").write_text(ROOT_FILE)
    (workdir / "src").chmod(0)
    try:
        code, _, err = run(capsys, "check", "src")
    finally:
        (workdir / "src").chmod(0o755)
    assert code == 2 and "permission denied" in err and "no Dockerfile" not in err


def test_an_unlistable_subfolder_is_a_warning(workdir: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A subfolder that cannot be listed gets a warning on stderr; the rest is analysed."""
    (workdir / "Dockerfile").write_text(ROOT_FILE)
    (workdir / "secret").mkdir()
    (workdir / "secret" / "Dockerfile").write_text(ROOT_FILE)
    _deny_listing(monkeypatch, workdir / "secret")
    code, out, err = run(capsys, "check", ".")
    assert code == 1
    assert "HT101" in out and "secret/Dockerfile" not in out
    assert err.startswith("hardening-tutor: warning: ") and "secret" in err
    assert "permission denied" in err and "not analysed" in err


def test_a_path_that_cannot_be_looked_at(workdir: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A path whose folder denies access is a permission error, not a traceback."""
    real = Path.stat

    def stat(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "Dockerfile":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    code, out, err = run(capsys, "check", "locked/Dockerfile")
    assert code == 2 and out == ""
    assert err == "hardening-tutor: error: locked/Dockerfile: cannot read: permission denied\n"


def test_the_workbench_reports_an_unlistable_folder(workdir: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening an unlistable folder in the workbench says so, not 'no Dockerfile'."""
    from tutor.app.workspace import Workspace
    from tutor.errors import InputError

    (workdir / "src").mkdir()
    _deny_listing(monkeypatch, workdir / "src")
    with pytest.raises(InputError, match="cannot list this folder: permission denied"):
        Workspace.from_path(workdir / "src")
