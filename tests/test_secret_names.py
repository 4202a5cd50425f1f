"""The secret-name matcher: whole words, descriptors and public modifiers, not substrings."""

from __future__ import annotations

import pytest

from tutor.analysis.secret_names import is_secret_name, name_words

# (name, holds a secret?, why). Includes every false positive and miss named in
# ../shared/reference/rules.md §7-§8 for hadolint, Trivy, BuildKit, dockle and KICS.
NAMES = [
    # Misses of token lists (BuildKit, Trivy): abbreviations and Jenkins' _PSW.
    ("DB_PASS", True, "BuildKit and Trivy miss PASS"),
    ("JENKINS_PSW", True, "buildkit#6064: *_PSW not detected"),
    ("DB_PWD", True, "pwd as a word next to a service name"),
    ("MYSQL_ROOT_PASSWORD", True, "the classic"),
    ("PASSWORD", True, "alone"),
    ("password", True, "lower case, BuildKit test vector"),
    ("SUPER_Secret", True, "BuildKit test vector"),
    ("super_duper_secret_token", True, "BuildKit test vector"),
    ("auth", True, "BuildKit test vector"),
    ("apikey", True, "BuildKit test vector"),
    ("git_key", True, "BuildKit test vector"),
    ("SECRET_PASSPHRASE", True, "BuildKit test vector"),
    ("API_KEY", True, "two-word spelling of apikey"),
    ("OPENAI_API_KEY", True, "known credential"),
    ("AWS_ACCESS_KEY_ID", True, "known credential despite ending in ID"),
    ("AWS_SECRET_ACCESS_KEY", True, "known credential"),
    ("GITHUB_TOKEN", True, "known credential"),
    ("NPM_TOKEN", True, "token"),
    ("NODE_AUTH_TOKEN", True, "token"),
    ("SECRET_KEY_BASE", True, "Rails: a descriptor-free word after the secret word"),
    ("DJANGO_SECRET_KEY", True, "secret key"),
    ("PRIVATE_KEY", True, "issue: key as in PRIVATE_KEY"),
    ("SSH_PRIVATE_KEY", True, "private key"),
    ("LICENSE_KEY", True, "a key that is a credential"),
    ("CLIENT_SECRET", True, "OAuth client secret"),
    ("BASIC_AUTH", True, "auth as the head word"),
    ("REGISTRY_CREDENTIALS", True, "credentials"),
    ("GITHUB_PAT", True, "personal access token next to a forge"),
    ("dbPassword", True, "camelCase"),
    ("apiKey", True, "camelCase two-word"),
    ("KEYSTORE_PASSWORD", True, "password is the head"),
    # False positives of substring lists (hadolint, dockle) and BuildKit's token list.
    ("TOKENIZERS_PARALLELISM", False, "hadolint/dockle substring FP"),
    ("DB_PASSWORD_FILE", False, "*_FILE points at a secret (hadolint, Trivy, dockle FP)"),
    ("SECRET_PASSPHRASE_FILE", False, "BuildKit test vector"),
    ("password_file", False, "BuildKit test vector"),
    ("secret_File", False, "BuildKit test vector"),
    ("PUBLIC_KEY", False, "dockle FP; BuildKit test vector"),
    ("public_token", False, "BuildKit test vector"),
    ("AUTH_MODULE_VERSION", False, "BuildKit test vector"),
    ("KMS_KEY_ALIAS", False, "buildkit#5775 FP"),
    ("KEY_NAME", False, "buildkit#5775 FP; issue example"),
    ("REQUIRE_MFA_AUTH", False, "buildkit#5775 FP: a switch, not a credential"),
    ("PASSWORD_PROMPT_STRING", False, "buildkit#5775 FP"),
    ("RACKULA_AUTH_MODE", False, "RackulaLives/Rackula#2348 FP"),
    ("USERNAME", False, "dockle substring FP"),
    ("CC", False, "gbrindisi/dockerfile-security#5 substring FP"),
    ("sunflower", False, "BuildKit test vector"),
    ("SSL_KEY_PATH", False, "*_PATH"),
    ("SECRETS_DIR", False, "*_DIR"),
    ("TOKEN_URL", False, "an endpoint"),
    ("JWT_TOKEN_TTL", False, "a duration"),
    ("GPG_KEY", False, "official images' public key fingerprint"),
    ("NODE_GPG_KEYS", False, "public keys"),
    ("PWD", False, "the working directory"),
    ("GOOGLE_APPLICATION_CREDENTIALS", False, "a path to a key file"),
    ("SSH_AUTH_SOCK", False, "a socket path"),
    ("KEYBOARD_LAYOUT", False, "key inside another word"),
    ("MONKEY_PATCH", False, "key inside another word"),
    ("BYPASS_PROXY", False, "pass inside another word"),
    ("COMPASS_VERSION", False, "pass inside another word"),
    ("PAT", False, "pat alone is ambiguous"),
    ("OAUTH_CLIENT_ID", False, "an identifier"),
    ("NO_AUTH", False, "a switch"),
    ("HTTP_AUTH_USER", False, "a user name"),
    ("SORT_KEY", False, "a database key"),
]


@pytest.mark.parametrize(("name", "secret", "why"), NAMES, ids=[n for n, _, _ in NAMES])
def test_secret_name_table(name: str, secret: bool, why: str) -> None:
    """Each name gets the verdict a reader of the name would give."""
    assert is_secret_name(name) is secret, why


def test_table_is_large_and_balanced() -> None:
    """The table keeps at least 40 names, with both verdicts well represented."""
    assert len(NAMES) >= 40
    assert sum(s for _, s, _ in NAMES) >= 20 and sum(not s for _, s, _ in NAMES) >= 20


def test_name_words_split_all_spellings() -> None:
    """Underscores, dashes, dots and camelCase all separate words."""
    assert name_words("myApp.DB-password_FILE") == ["my", "app", "db", "password", "file"]
    assert name_words("APIKey") == ["api", "key"]
