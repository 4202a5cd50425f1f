"""The secret scan the secret rules share: run once per file, cached on the context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from tutor.analysis.interrupt import checkpoint
from tutor.analysis.model import Instruction
from tutor.analysis.rules.base import DockerfileContext
from tutor.analysis.secret_askpass import (
    askpass_names,
    is_askpass,
    printed_passwords,
    written_askpass,
)
from tutor.analysis.secret_commands import find_command_secrets, find_written_secrets
from tutor.analysis.secret_names import (
    is_secret_name,
    names_identifier,
    names_no_secret,
    secret_word,
)
from tutor.analysis.secret_variables import credential_meaning, index_url_tokens, is_index_url
from tutor.analysis.secrets import (
    ENTROPY_KIND,
    SecretMatch,
    find_secret_values,
    is_placeholder,
    redact,
    usable,
    without_overlaps,
)
from tutor.analysis.shell import run_scripts
from tutor.analysis.variables import (
    mask_operands,
    operand_words,
    parse_assignments,
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
    # What the variable holds when its tool defines it as a credential (``PGPASSWORD``).
    meaning: str | None = None


@dataclass(frozen=True, slots=True)
class ValueSecret:
    """A secret value found in an instruction whose variable name gave nothing away."""

    inst: Instruction
    match: SecretMatch
    where: str


# What a secret word in a LABEL key makes its literal value: "db.password" holds a password.
_SECRET_NOUNS = {
    **dict.fromkeys(("pass", "passwd", "pwd", "psw", "pword", "passwords"), "password"),
    **dict.fromkeys(("credential", "credentials", "creds", "cred", "auth"), "credential"),
    "apikey": "API key", "apikeys": "API key", "privatekey": "private key",
    "accesskey": "access key", "secretkey": "secret key", "tokens": "token", "keys": "key",
    "secrets": "secret", "pat": "personal access token",
}

# Initials read with a vowel sound: "an SSH key", "an HMAC secret", "an RSA key".
_VOWEL_SOUND_INITIALS = frozenset("AEFHILMNORSX")
# Lower-case names read letter by letter: "an npm config".
_SPELLED_OUT = frozenset({"npm"})


def memo(store: dict[str, Any], key: str, compute: Callable[[], T]) -> T:
    """Compute a shared result once per file; later rules read the stored one."""
    if key not in store:
        store[key] = compute()
    result: T = store[key]
    return result


def article(kind: str) -> str:
    """'an AWS access key ID', 'a GitHub token', 'an SSH private key': kind with its article."""
    first = kind.split(" ", 1)[0]
    if (first.isupper() and len(first) > 1) or first in _SPELLED_OUT:
        vowel = first[0].upper() in _VOWEL_SOUND_INITIALS
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
    return memo(ctx.memo, "secrets", lambda: _scan(ctx))[0]


def value_secrets(ctx: DockerfileContext) -> list[ValueSecret]:
    """Every secret value in an instruction, except those already under a secret name."""
    return memo(ctx.memo, "secrets", lambda: _scan(ctx))[1]


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
    instructions = ctx.dockerfile.instructions
    # Exec form (`CMD ["app", "--password", "x"]`) becomes a command line first; heredocs a
    # shell runs are scripts too.
    scripts_of = {id(inst): run_scripts(inst) if inst.keyword in _COMMANDS else []
                  for inst in instructions}
    askpass = askpass_names(
        [pair for inst in instructions if inst.keyword in _ASSIGNMENTS
         for pair in _assignments(inst, escape)],
        [script for scripts in scripts_of.values() for script in scripts])
    for inst in instructions:
        checkpoint()
        if inst.keyword in _ASSIGNMENTS:
            for name, value in _assignments(inst, escape):
                operands = [(op, literal) for op, literal in operand_words(value or "", escape)
                            if op in "-+"]
                matches = read_by_name(name, value or "", _values_in(
                    value or "", [literal for _, literal in operands]))
                if is_secret_name(name) and not (value and not matches
                                                 and names_no_secret(value)):
                    named.append(NamedSecret(
                        inst, name, value, matches[0] if matches else None,
                        tuple((op, lit) for op, lit in operands if _secret_operand(lit)),
                        credential_meaning(name)))
                else:
                    where = f"the value of {inst.keyword} {name}"
                    values.extend(ValueSecret(inst, m, where) for m in matches)
        scripts = scripts_of[id(inst)]
        for script in scripts:
            values.extend(ValueSecret(inst, m, f"the {inst.keyword} command line")
                          for m in find_command_secrets(script))
        if inst.keyword == "LABEL":
            values.extend(_label_secrets(inst, escape))
        elif inst.keyword not in _ASSIGNMENTS and inst.keyword not in _COMMANDS:
            values.extend(ValueSecret(inst, m, f"the {inst.keyword} instruction")
                          for m in _values_in(inst.value, [
                              literal for op, literal in operand_words(inst.value, escape)
                              if op in "-+"]))
        for heredoc in inst.heredocs:
            if heredoc.body not in scripts:
                # A file written from the Dockerfile (`COPY <<EOF .env`) holds NAME=value lines.
                values.extend(ValueSecret(inst, m, f"the here-document of {inst.keyword}")
                              for m in find_written_secrets(heredoc.body))
        seen = {v.match.value for v in values if v.inst is inst}
        values.extend(v for v in _askpass_secrets(inst, scripts, askpass)
                      if v.match.value not in seen)
    return named, values


def read_by_name(name: str, value: str, found: list[SecretMatch]) -> list[SecretMatch]:
    """The secrets found in a variable's value, read with what its name says about it.

    An identifier's random look (``DOCUMENT_ID``) is not a secret; the user name of a pip
    index URL is a token.
    """
    if names_identifier(name):
        found = [m for m in found if m.kind != ENTROPY_KIND]
    if is_index_url(name):
        found = without_overlaps(found + index_url_tokens(value))
    return found


def _label_secrets(inst: Instruction, escape: str) -> Iterator[ValueSecret]:
    """Secrets in a LABEL's values, and literals under keys named like secrets.

    Labels are stored in the image's configuration, where ``docker inspect`` shows them, as
    an ENV's value is.
    """
    for key, value in parse_assignments("LABEL", inst.value, escape):
        if not value:
            continue
        where = f"the value of LABEL {key}"
        operands = [literal for op, literal in operand_words(value, escape) if op in "-+"]
        matches = read_by_name(key, value, _values_in(value, operands))
        word = secret_word(key)
        if matches:
            yield from (ValueSecret(inst, m, where) for m in matches)
        # A label named just "key" names something far more often than it locks anything;
        # a random key under it is still found by its look.
        elif word is not None and word not in ("key", "keys") and usable(value) \
                and not names_no_secret(value):
            kind = _SECRET_NOUNS.get(word, word)
            yield ValueSecret(inst, SecretMatch(kind, value, 0, len(value)), where)


def _askpass_secrets(inst: Instruction, scripts: list[str],
                     names: frozenset[str]) -> Iterator[ValueSecret]:
    """Passwords an askpass program prints, in the RUN or COPY that writes the program."""
    texts = [text for script in scripts for text in written_askpass(script, names)]
    destination = inst.value.split()[-1:] if inst.keyword in ("COPY", "ADD") else []
    if texts or (inst.heredocs and destination and is_askpass(destination[0], names)):
        texts += [heredoc.body for heredoc in inst.heredocs]
    where = f"the askpass program this {inst.keyword} writes"
    for text in texts:
        yield from (ValueSecret(inst, m, where) for m in printed_passwords(text))


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
