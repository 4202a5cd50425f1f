"""LazyPattern: a pattern compiled on first use gives what re.compile's would."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tutor.analysis.lazyre import LazyPattern

TEXT = "token=abc123 password: s3cret\nTOKEN=XYZ"


def _shown(match: re.Match[str] | None) -> tuple[str, tuple[int, int]] | None:
    return None if match is None else (match.group(), match.span())


@pytest.mark.parametrize(("source", "flags"), [(r"(?P<k>\w+)[=:]\s*(?P<v>\S+)", 0),
                                               (r"^token", re.I | re.M), (r"nothing", 0)])
def test_same_results_as_a_compiled_pattern(source: str, flags: int) -> None:
    """Every method answers as re.Pattern's does, and the source is kept."""
    lazy, eager = LazyPattern(source, flags), re.compile(source, flags)
    assert lazy.pattern == eager.pattern
    for method in ("search", "match", "fullmatch"):
        for bounds in ((), (5,), (5, 20)):
            got = getattr(lazy, method)(TEXT, *bounds)
            want = getattr(eager, method)(TEXT, *bounds)
            assert _shown(got) == _shown(want), (method, bounds)
    assert [m.span() for m in lazy.finditer(TEXT)] == [m.span() for m in eager.finditer(TEXT)]
    assert lazy.findall(TEXT) == eager.findall(TEXT)
    assert lazy.sub("<x>", TEXT) == eager.sub("<x>", TEXT)
    assert lazy.sub(lambda m: m.group().upper(), TEXT, 1) == eager.sub(
        lambda m: m.group().upper(), TEXT, 1)
    assert lazy.split(TEXT) == eager.split(TEXT)
    assert lazy.compiled is lazy.compiled  # compiled once


def test_importing_the_secret_scanners_compiles_none_of_their_patterns() -> None:
    """The patterns of the secret modules wait for a line that needs them (issue 19)."""
    script = (
        "import importlib\nfrom tutor.analysis.lazyre import LazyPattern\n"
        "names = ['secret_commands', 'secret_writes', 'secret_flow', 'secrets', "
        "'secret_contents', 'secret_askpass', 'suppress', 'variables', 'rules._downloads', "
        "'rules.setcap']\n"
        "found = compiled = 0\n"
        "for name in names:\n"
        "    module = importlib.import_module('tutor.analysis.' + name)\n"
        "    for value in vars(module).values():\n"
        "        items = value if isinstance(value, tuple) else (value,)\n"
        "        for item in items:\n"
        "            for part in (item if isinstance(item, tuple) else (item,)):\n"
        "                if isinstance(part, LazyPattern):\n"
        "                    found += 1\n"
        "                    compiled += part._compiled is not None\n"
        "print(found, compiled)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False)
    found, compiled = map(int, result.stdout.split())
    assert found > 50 and compiled == 0, result.stderr
