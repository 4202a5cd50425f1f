"""The copying check: which word runs the course shares with the seed articles.

    python scripts/seed_overlap.py [SEEDS_DIR] [--words N] [--format text|json]

The seed articles (``../shared/seeds/`` by default; see its README) are other people's
writing: the course takes their facts and says them in its own words. This script finds
every run of at least N words (default 8) that a course file (``lessons/``, exercises'
YAML and ``quizzes/``) shares with a seed, after lower-casing and dropping punctuation.

Each run is classed by where it sits in the course file:

- ``command``: inside a fenced code block or an inline code span, or made only of
  command-line words (``docker run --cap-drop=ALL ...``). Commands are facts, and the
  same command is spelled the same way everywhere; these are listed but allowed.
- ``prose``: anything else. A shared prose run is a copied sentence, and the script
  exits 1.

Exit status: 0 when only command fragments are shared, 1 when prose is, 2 when the seeds
folder is missing or empty.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"
COURSE_GLOBS = ("lessons/*.md", "lessons/exercises/*/exercise.yaml", "quizzes/*.yaml")

_WORD = re.compile(r"[a-z0-9][a-z0-9_./:=-]*", re.IGNORECASE)
_FENCE = re.compile(r"^\s*(```|~~~)")
# A Dockerfile or shell line quoted in a YAML block (quiz code has no Markdown fence).
_CODE_LINE = re.compile(
    r"^\s*(FROM|RUN|USER|COPY|ADD|ENV|ARG|CMD|ENTRYPOINT|WORKDIR|EXPOSE|VOLUME|LABEL|"
    r"HEALTHCHECK|SHELL|STOPSIGNAL|ONBUILD)\s|^\s*\$\s|^\s*docker\s")
# A word that only a command line spells: flags, paths, assignments, image references.
_COMMAND_WORD = re.compile(r"^(-{1,2}[a-z]|/|[a-z0-9_.-]+[=:/]|\d+$)", re.IGNORECASE)
_COMMAND_VERBS = frozenset({
    "docker", "run", "from", "user", "copy", "add", "chown", "chmod", "apt-get", "apk",
    "useradd", "groupadd", "adduser", "addgroup", "npm", "node", "install", "workdir",
    "cmd", "entrypoint", "env", "arg", "expose", "buildx", "build", "compose", "trivy",
    "image", "scan", "sudo", "setcap", "rm", "mkdir", "echo", "cat", "export", "id",
})


@dataclass(frozen=True)
class Word:
    text: str
    line: int
    in_code: bool


@dataclass(frozen=True)
class Shared:
    file: str
    line: int
    seed: str
    words: int
    kind: str  # "command" or "prose"
    text: str


def course_words(text: str) -> list[Word]:
    """The words of a course file with their line and whether they sit in code."""
    words: list[Word] = []
    fenced = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        # Inline code spans alternate with prose at each backtick.
        for index, part in enumerate(line.split("`")):
            in_code = fenced or index % 2 == 1 or bool(_CODE_LINE.match(line))
            words.extend(Word(m.group().lower().strip("./:-"), number, in_code)
                         for m in _WORD.finditer(part))
    return [word for word in words if word.text]


def seed_words(text: str) -> list[str]:
    return [w for w in (m.group().lower().strip("./:-") for m in _WORD.finditer(text)) if w]


def _is_command(run: list[Word]) -> bool:
    if all(word.in_code for word in run):
        return True
    plain = sum(1 for word in run
                if not word.in_code and not _COMMAND_WORD.match(word.text)
                and word.text not in _COMMAND_VERBS)
    return plain <= len(run) // 4


def shared_runs(course: dict[str, str], seeds: dict[str, str], size: int) -> list[Shared]:
    """Every maximal run of ``size`` or more words a course file shares with a seed."""
    found: list[Shared] = []
    seed_grams = {name: _grams(seed_words(text), size) for name, text in seeds.items()}
    for file, text in course.items():
        words = course_words(text)
        tokens = [word.text for word in words]
        for seed, grams in seed_grams.items():
            start = 0
            while start <= len(tokens) - size:
                if tuple(tokens[start:start + size]) not in grams:
                    start += 1
                    continue
                end = start + size
                while end < len(tokens) and tuple(tokens[end - size + 1:end + 1]) in grams:
                    end += 1
                run = words[start:end]
                found.append(Shared(file, run[0].line, seed, len(run),
                                    "command" if _is_command(run) else "prose",
                                    " ".join(tokens[start:end])))
                start = end
    return found


def _grams(tokens: list[str], size: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def course_files(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for pattern in COURSE_GLOBS:
        for path in sorted(root.glob(pattern)):
            files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", nargs="?", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--words", type=int, default=8, help="shortest shared run (8)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    seeds = {path.name: path.read_text(encoding="utf-8", errors="replace")
             for path in sorted(args.seeds.glob("*.txt"))} if args.seeds.is_dir() else {}
    if not seeds:
        print(f"seed_overlap: no seed articles (*.txt) in {args.seeds}", file=sys.stderr)
        return 2
    runs = shared_runs(course_files(REPO), seeds, args.words)
    prose = [run for run in runs if run.kind == "prose"]
    if args.format == "json":
        print(json.dumps({"words": args.words, "shared": [asdict(run) for run in runs],
                          "prose": len(prose)}, indent=2))
    else:
        for run in runs:
            print(f"{run.file}:{run.line}: {run.kind}, {run.words} words from {run.seed}: "
                  f"{run.text}")
        print(f"{len(runs)} shared runs of {args.words}+ words: "
              f"{len(runs) - len(prose)} command fragments, {len(prose)} prose")
    return 1 if prose else 0


if __name__ == "__main__":
    sys.exit(main())
