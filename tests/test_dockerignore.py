"""Docker's .dockerignore semantics: reading, matching, and BuildKit's CopyIgnoredFile check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor.analysis.dockerignore import IgnoreFile, IgnoreProblem
from tutor.analysis.parse import parse

# (ignore-file text, context path, excluded?)
MATCHING = [
    # plain names match from the context root, and take everything below them
    ("foo", "foo", True),
    ("foo", "foo/bar/baz", True),
    ("foo", "foobar", False),
    ("foo", "a/foo", False),
    ("foo/bar", "foo/bar", True),
    ("foo/bar", "foo", False),
    # `*` stays inside one segment, but excludes a directory and so its contents
    ("*.txt", "a.txt", True),
    ("*.txt", "dir/a.txt", False),
    ("a*b", "a/b", False),
    ("*", "dir/deep/file", True),
    # `?` is exactly one character, never '/'
    ("temp?", "tempa", True),
    ("temp?", "temp", False),
    ("temp?", "tempab", False),
    ("a?b", "a/b", False),
    # classes, ranges and negation with `^`; Go has no `!` negation, so `[!a]` is '!' or 'a'
    ("[abc].txt", "b.txt", True),
    ("[abc].txt", "d.txt", False),
    ("[a-c]x", "bx", True),
    ("[a-c]x", "dx", False),
    ("[^a-c]x", "dx", True),
    ("[^a-c]x", "ax", False),
    ("[!a]x", "!x", True),
    ("[!a]x", "bx", False),
    ("[\\]]", "]", True),
    # `\` makes the next character literal
    ("\\*", "*", True),
    ("\\*", "a", False),
    ("foo\\?", "foo?", True),
    ("foo\\?", "fooa", False),
    ("a.b", "axb", False),
    # `**` in every position
    ("**", "anything/at/all", True),
    ("**/foo", "foo", True),
    ("**/foo", "a/b/foo", True),
    ("**/foo", "a/b/xfoo", False),
    ("**/foo", "a/foo/inside", True),
    ("foo/**", "foo/x/y", True),
    ("foo/**", "foo", False),
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/y/b", True),
    ("a/**/b", "a/xb", False),
    ("**/foo/**", "a/foo/b", True),
    ("**/*.go", "main.go", True),
    ("**/*.go", "cmd/x/main.go", True),
    ("**/*.go", "main.gox", False),
    # patternmatcher tests a leading `**` plus plain text as a bare suffix
    ("**.log", "a.log", True),
    ("**.log", "dir/a.log", True),
    # inside a segment `**` stands for whole directories, not for characters
    ("a**b", "axb", False),
    ("a**b", "ax/b", True),
    # cleaning of patterns and paths: leading '/' and './', trailing '/', '.', '..', '//'
    ("/foo", "foo", True),
    ("./foo", "foo", True),
    ("/foo/bar", "foo/bar/baz", True),
    ("foo", "/foo", True),
    ("foo", "./foo", True),
    ("foo/", "foo", True),
    ("foo/", "foo/x", True),
    ("a/../b", "b", True),
    ("a/../b", "a/b", False),
    ("a//b/./c", "a/b/c", True),
    ("b", "a/../b", True),
    ("/", "foo", False),
    # exceptions re-include, even under an excluded directory (unlike .gitignore)
    ("dir\n!dir/keep.txt", "dir/keep.txt", False),
    ("dir\n!dir/keep.txt", "dir/other.txt", True),
    ("dir\n!dir/keep.txt", "dir", True),
    ("**\n!sub", "sub/a.txt", False),
    ("*\n!  foo  ", "foo", False),
    # order: the last pattern that applies wins
    ("*.txt\n!a.txt", "a.txt", False),
    ("!a.txt\n*.txt", "a.txt", True),
    ("*.txt\n!a.txt\na.txt", "a.txt", True),
    # comments, blank lines, whitespace, CRLF and a byte-order mark
    ("# foo\nbar", "# foo", False),
    ("#foo", "#foo", False),
    ("  # foo", "# foo", True),  # Docker looks for '#' before trimming
    ("\n\n   \n\tfoo  \n\n", "foo", True),
    ("foo\r\nbar\r\n", "foo", True),
    ("foo\r\nbar\r\n", "bar", True),
    ("\ufefffoo", "foo", True),
    ("\ufeff# c\nfoo", "# c", False),
    # the context root itself is never excluded
    ("*", ".", False),
    ("**", "", False),
    ("**", "/", False),
    # Docker's documented examples
    ("*/temp*", "somedir/temporary.txt", True),
    ("*/temp*", "somedir/temp", True),
    ("*/temp*", "temp.txt", False),
    ("*/*/temp*", "somedir/subdir/temporary.txt", True),
    ("*/*/temp*", "somedir/temporary.txt", False),
    ("temp?", "tempb", True),
    ("*.md\n!README.md", "README.md", False),
    ("*.md\n!README.md", "CHANGES.md", True),
    ("*.md\n!README*.md\nREADME-secret.md", "README-secret.md", True),
    ("*.md\n!README*.md\nREADME-secret.md", "README-public.md", False),
    ("*.md\n!README*.md\nREADME-secret.md", "notes.md", True),
]


@pytest.mark.parametrize(("text", "path", "expected"), MATCHING)
def test_excluded_matches_docker(text: str, path: str, expected: bool) -> None:
    """Each pattern excludes exactly what Docker's matcher excludes."""
    ignore = IgnoreFile.parse(text)
    assert ignore.problems == ()
    assert ignore.excluded(path) is expected


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("[bad", "unterminated character class"),
        ("[]", "character class is empty"),
        ("[^]", "character class is empty"),
        ("[a-]", "a range has no end"),
        ("[-a]", "'-' must stand between two characters"),
        ("[z-a]", "runs backwards"),
        ("x\\", "trailing '\\' escapes nothing"),
        ("!", "exception with no pattern"),
        ("!/", "exception with no pattern"),
    ],
)
def test_invalid_pattern_is_a_problem_and_the_rest_still_work(pattern: str, reason: str) -> None:
    """A pattern Docker rejects is reported on its line and skipped; the others still apply."""
    ignore = IgnoreFile.parse(f"# header\ngood\n{pattern}\nalso*\n")
    assert len(ignore.problems) == 1
    problem = ignore.problems[0]
    assert isinstance(problem, IgnoreProblem)
    assert problem.line == 3
    assert f"'{pattern}'" in problem.message and reason in problem.message
    assert "Docker rejects the whole build" in problem.message
    assert ignore.excluded("good") and ignore.excluded("also1")
    assert not ignore.excluded("other")


def test_has_exceptions() -> None:
    """has_exceptions is set by any usable `!` pattern, and only by one."""
    assert IgnoreFile.parse("*\n!keep").has_exceptions
    assert not IgnoreFile.parse("*\n\\!keep").has_exceptions
    assert not IgnoreFile.parse("*\n!\n").has_exceptions


# (ignore-file text, COPY source, reported by CopyIgnoredFile?)
SOURCES = [
    ("sub", "sub/a.txt", True),
    ("sub", "./sub/a.txt", True),
    ("sub", "/sub/a.txt", True),
    ("sub", "other.txt", False),
    ("", "anything", False),
    # exceptions that cannot reach into the source leave the warning in place
    ("sub\n!sub/b.txt", "sub/a.txt", True),
    ("sub\n!other.txt", "sub/a.txt", True),
    ("sub\n!other/*.txt", "sub/a.txt", True),
    ("!sub/b.txt\nsub", "sub/a.txt", True),
    ("!sub/keep.txt\nsub", "sub", True),  # a later exclusion overrides the exception
    # exceptions that may re-include something under the source silence it
    ("sub\n!sub/keep.txt", "sub", False),
    ("sub\n!sub/nested/keep.txt", "sub", False),
    ("sub\n!sub/*.txt", "sub", False),
    ("sub\n!*/keep.txt", "sub", False),
    ("sub\n!**/keep.txt", "sub", False),
    ("sub\n!sub/keep.txt", "sub/*.txt", False),
    ("su.b\n!su\\.b/keep.txt", "su.b", False),
    ("!sub/keep.txt\nsub\n!sub/keep.txt", "sub", False),
    ("sub\n!sub/keep.txt", "sub/keep.txt", False),
    ("**\n!sub", "sub/a.txt", False),
    # the context root, in all its spellings
    ("*", ".", True),
    ("**", "./", True),
    ("**/*", "/", True),
    ("?*", "", True),  # also every root entry, though BuildKit only knows the three above
    (".*", ".", False),
    ("**\n!Dockerfile", ".", False),
    ("Dockerfile\n.git", ".", False),
]


@pytest.mark.parametrize(("text", "source", "expected"), SOURCES)
def test_source_ignored(text: str, source: str, expected: bool) -> None:
    """A COPY source is reported only when the ignore file surely removes all it names."""
    assert IgnoreFile.parse(text).source_ignored(source) is expected


_SKIP_DIRECTIVE = re.compile(r"^#\s*check\s*=\s*skip\s*=.*\bCopyIgnoredFile\b", re.MULTILINE)
# BuildKit's own test suppresses the check in this case with a `# check=skip=` directive.
_SUPPRESSED_CASE = "CopyIgnoredFile__testCopyIgnoredFiles__03"
_TWIN_CASE = "CopyIgnoredFile__testCopyIgnoredFiles__01"


def _context_sources(value: str) -> list[str]:
    """The build-context sources of a COPY/ADD argument, or none when it copies from elsewhere."""
    words = value.split()
    if any(word.startswith("--from=") for word in words):
        return []
    args = [word for word in words if not word.startswith("--")]
    return args[:-1]


def _flagged(case: Path) -> dict[int, str]:
    """Lines (and their instruction text) whose COPY/ADD sources the case's ignore file removes."""
    ignore = IgnoreFile.parse((case / ".dockerignore").read_text(encoding="utf-8"))
    dockerfile = parse((case / "Dockerfile").read_text(encoding="utf-8"))
    flagged: dict[int, str] = {}
    for instruction in dockerfile.instructions:
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        if any(ignore.source_ignored(src) for src in _context_sources(instruction.value)):
            flagged[instruction.line] = f"{instruction.keyword} {instruction.value}"
    return flagged


def test_buildkit_copy_ignored_file_cases(corpus: Path) -> None:
    """On every BuildKit CopyIgnoredFile case we flag exactly the lines BuildKit warns about."""
    rows = [json.loads(line) for line in (corpus / "MANIFEST.jsonl").read_text().splitlines()]
    rows = [row for row in rows if row.get("check") == "CopyIgnoredFile"]
    assert rows, "the corpus has no CopyIgnoredFile cases"
    mismatches: dict[str, tuple[set[int], set[int]]] = {}
    for row in rows:
        case = (corpus / row["path"]).parent
        if _SKIP_DIRECTIVE.search((case / "Dockerfile").read_text(encoding="utf-8")):
            assert case.name == _SUPPRESSED_CASE  # a new suppressed case needs its own twin
            continue  # compared with its twin in the next test
        expected = {w["line"] for w in row["expected_warnings"] if w["rule"] == "CopyIgnoredFile"}
        ours = set(_flagged(case))
        if ours != expected:
            mismatches[case.name] = (ours, expected)
    assert mismatches == {}


def test_buildkit_suppressed_case_matches_its_twin(corpus: Path) -> None:
    """The case BuildKit silences with `# check=skip=` is one we flag like its unsilenced twin."""
    labelled = corpus / "labelled" / "buildkit"
    suppressed, twin = labelled / _SUPPRESSED_CASE, labelled / _TWIN_CASE
    text = (suppressed / "Dockerfile").read_text(encoding="utf-8")
    # BuildKit reports nothing here only because the directive turns the check off; the
    # Dockerfile and .dockerignore are otherwise those of __01, so the matcher must agree.
    assert _SKIP_DIRECTIVE.search(text)
    assert (suppressed / ".dockerignore").read_text() == (twin / ".dockerignore").read_text()
    ours, theirs = _flagged(suppressed), _flagged(twin)
    assert sorted(ours.values()) == sorted(theirs.values()) != []
    assert set(ours) == {line + 1 for line in theirs}  # the directive pushes each line down one


_SEGMENT = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,8}", fullmatch=True)
_LITERAL_PATH = st.lists(_SEGMENT, min_size=1, max_size=4).map("/".join)


@given(path=_LITERAL_PATH, child=_SEGMENT, spelling=st.sampled_from(["{}", "/{}", "./{}", "{}/"]))
def test_a_literal_pattern_excludes_itself_and_below(path: str, child: str, spelling: str) -> None:
    """A pattern with no wildcards excludes exactly that path and everything below it."""
    ignore = IgnoreFile.parse(spelling.format(path))
    assert ignore.problems == ()
    assert ignore.excluded(path)
    assert ignore.excluded(f"{path}/{child}")
    assert ignore.source_ignored(path)
    assert not ignore.excluded(f"{path}x")
    assert not ignore.excluded(f"{child}~/{path}")  # '~' is in no generated segment
    parent = path.rpartition("/")[0]
    if parent:
        assert not ignore.excluded(parent)


@given(text=st.text(alphabet="ab/*?[]^!-\\#. \r\n\t", max_size=60), path=st.text(max_size=20))
def test_parse_and_match_never_raise(text: str, path: str) -> None:
    """Any text parses, and any path can be asked about, without an exception."""
    ignore = IgnoreFile.parse(text)
    assert all(problem.line >= 1 for problem in ignore.problems)
    assert isinstance(ignore.excluded(path), bool)
    assert isinstance(ignore.source_ignored(path), bool)
