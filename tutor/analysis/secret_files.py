"""Tell from a COPY or ADD source's name whether it probably holds secret material."""

from __future__ import annotations

import re

ENV_FILE = "environment file"
SSH_KEY = "SSH private key"
GCP_KEY = "Google Cloud service account key"

# Files whose name alone says they hold credentials.
_NAMED = {
    ".env": ENV_FILE,
    ".envrc": ENV_FILE,
    ".npmrc": "npm config with registry tokens",
    ".pypirc": "PyPI credentials",
    ".netrc": "netrc credentials",
    "_netrc": "netrc credentials",
    ".git-credentials": "Git credentials",
    ".pgpass": "PostgreSQL password file",
    ".my.cnf": "MySQL client config with a password",
    ".htpasswd": "htpasswd password file",
    ".vault-token": "Vault token",
    ".boto": "Boto credentials",
    ".s3cfg": "s3cmd credentials",
    ".dockercfg": "Docker registry credentials",
    "credentials.json": "credentials file",
    "application_default_credentials.json": GCP_KEY,
    "kubeconfig": "kubeconfig",
    "master.key": "Rails master key",
    "secrets.yml": "secrets file",
    "secrets.yaml": "secrets file",
    "secrets.json": "secrets file",
}
# Names that only mean credentials inside a particular dot-directory.
_IN_PARENT = {
    (".aws", "credentials"): "AWS credentials",
    (".docker", "config.json"): "Docker registry credentials",
    (".kube", "config"): "kubeconfig",
}
# Whole directories of keys and credentials.
_DIRECTORIES = {
    ".ssh": "SSH directory",
    ".aws": "AWS credentials directory",
    ".gnupg": "GnuPG keyring directory",
    ".kube": "Kubernetes config directory",
}
_EXTENSIONS = {
    ".ppk": "PuTTY private key",
    ".p12": "PKCS#12 keystore",
    ".pfx": "PKCS#12 keystore",
    ".jks": "Java keystore",
    ".keystore": "Java keystore",
    ".tfstate": "Terraform state",
    ".kubeconfig": "kubeconfig",
}
_SSH_KEY_NAME = re.compile(r"(?:id|.+_)(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?|ssh_host_\w+_key|"
                           r"(?:.+[_-])?(?:deploy|ssh|private)[_-]key")
# Suffixes that mark a file as a template to fill in, not the real thing.
_TEMPLATE_SUFFIXES = frozenset({"example", "sample", "template", "dist", "defaults", "default",
                                "tpl", "tmpl"})
# Words that make a .pem a certificate or public key, and a .key a package-signing key.
_PUBLIC_PEM_WORDS = ("cert", "chain", "bundle", "crt", "trust")
_PUBLIC_KEY_WORDS = ("gpg", "pgp", "apt", "repo", "release", "sign", "pub", "archive", "keyring",
                     "asc")


def secret_file_kind(path: str) -> str | None:
    """A label for the secret a file name suggests (``*`` and ``?`` taken literally), or None."""
    parts = [p for p in path.replace("\\", "/").lower().split("/") if p not in ("", ".")]
    if not parts:
        return None
    name, parent = parts[-1], parts[-2] if len(parts) > 1 else ""
    if (parent, name) in _IN_PARENT:
        return _IN_PARENT[(parent, name)]
    if name in _DIRECTORIES:
        return _DIRECTORIES[name]
    if parent in (".ssh", ".aws", ".gnupg") and ("*" in name or "?" in name):
        return _DIRECTORIES[parent]
    if name.rsplit(".", 1)[-1] in _TEMPLATE_SUFFIXES:
        return None
    return _by_name(name, parent)


# Plain-text secret files as Compose's file-based secrets keep them (db_password.txt in the
# examples of https://docs.docker.com/compose/how-tos/use-secrets/), and anything in a
# folder named for secrets. A word of the name says what the file holds; the extension says
# it is data, not code: secrets.py and a Python package called secrets/ hold no values.
_SECRET_STEM = re.compile(r"(?:^|[_.-])(?P<w>passwords?|secrets?|tokens?|api[_-]?keys?"
                          r"|credentials?|creds)(?:$|[_.-])")
_STEM_KINDS = {"password": "password file", "secret": "secrets file", "token": "token file",
               "apikey": "API key file", "credential": "credentials file",
               "creds": "credentials file"}
_SECRET_TEXT_EXTENSIONS = frozenset({"", "txt", "key", "secret", "token", "pass"})
_SECRET_FOLDERS = frozenset({"secrets", ".secrets", "secret"})
_SECRET_DATA_EXTENSIONS = _SECRET_TEXT_EXTENSIONS | {"pem", "json", "yaml", "yml", "env",
                                                     "conf", "ini", "toml", "cfg", "properties",
                                                     "xml"}
# Words after the secret word that make the file about secrets, not one: password_policy.json.
_ABOUT = frozenset({"policy", "policies", "reset", "rule", "rules", "schema", "strength",
                    "generator", "validator", "validation", "manager", "length", "hint",
                    "hints", "prompt", "requirements", "regex", "pattern", "field", "fields",
                    "form", "page", "view", "template", "test", "tests", "spec", "example",
                    "sample", "map", "config", "settings", "options", "types", "type"})
# Extensions that alone say a file holds a secret: app.secret, prod.secrets, github.token.
_SECRET_EXTENSIONS = frozenset({"secret", "secrets", "token", "password"})


def _by_name(name: str, parent: str) -> str | None:
    """Classify a lower-cased file name that is not a template."""
    if name in _NAMED:
        return _NAMED[name]
    stem, _, extension = name.rpartition(".") if "." in name[1:] else (name, "", "")
    if extension in _SECRET_EXTENSIONS and stem:
        return _STEM_KINDS[extension.rstrip("s")]
    if (kind := _stem_kind(stem, extension)) is not None:
        return kind
    if parent in _SECRET_FOLDERS and extension in _SECRET_DATA_EXTENSIONS \
            and not name.startswith((".gitignore", ".gitkeep")):
        return "file in a secrets folder"
    if name.startswith(".env.") or name.endswith(".env"):
        return ENV_FILE
    if _SSH_KEY_NAME.fullmatch(name):
        return SSH_KEY
    stem, dot, extension = name.rpartition(".")
    if dot and "." + extension in _EXTENSIONS:
        return _EXTENSIONS["." + extension]
    if name.endswith(".tfstate.backup"):
        return _EXTENSIONS[".tfstate"]
    if extension == "json" and any(w in stem for w in ("service-account", "service_account",
                                                       "serviceaccount", "sa-key", "sa_key")):
        return GCP_KEY
    if extension == "pem":
        return _pem_kind(stem)
    if extension == "key" and not any(w in stem for w in _PUBLIC_KEY_WORDS):
        return "Rails credentials key" if parent == "credentials" else "private key file"
    return None


def _stem_kind(stem: str, extension: str) -> str | None:
    """A label when a word of the name says secret and the extension says data.

    With no extension only the singular counts (``token``, ``db_password``): ``secrets`` or
    ``credentials`` alone is more often a folder, read through the build context instead.
    Structured data (``.json``, ``.yaml``) counts for every word but plural ``tokens``, the
    usual name of design tokens and of a tokenizer's vocabulary.
    """
    if extension not in _SECRET_DATA_EXTENSIONS:
        return None
    for match in _SECRET_STEM.finditer(stem):
        if not _ABOUT.isdisjoint(re.split(r"[^a-z0-9]+", stem[match.end("w"):])):
            continue
        word = match.group("w").replace("_", "").replace("-", "")
        plural = word.endswith("s") and word != "creds"
        if extension == "" and plural:
            continue
        if extension not in _SECRET_TEXT_EXTENSIONS and word == "tokens":
            continue
        return _STEM_KINDS[word.rstrip("s") if plural else word]
    return None


def _pem_kind(stem: str) -> str | None:
    """A .pem holds a private key unless its name says certificate, CA or public key."""
    if "pub" in stem:
        return None
    if "key" in stem or "priv" in stem:
        return "PEM private key"
    words = [w for w in re.split(r"[^a-z0-9]+", stem) if w]
    if any(w in stem for w in _PUBLIC_PEM_WORDS) or any(w.endswith("ca") for w in words):
        return None
    return "PEM private key"
