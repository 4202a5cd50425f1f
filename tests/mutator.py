"""A seeded mutator over real Dockerfiles and compose files, for the fuzz test and benchmark.

Each input is a corpus file (or a small built-in seed when the corpus is absent) changed by
a few random edits: bytes flipped, inserted or deleted, lines duplicated or repeated many
times, pieces of another file spliced in, and tokens that parsers find hard (continuations,
here-documents, variable defaults, YAML anchors and aliases, terminal escapes, odd
encodings). The same seed always gives the same inputs, so a failure can be replayed.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

SEEDS = {
    "dockerfile": [
        b"FROM alpine:3.22\nRUN adduser -D app\nUSER app\nCMD [\"sh\"]\n",
        b"# syntax=docker/dockerfile:1\nARG BASE=debian:12\nFROM $BASE AS build\n"
        b"ENV API_TOKEN=${X:-s3cr3tDefault}\nRUN <<EOF\nset -e\necho hi\nEOF\n"
        b"FROM build\nCOPY --chown=1000 . /app\nUSER 1000:1000\n",
    ],
    "compose": [
        b"services:\n  web:\n    image: nginx:1.27\n    cap_add: [NET_ADMIN]\n"
        b"    environment:\n      DB_PASSWORD: hunter2hunter2\n    user: root\n",
        b"x: &a [1, 2]\nservices:\n  app:\n    build: .\n    privileged: true\n"
        b"    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n    cap_add: *a\n",
    ],
}

TOKENS = [
    b"\\\n", b"\\", b"\n", b"\r\n", b"\r", b"\t", b" ", b"#", b"# syntax=docker/dockerfile:1\n",
    b"# escape=`\n", b"`", b"<<EOF\n", b"<<-'EOF'\n", b"EOF\n", b"${", b"}", b"${X:-", b"$",
    b"FROM ", b"FROM scratch\n", b" AS ", b"RUN ", b"USER ", b"USER root\n", b"USER 0:0\n",
    b"ENV ", b"ARG ", b"COPY ", b"ADD ", b"--chown=", b"--mount=type=secret,id=x ",
    b"ONBUILD ", b"HEALTHCHECK ", b"CMD [\"", b"\"]", b"[", b"]", b"{", b"}", b"\"", b"'",
    b"=", b":", b"@sha256:", b"curl -fsSL http://x | sh", b"chmod u+s ", b"sudo ", b"setcap ",
    b"PASSWORD=", b"AKIAIOSFODNN7EXAMPLE", b"-----BEGIN RSA PRIVATE KEY-----\n",
    b"services:\n", b"  ", b"- ", b"&a ", b"*a", b"<<: *a\n", b"---\n", b"!!python/object ",
    b"cap_add:", b"privileged: true\n", b"user:", b"build:", b"environment:", b"secrets:",
    b"\x1b]52;c;cHduZWQ=\x07", b"\x1b[2J", b"\xc2\x9b", b"\x00", b"\x7f", b"\xff\xfe",
    b"\xef\xbb\xbf", b"\xe2\x80\xae", b"\xf0\x9f\x90\xb3", b"\x85", b"\x0c", b"\x0b",
]


@dataclass(frozen=True, slots=True)
class Sample:
    """One fuzz input: its kind, where it came from, and its bytes."""

    kind: str  # "dockerfile" or "compose"
    origin: str
    data: bytes


def corpus_sources(corpus: Path = CORPUS) -> dict[str, list[tuple[str, bytes]]]:
    """Every corpus file's bytes by kind, or the built-in seeds when there is no corpus."""
    sources: dict[str, list[tuple[str, bytes]]] = {"dockerfile": [], "compose": []}
    manifest = corpus / "MANIFEST.jsonl"
    if manifest.is_file():
        for line in manifest.read_text().splitlines():
            row = json.loads(line)
            path = corpus / row["path"]
            if path.is_file():
                kind = row.get("file_type", "dockerfile")
                sources.setdefault(kind, []).append((row["path"], path.read_bytes()))
    for kind, seeds in SEEDS.items():
        if not sources.get(kind):
            sources[kind] = [(f"seed-{index}", seed) for index, seed in enumerate(seeds)]
    return sources


def _mutate_once(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """One random edit of ``data`` (``other`` is a second file for splicing)."""
    size = len(data)
    at = rng.randint(0, size)
    choice = rng.randrange(10)
    if choice == 0 and size:  # flip a byte
        index = rng.randrange(size)
        return data[:index] + bytes([rng.randrange(256)]) + data[index + 1:]
    if choice == 1:  # insert random bytes
        return data[:at] + rng.randbytes(rng.randint(1, 8)) + data[at:]
    if choice == 2 and size:  # delete a range
        end = min(size, at + rng.randint(1, 64))
        return data[:at] + data[end:]
    if choice in (3, 4, 5):  # insert a hard token
        return data[:at] + rng.choice(TOKENS) + data[at:]
    lines = data.split(b"\n")
    if choice == 6 and lines:  # duplicate a line a few times, or very many
        index = rng.randrange(len(lines))
        count = rng.choice((2, 3, 10, 200))
        return b"\n".join(lines[:index] + [lines[index]] * count + lines[index:])
    if choice == 7 and other:  # splice in a piece of another file
        start = rng.randrange(len(other))
        return data[:at] + other[start:start + rng.randint(1, 400)] + data[at:]
    if choice == 8 and len(lines) > 1:  # swap two lines
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)
    # indent or dedent a line (YAML structure)
    index = rng.randrange(len(lines)) if lines else 0
    if lines:
        lines[index] = (b"  " + lines[index]) if rng.random() < 0.5 else lines[index].lstrip()
    return b"\n".join(lines)


def samples(count: int, seed: int = 0, corpus: Path = CORPUS) -> Iterator[Sample]:
    """``count`` mutated inputs, the same ones for the same seed and corpus."""
    rng = random.Random(seed)
    sources = corpus_sources(corpus)
    kinds = [kind for kind in ("dockerfile", "compose") if sources.get(kind)]
    for _ in range(count):
        # Compose files are a tenth of the corpus but a different parser: give them a third.
        kind = kinds[0] if len(kinds) == 1 or rng.random() < 0.67 else kinds[1]
        origin, data = rng.choice(sources[kind])
        _, other = rng.choice(sources[kind])
        for _ in range(rng.choice((1, 1, 2, 3, 5))):
            data = _mutate_once(rng, data, other)
        yield Sample(kind, origin, data)


def run_sample(sample: Sample) -> None:
    """Everything a hostile file goes through: decode, analyse, and every report format."""
    import io

    from tutor.analysis.config import Config
    from tutor.analysis.engine import analyze_compose, analyze_dockerfile
    from tutor.analysis.files import FileReport
    from tutor.analysis.source import decode
    from tutor.errors import InputError
    from tutor.report import FORMATS, writer

    report = FileReport("fuzz", sample.kind)
    try:
        source = decode(sample.data, "fuzz")
    except InputError as exc:  # binary input: refused with a reason, which is a result
        report.error = str(exc)
    else:
        config = Config()
        if sample.kind == "compose":
            report.findings = analyze_compose(source.text, config,
                                              extra_problems=source.problems).findings
        else:
            analysis = analyze_dockerfile(source.text, config, extra_problems=source.problems)
            report.findings, report.profile = analysis.findings, analysis.profile
    for name in FORMATS:
        writer(name)([report], io.StringIO())
