"""The secret scan the secret rules share: run once per file, cached on the context."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from tutor.analysis.compose import YamlMap, interpolated
from tutor.analysis.context import SecretFile
from tutor.analysis.model import Instruction
from tutor.analysis.rules.base import ComposeContext, DockerfileContext
from tutor.analysis.secret_commands import find_command_secrets, find_written_secrets
from tutor.analysis.secret_names import is_secret_name, names_no_secret
from tutor.analysis.secrets import (
    SecretMatch,
    find_secret_values,
    is_placeholder,
    redact,
    secret_file_kind,
    usable,
)
from tutor.analysis.shell import run_scripts
from tutor.analysis.variables import (
    mask_operands,
    operand_words,
    parse_assignments,
    split_words,
)

T = TypeVar("T")
# Instructions whose text is a command line, where `--password x` is a secret too.
_COMMANDS = frozenset({"RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK", "ONBUILD"})
_ASSIGNMENTS = frozenset({"ENV", "ARG"})


@dataclass(frozen=True, slots=True)
class NamedSecret:
    """An ENV or ARG whose name says it holds a secret."""

    inst: Instruction
    name: str
    value: str | None
    # A known credential format found in the value, if any.
    match: SecretMatch | None
    # Literal defaults and alternatives in the value's ${VAR:-word} and ${VAR:+word} forms.
    operands: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ValueSecret:
    """A secret value found in an instruction whose variable name gave nothing away."""

    inst: Instruction
    match: SecretMatch
    where: str


@dataclass(frozen=True, slots=True)
class CopySource:
    """One source of a COPY or ADD."""

    inst: Instruction
    source: str
    from_stage: str | None
    destination: str


# Initials read with a vowel sound: "an SSH key", "an HMAC secret", "an RSA key".
_VOWEL_SOUND_INITIALS = frozenset("AEFHILMNORSX")


def _memo(memo: dict[str, Any], key: str, compute: Callable[[], T]) -> T:
    """Compute a shared result once per file; later rules read the stored one."""
    if key not in memo:
        memo[key] = compute()
    result: T = memo[key]
    return result


def article(kind: str) -> str:
    """'an AWS access key ID', 'a GitHub token', 'an SSH private key': kind with its article."""
    first = kind.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        vowel = first[0] in _VOWEL_SOUND_INITIALS
    else:
        vowel = kind[:1].lower() in "aeiou"
    return ("an " if vowel else "a ") + kind


def shown(masked: str) -> str:
    """" (ghp_…A5)" for a masked value, or nothing when the mask shows no character."""
    return "" if masked == "…" else f" ({masked})"


def worth_scrubbing(value: str) -> bool:
    """Whether a secret string is distinctive enough to search for in other text.

    Rules mask what they print; this last guard must not mangle ordinary words, so a
    value like "password" or "default" is left alone.
    """
    if len(value) >= 16:
        return True
    classes = sum((any(c.islower() for c in value), any(c.isupper() for c in value),
                   any(c.isdigit() for c in value), any(not c.isalnum() for c in value)))
    return len(value) >= 8 and classes >= 2


def named_secrets(ctx: DockerfileContext) -> list[NamedSecret]:
    """Every secret-named ENV/ARG assignment in the file."""
    return _memo(ctx.memo, "secrets", lambda: _scan(ctx))[0]


def value_secrets(ctx: DockerfileContext) -> list[ValueSecret]:
    """Every secret value in an instruction, except those already under a secret name."""
    return _memo(ctx.memo, "secrets", lambda: _scan(ctx))[1]


def dockerfile_secret_values(ctx: DockerfileContext) -> list[str]:
    """The raw secret strings of a file, for the engine's last redaction pass."""
    values = [s.match.value for s in value_secrets(ctx)]
    for named in named_secrets(ctx):
        if named.match is not None:
            values.append(named.match.value)
        elif named.value and not is_placeholder(named.value):
            values.append(named.value)
        values.extend(literal for _, literal in named.operands)
    # A value with spaces may be quoted in part elsewhere: its distinctive words count too.
    values += [word for value in values if " " in value for word in value.split()]
    return [v for v in values if worth_scrubbing(v)]


def _secret_operand(literal: str) -> bool:
    """Whether a ``${VAR:-word}`` operand written under a secret's name could be the secret."""
    return bool(literal.strip()) and not is_placeholder(literal) and not names_no_secret(literal)


def masked_operands(value: str, escape: str) -> str:
    """A value for display, its literal defaults and alternatives masked: ``${X:-Re…23}``."""
    return mask_operands(value, lambda _, literal: redact(literal) if _secret_operand(literal)
                         else literal, escape)


def _scan(ctx: DockerfileContext) -> tuple[list[NamedSecret], list[ValueSecret]]:
    """One pass over the instructions for secret names and secret values."""
    named: list[NamedSecret] = []
    values: list[ValueSecret] = []
    escape = ctx.escape
    for inst in ctx.dockerfile.instructions:
        if inst.keyword in _ASSIGNMENTS:
            for name, value in _assignments(inst, escape):
                operands = [(op, literal) for op, literal in operand_words(value or "", escape)
                            if op in "-+"]
                matches = _values_in(value or "", [literal for _, literal in operands])
                if is_secret_name(name) and not (value and not matches
                                                 and names_no_secret(value)):
                    named.append(NamedSecret(
                        inst, name, value, matches[0] if matches else None,
                        tuple((op, lit) for op, lit in operands if _secret_operand(lit))))
                else:
                    where = f"the value of {inst.keyword} {name}"
                    values.extend(ValueSecret(inst, m, where) for m in matches)
        scripts: list[str] = []
        if inst.keyword in _COMMANDS:
            # Exec form (`CMD ["app", "--password", "x"]`) becomes a command line first;
            # heredocs a shell runs are scripts too.
            scripts = run_scripts(inst)
            for script in scripts:
                values.extend(ValueSecret(inst, m, f"the {inst.keyword} command line")
                              for m in find_command_secrets(script))
        elif inst.keyword not in _ASSIGNMENTS:
            values.extend(ValueSecret(inst, m, f"the {inst.keyword} instruction")
                          for m in _values_in(inst.value, [
                              literal for op, literal in operand_words(inst.value, escape)
                              if op in "-+"]))
        for heredoc in inst.heredocs:
            if heredoc.body not in scripts:
                # A file written from the Dockerfile (`COPY <<EOF .env`) holds NAME=value lines.
                values.extend(ValueSecret(inst, m, f"the here-document of {inst.keyword}")
                              for m in find_written_secrets(heredoc.body))
    return named, values


def _values_in(text: str, operands: list[str]) -> list[SecretMatch]:
    """Secret values in the ``${VAR:-word}`` operands of the text, then in the rest of it.

    An operand is scanned alone because the ``-`` before it blurs a token's left edge; a
    match in the whole text that overlaps one already found is the same secret.
    """
    found = [m for literal in operands for m in find_secret_values(literal)]
    found += [m for m in (find_secret_values(text) if text else [])
              if all(m.value not in f.value and f.value not in m.value for f in found)]
    return found


def _assignments(inst: Instruction, escape: str) -> list[tuple[str, str | None]]:
    """An ENV's or ARG's pairs; a bare ARG word right after a secret's literal is its tail.

    Docker declares it as another build argument, but ``ARG DB_PASSWORD=Abc \\`` followed by
    an indented ``Rest`` is a password split by the white space Docker keeps, not a name.
    """
    pairs = parse_assignments(inst.keyword, inst.value, escape)
    if inst.keyword != "ARG":
        return pairs
    merged: list[tuple[str, str | None]] = []
    for name, value in pairs:
        last = merged[-1] if merged else None
        if (value is None and last is not None and last[1] and is_secret_name(last[0])
                and usable(last[1])):
            merged[-1] = (last[0], f"{last[1]} {name}")
        else:
            merged.append((name, value))
    return merged


def copy_sources(ctx: DockerfileContext) -> list[CopySource]:
    """The sources of every COPY and ADD, with their ``--from`` and destination."""
    return _memo(ctx.memo, "copy_sources", lambda: list(_copy_sources(ctx)))


def _copy_sources(ctx: DockerfileContext) -> Iterator[CopySource]:
    for inst in ctx.instructions("COPY", "ADD"):
        if inst.heredocs:
            continue
        words = split_words(inst.text, ctx.escape)
        from_stage: str | None = None
        args: list[str] = []
        for word in words:
            if word.startswith("--"):
                if word.startswith("--from="):
                    from_stage = word[len("--from="):]
                continue
            args.append(word)
        if len(args) < 2:
            continue
        for source in args[:-1]:
            if "://" in source or source.startswith("git@"):
                continue
            yield CopySource(inst, source, from_stage, args[-1])


def clean_source(source: str) -> str:
    """A context-relative source path: ``./a/`` and ``/a`` are ``a``; the root is ``.``."""
    cleaned = posixpath.normpath("/" + source.strip()).lstrip("/")
    return cleaned or "."


def compose_secret_values(ctx: ComposeContext) -> list[str]:
    """Literal secret strings in a compose file's environment and build args."""
    values = [s.match.value if s.match else s.value for s in compose_env_secrets(ctx)]
    return [v for v in values if worth_scrubbing(v)]


@dataclass(frozen=True, slots=True)
class EnvSecret:
    """A literal secret in a compose service's environment or build args."""

    service: str
    section: str
    name: str
    value: str
    line: int
    match: SecretMatch | None
    # "default" or "alternative" when the value is the word of a ${VAR:-word} or ${VAR:+word}.
    via: str


def compose_env_secrets(ctx: ComposeContext) -> list[EnvSecret]:
    """Secret-named variables with literal values, and secret values under any name."""
    return _memo(ctx.memo, "env_secrets", lambda: list(_compose_env_secrets(ctx)))


def _compose_env_secrets(ctx: ComposeContext) -> Iterator[EnvSecret]:
    for service in ctx.services:
        sections = [("environment", service.spec.get("environment"))]
        build = service.spec.get("build")
        if isinstance(build, YamlMap):
            sections.append(("build args", build.get("args")))
        for section, block in sections:
            for name, raw, line in _variables(block):
                value, unresolved = interpolated(raw, alternatives=True)
                via = "" if value == raw else (
                    "default" if interpolated(raw)[0] == value else "alternative")
                if unresolved and not via:
                    continue
                if not value:
                    continue
                matches = find_secret_values(value)
                if matches or (is_secret_name(name) and not is_placeholder(value)
                               and not names_no_secret(value)):
                    yield EnvSecret(service.name, section, name, value, line,
                                    matches[0] if matches else None, via)


def _variables(block: object) -> Iterator[tuple[str, str, int]]:
    """(name, literal value, line) from a map or a ``NAME=value`` list; bare names skipped."""
    if isinstance(block, YamlMap):
        for name, value in block.items():
            if value is None or isinstance(value, YamlMap | list):
                continue
            text = str(value).lower() if isinstance(value, bool) else str(value)
            yield str(name), text, block.line_of(name)
    elif isinstance(block, list):
        lines = getattr(block, "item_lines", [])
        for index, item in enumerate(block):
            if isinstance(item, str) and "=" in item:
                name, _, value = item.partition("=")
                yield name.strip(), value, lines[index] if index < len(lines) else 1


@dataclass(frozen=True, slots=True)
class CopiedSecret:
    """A secret file a COPY/ADD puts into a layer, and where it lands in the image."""

    source: CopySource
    kind: str
    path_in_image: str
    # True when the file came in with a whole directory (``COPY . .``), not by name.
    swept: bool = False


@dataclass(frozen=True, slots=True)
class SweptSecrets:
    """The secret-looking context files one directory or glob source carries in."""

    source: CopySource
    files: tuple[SecretFile, ...]


def copied_secrets(ctx: DockerfileContext) -> list[CopiedSecret]:
    """Secrets named as sources, then secret files swept in with directories."""
    return _memo(ctx.memo, "copied_secrets", lambda: _copied(ctx))


def _copied(ctx: DockerfileContext) -> list[CopiedSecret]:
    found = [CopiedSecret(src, kind, _landing(src, posixpath.basename(clean_source(src.source))))
             for src in copy_sources(ctx) if (kind := secret_file_kind(src.source)) is not None]
    for swept in swept_secrets(ctx):
        root = clean_source(swept.source.source)
        for file in swept.files:
            inside = file.path if root == "." else file.path[len(root) + 1:]
            found.append(CopiedSecret(swept.source, file.kind, _landing(swept.source, inside),
                                      swept=True))
    return found


def swept_secrets(ctx: DockerfileContext) -> list[SweptSecrets]:
    """For each context source that is a directory or glob, the secret files it sends."""
    return _memo(ctx.memo, "swept_secrets", lambda: list(_swept(ctx)))


def _swept(ctx: DockerfileContext) -> Iterator[SweptSecrets]:
    build = ctx.build_context
    if build is None:
        return
    sent = build.sent()
    if not sent:
        return
    for src in copy_sources(ctx):
        if src.from_stage is not None or secret_file_kind(src.source) is not None:
            continue
        root = clean_source(src.source)
        files = tuple(f for f in sent if f.path != root and _under(f.path, root))
        if files:
            yield SweptSecrets(src, files)


def _under(path: str, root: str) -> bool:
    """Whether a COPY of ``root`` (a directory or a glob) carries ``path``."""
    if root == ".":
        return True
    if path.startswith(root + "/"):
        return True
    if any(ch in root for ch in "*?["):
        parts = path.split("/")
        return any(fnmatch.fnmatchcase("/".join(parts[:i]), root)
                   for i in range(1, len(parts) + 1))
    return False


def _landing(src: CopySource, inside: str) -> str:
    """Where a copied file ends up: under the destination folder, or the destination itself."""
    dest = src.destination
    if dest.endswith("/") or dest in (".", "./") or inside.count("/") or \
            clean_source(src.source) == "." or any(c in src.source for c in "*?["):
        return posixpath.normpath(posixpath.join(dest, inside))
    return posixpath.normpath(dest)
