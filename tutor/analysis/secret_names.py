"""Whether a variable's name says it holds a secret, judged by whole words of the name.

Substring lists (hadolint, dockle) flag ``TOKENIZERS_PARALLELISM`` and ``*_FILE``; token lists
(BuildKit, Trivy) miss ``DB_PASS`` and ``*_PSW`` and flag ``KMS_KEY_ALIAS``. We split the name
into words and read it like English: the secret word must be what the variable *is*, so a
descriptor after it (``_FILE``, ``_NAME``, ``_MODE``) or ``PUBLIC`` before it means the value
points at or describes a secret instead of holding one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tutor.analysis.secret_variables import credential_meaning

# Words that, on their own, name a secret.
_SECRET_WORDS = frozenset({
    "password", "passwords", "passwd", "pass", "pwd", "psw", "pword", "passphrase", "secret",
    "secrets", "token", "tokens", "apikey", "apikeys", "key", "keys", "credential",
    "credentials", "creds", "cred", "auth", "privatekey", "accesskey", "secretkey", "pat",
})
# "pat" is too ambiguous alone; it is a personal access token only next to a forge's name.
_WEAK_WORDS = frozenset({"pat"})
# A bare "key" is a credential when it is what the variable is (``APP_KEY``, ``KEY``), but
# the key of a key-value pair or a lookup when words other than these follow it
# (``KEY_FOR_PY`` beside ``VALUE_FOR_PY``): they only say which key or in what form.
_BARE_KEYS = frozenset({"key", "keys"})
_KEY_TAIL = frozenset({"base", "b64", "base64", "hex", "pem", "der", "raw", "encoded", "value",
                       "data", "prod", "production", "dev", "development", "test", "staging",
                       "live", "old", "new", "current", "next", "previous", "v"})
_WEAK_CONTEXT = frozenset({"github", "gh", "gitlab", "azure", "ado", "devops", "bitbucket",
                           "gitea", "forgejo"})
# Descriptors that, after the secret word, say the value is about the secret, not the secret.
_DESCRIPTORS = frozenset({
    "file", "files", "path", "paths", "dir", "directory", "folder", "location", "name", "names",
    "id", "ids", "arn", "alias", "type", "mode", "method", "methods", "version", "length", "len",
    "size", "count", "min", "max", "enabled", "enable", "disabled", "disable", "required",
    "require", "prompt", "format", "url", "uri", "endpoint", "host", "hostname", "port",
    "server", "provider", "backend", "strategy", "algorithm", "algo", "alg", "rotation", "ttl",
    "expiry", "expiration", "expires", "expire", "timeout", "lifetime", "lifespan", "duration",
    "interval", "policy", "regex", "pattern", "field", "header", "param", "parameter", "prefix",
    "suffix", "env", "var", "variable", "store", "manager", "service", "scope", "scopes",
    "audience", "issuer", "realm", "user", "username", "login", "email", "level", "limit",
    "retries", "retry", "cache", "dirs", "mount", "ref", "reference", "kind", "label", "hint",
    "rule", "rules", "check", "validation", "validate", "verify", "flag", "option",
    "options", "config", "configuration", "settings", "plugin", "module", "class", "handler",
    "callback", "redirect", "template", "list", "index", "table", "column", "attribute", "slot",
    "bucket", "vault", "generator", "helper", "client", "mechanism", "protocol", "scheme",
    "parallelism", "pool", "number", "num", "exchange", "introspection",
})
# Words before a secret word that make it public or not a secret at all.
_PUBLIC = frozenset({"public", "pub", "publishable", "gpg", "pgp", "sort",
                     "primary", "partition", "foreign", "routing", "shard", "idempotency",
                     "lookup", "hash", "range", "cache", "map", "dict", "group", "no", "skip",
                     "without", "disable", "disabled", "enable", "enabled", "use", "require",
                     "requires", "required", "allow", "enforce", "force", "is", "has", "with",
                     "mfa", "bypass", "keyboard", "hot"})
# Whole names that are secrets whatever the rules above say (well-known credential variables).
_KNOWN = frozenset({
    "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "azure_client_secret",
    "github_token", "gh_token", "gitlab_token", "ci_job_token", "npm_token", "node_auth_token",
    "pypi_token", "twine_password", "docker_password", "dockerhub_password",
    "heroku_api_key", "openai_api_key", "anthropic_api_key", "hf_token", "huggingface_token",
    "digitalocean_access_token", "firebase_token", "sentry_auth_token", "slack_webhook_url",
    "vault_token", "consul_http_token", "nomad_token",
    "gcp_service_account_key", "google_api_key", "stripe_secret_key", "sendgrid_api_key",
})
# Whole names that look secret but by convention hold something else.
_NOT_SECRET = frozenset({
    "pwd", "oldpwd",                          # the shell's working directory
    "google_application_credentials",         # a path to a key file, not the key
    "ssh_auth_sock",                          # a socket path
    "gpg_key", "gpg_keys", "pgp_key", "pgp_keys",  # public key fingerprints in official images
    "key_name", "keyname", "keyring",
})

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^A-Za-z0-9]+")


def name_words(name: str) -> list[str]:
    """The lower-case words of a variable name: split at ``_ - .``, digits kept, camelCase split."""
    words: list[str] = []
    for part in _SPLIT.split(name):
        if part:
            words.extend(w.lower() for w in _CAMEL.split(part) if w)
    return words


@lru_cache(maxsize=4096)
def secret_word(name: str) -> str | None:
    """The word that makes ``name`` a secret's name (e.g. "password"), or None if it is not one."""
    lowered = name.lower().strip()
    if lowered in _NOT_SECRET:
        return None
    if lowered in _KNOWN:
        return next((w for w in reversed(name_words(name)) if w in _SECRET_WORDS), "key")
    if credential_meaning(name) is not None:
        return "credential"
    words = _joined(name_words(name))
    if not words:
        return None
    # The head of the name is its last word; descriptors after the secret word disqualify it.
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        if word in _DESCRIPTORS:
            return None
        if word not in _SECRET_WORDS:
            continue
        before = words[:index]
        if any(w in _PUBLIC for w in before):
            return None
        if word in _WEAK_WORDS and not any(w in _WEAK_CONTEXT for w in before):
            return None
        if word in _BARE_KEYS and not all(w.isdigit() or w.rstrip("0123456789") in _KEY_TAIL
                                          for w in words[index + 1:]):
            continue
        return word
    return None


def is_secret_name(name: str) -> bool:
    """True when the name says the variable holds a secret (``DB_PASS``, not ``DB_PASS_FILE``)."""
    return secret_word(name) is not None


def _joined(words: list[str]) -> list[str]:
    """Merge two-word spellings of one idea: ``api key`` → ``apikey``, ``private key`` → one."""
    merged: list[str] = []
    for word in words:
        if merged and word in ("key", "keys") and merged[-1] in ("api", "private", "access",
                                                               "secret"):
            merged[-1] += "key"
        else:
            merged.append(word)
    return merged


# Values that switch a feature on or off (MYSQL_RANDOM_ROOT_PASSWORD=yes) are not secrets.
_SWITCH_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1", "none",
                           "null", "enabled", "disabled"})
_PATH = re.compile(r"^(?:/|\./|~/)[\w.@~/-]*$")


def names_no_secret(value: str) -> bool:
    """A path (``/run/secrets/db``) or a switch (``yes``) under a secret's name holds no secret.

    The path says where the secret is; the switch turns a feature on
    (``MYSQL_RANDOM_ROOT_PASSWORD=yes``).
    """
    value = value.strip()
    return bool(_PATH.match(value)) or value.lower() in _SWITCH_VALUES


# Last words that make a variable an identifier: ``GOOGLE_DRIVE_DOCUMENT_ID``, ``BUILD_SHA``.
_IDENTIFIERS = frozenset({"id", "ids", "uuid", "guid", "identifier", "sha", "digest", "checksum",
                          "fingerprint", "commit", "revision"})


def names_identifier(name: str) -> bool:
    """Whether the name says its value identifies something (``DOCUMENT_ID``): not a secret.

    A random-looking identifier is still an identifier; only a known credential format
    (an AWS key ID) in such a variable is a secret.
    """
    words = name_words(name)
    return bool(words) and words[-1] in _IDENTIFIERS and secret_word(name) is None
