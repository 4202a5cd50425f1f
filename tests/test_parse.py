"""The parser and model: spans, heredocs, stages, image references and variable expansion."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.analysis.engine import analyze_dockerfile
from tutor.analysis.images import parse_image_ref
from tutor.analysis.parse import parse
from tutor.analysis.variables import (
    dangling_words,
    mask_operands,
    operand_words,
    parse_assignments,
    split_words,
    substitute,
)


def test_line_spans_cover_continuations_and_heredocs() -> None:
    """Instructions carry their exact first and last line, heredoc bodies included."""
    text = "FROM alpine:3.22\nRUN a \\\n  # note\n  b\nRUN <<EOF\nx\nEOF\nUSER 1\n"
    df = parse(text)
    spans = [(i.keyword, i.line, i.end_line) for i in df.instructions]
    assert spans == [("FROM", 1, 1), ("RUN", 2, 4), ("RUN", 5, 7), ("USER", 8, 8)]
    assert df.instructions[2].heredocs[0].body == "x\n"
    assert [c.line for c in df.comments] == [3]


def test_heredoc_variants() -> None:
    """Quoted, tab-stripping and multiple heredocs in one instruction."""
    text = "FROM a:1\nCOPY <<-'ONE' <<TWO /dst/\n\tUSER root\n\tONE\nbody\nTWO\nUSER 1\n"
    df = parse(text)
    copy = df.instructions[1]
    assert [h.delimiter for h in copy.heredocs] == ["ONE", "TWO"]
    assert copy.heredocs[0].body == "USER root\n" and copy.heredocs[0].expands is False
    assert copy.end_line == 6
    assert [i.keyword for i in df.instructions] == ["FROM", "COPY", "USER"]


def test_stages_and_image_references() -> None:
    """Stages know their alias, platform, parent stage and split base image."""
    text = ("ARG REG=ghcr.io\nFROM --platform=$BUILDPLATFORM ${REG}/org/app:1.2@sha256:"
            + "b" * 64 + " AS Build\nFROM build\nFROM scratch AS final\n")
    df = parse(text)
    build, child, final = df.stages
    assert build.name == "Build" and build.platform == "$BUILDPLATFORM"
    assert build.image is not None
    assert (build.image.registry, build.image.repository, build.image.tag) == \
        ("ghcr.io", "org/app", "1.2")
    assert build.image.digest == "sha256:" + "b" * 64
    assert child.parent == 0 and child.image is None
    assert final.is_scratch and final.image is None


@pytest.mark.parametrize("ref, parts", [
    ("node", (None, "node", None, None)),
    ("node:22-alpine", (None, "node", "22-alpine", None)),
    ("localhost:5000/app", ("localhost:5000", "app", None, None)),
    ("registry.io:443/a/b:c", ("registry.io:443", "a/b", "c", None)),
    ("library/ubuntu@sha256:" + "c" * 64, (None, "library/ubuntu", None, "sha256:" + "c" * 64)),
])
def test_parse_image_ref(ref: str, parts: tuple[str | None, ...]) -> None:
    """References split into registry, repository, tag and digest like Docker's grammar."""
    image = parse_image_ref(ref)
    assert (image.registry, image.repository, image.tag, image.digest) == parts


def test_hub_normalisation() -> None:
    """docker.io/library/ prefixes are dropped for table lookups."""
    assert parse_image_ref("docker.io/library/python:3.13").normalized == "python:3.13"
    assert parse_image_ref("python").normalized == "python:latest"


def test_arg_scoping() -> None:
    """Global ARGs reach FROM; inside a stage only after a bare re-declaration."""
    text = "ARG U=app\nFROM alpine:3.22\nUSER $U\nFROM alpine:3.22\nARG U\nUSER $U\n"
    df = parse(text)
    first, second = (i for i in df.instructions if i.keyword == "USER")
    assert first.unresolved == ("U",) and first.text == ""
    assert second.text == "app" and not second.unresolved


def test_env_is_inherited_by_child_stages_but_arg_is_not() -> None:
    """ENV crosses FROM <stage>; ARG does not."""
    text = "FROM alpine:3.22 AS a\nENV WHO=10001\nARG OTHER=x\nFROM a\nUSER $WHO\nUSER $OTHER\n"
    users = [i for i in parse(text).instructions if i.keyword == "USER"]
    assert users[0].text == "10001" and users[1].unresolved == ("OTHER",)


@pytest.mark.parametrize("text, expanded, unresolved", [
    ("$A", "1", ()),
    ("${A}", "1", ()),
    ("${A:-x}", "1", ()),
    ("${MISSING:-x}", "x", ()),
    ("${EMPTY:-x}", "x", ()),
    ("${EMPTY-x}", "", ()),
    ("${A:+y}", "y", ()),
    ("${EMPTY:+y}", "", ()),
    ("${MISSING:+y}", "", ("MISSING",)),
    ("${DECLARED:+y}", "", ()),
    ("$MISSING", "", ("MISSING",)),
    ("${DECLARED}", "", ("DECLARED",)),
    ("\\$A", "$A", ()),
    ("'$A'", "'$A'", ()),
    ("pre-${A}-post", "pre-1-post", ()),
])
def test_substitute(text: str, expanded: str, unresolved: tuple[str, ...]) -> None:
    """Docker's $VAR, ${VAR}, ${VAR:-d}, ${VAR:+a} rules, with unknowns reported."""
    scope = {"A": "1", "EMPTY": "", "DECLARED": None}
    assert substitute(text, scope) == (expanded, unresolved)


def test_assignments() -> None:
    """ARG/ENV forms: several pairs, quotes, the legacy space form, and no default."""
    assert parse_assignments("ENV", 'A=1 B="two words"') == [("A", "1"), ("B", "two words")]
    assert parse_assignments("ENV", "LEGACY some value") == [("LEGACY", "some value")]
    assert parse_assignments("ARG", "NAME") == [("NAME", None)]
    assert split_words(r"a\ b 'c d'") == ["a b", "c d"]


@pytest.mark.parametrize("text, operands", [
    ("${X:-s3cret}", [("-", "s3cret")]),
    ("${X-s3cret}", [("-", "s3cret")]),
    ("${X:+s3cret}", [("+", "s3cret")]),
    ("${X+s3cret}", [("+", "s3cret")]),
    ("${X:?set X}", [("?", "set X")]),
    ("${A:+x${B-y}z}", [("+", "x"), ("-", "y"), ("+", "z")]),
    ("${A:-pre${B}$C}", [("-", "pre")]),
    ("lit ${X} $Y ${X:-}", []),
    ("\\${X:-escaped}", []),
    ("${X:-unclosed", []),
])
def test_operand_words(text: str, operands: list[tuple[str, str]]) -> None:
    """The literal defaults, alternatives and messages inside ${…}, nested ones included."""
    assert operand_words(text) == operands


def test_mask_operands_keeps_the_shape_of_the_reference() -> None:
    """Only operand text is masked; names, nested references and outer text stay."""
    masked = mask_operands("a ${X:-secret${Y}more}/${Z}", lambda op, literal: op + "…")
    assert masked == "a ${X:--…${Y}-…}/${Z}"


def test_continuation_joins_lines_as_docker_does() -> None:
    """A backslash-newline joins the lines; white space at the start of the next is kept."""
    joined = parse("FROM a\nENV DB_PASSWORD=Abc\\\nContinuedSecretPw\n").instructions[1]
    assert parse_assignments("ENV", joined.value) == [("DB_PASSWORD", "AbcContinuedSecretPw")]
    split = parse("FROM a\nENV DB_PASSWORD=Abc\\\n    ContinuedSecretPw\n")
    assert parse_assignments("ENV", split.instructions[1].value) == [
        ("DB_PASSWORD", "Abc ContinuedSecretPw")]
    assert [(p.line, p.end_line) for p in split.problems] == [(2, 3)]
    assert "ContinuedSecretPw" not in split.problems[0].message


def test_word_without_equals_is_never_a_name() -> None:
    """In the NAME=value form, a stray word is the rest of a value and Docker rejects it."""
    assert parse_assignments("ENV", "A=b c D=e f g") == [("A", "b c"), ("D", "e f g")]
    assert dangling_words("ENV", "A=b c D=e f g") == ["A", "D"]
    assert dangling_words("LABEL", 'a="b c" d=e') == []
    assert dangling_words("ENV", "LEGACY some value") == []
    # An ARG may declare several names at once, so a bare word there is Docker's too.
    assert parse_assignments("ARG", "A=b C") == [("A", "b"), ("C", None)]
    assert dangling_words("ARG", "A=b C") == []


def test_unknown_instruction_and_missing_from() -> None:
    """Typos and files without FROM are problems with lines, not exceptions."""
    df = parse("RUN echo hi\nFORM alpine\n")
    messages = [(p.line, p.message) for p in df.problems]
    assert any(line == 1 and "before the first FROM" in m for line, m in messages)
    assert any(line == 2 and "unknown instruction 'FORM'" in m for line, m in messages)
    assert any("no FROM instruction" in m for _, m in messages)


dockerfile_words = st.sampled_from([
    "FROM", "from", "RUN", "USER", "ARG", "ENV", "COPY", "ADD", "EXPOSE", "AS", "root", "0:0",
    "${X}", "$Y", "${Z:-root}", "<<EOF", "EOF", "\\", "`", "#", "# escape=`", "--platform=x",
    "scratch", "alpine:3", "a@sha256:", "[", "]", '"', "'", "|", "&&", "sudo", "curl", "sh",
    "chmod", "777", "u+s", "setcap", "\t", " ", "=", ":", "\r", "\x00", "é", "[bold]",
])
lines = st.lists(dockerfile_words, max_size=8).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(lines, max_size=25).map("\n".join))
def test_random_dockerfile_like_text_never_raises(text: str) -> None:
    """Random Dockerfile-like text always gives a profile and findings, never an exception."""
    analysis = analyze_dockerfile(text)
    assert analysis.profile.reason
    for finding in analysis.findings:
        assert 1 <= finding.line <= finding.end_line


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    """Arbitrary Unicode never crashes the analyzer either."""
    assert analyze_dockerfile(text).profile.reason


def test_blank_lines_inside_a_continuation_do_not_end_it() -> None:
    """Docker skips blank lines in a continued RUN; so do we (line numbers unchanged)."""
    text = "FROM alpine:3.22\nRUN apk add curl \\\n\n    && sudo true\nUSER 1\n"
    df = parse(text)
    run = df.instructions[1]
    assert (run.keyword, run.line, run.end_line) == ("RUN", 2, 4)
    assert not df.problems
    assert [f.rule for f in analyze_dockerfile(text).findings
            if f.rule != "HT402"] == ["HT106"]
