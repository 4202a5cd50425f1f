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
    # Issue 17: a bare key followed by other words is the key of a key-value pair.
    ("KEY_FOR_PY", False, "shaygef123/Test_repo: beside VALUE_FOR_PY"),
    ("GITLAB_SECRETS_DB_KEY_BASE", True, "secrets earlier in the name still count"),
    ("STRIPE_KEY_LIVE", True, "a key in one environment"),
    ("SIGNING_KEY_2", True, "a numbered key"),
    # Issue 17: credentials by the tool's definition, with no secret word in the name.
    ("BUNDLE_GEMS__CONTRIBSYS__COM", True, "Bundler: credentials for gems.contribsys.com"),
    ("BUNDLE_MY__GEM___HOST__COM", True, "Bundler: '-' in a host is '___'"),
    ("BUNDLE_PATH__SYSTEM", False, "Bundler's path.system setting"),
    ("BUNDLE_LOCAL__RACK", False, "Bundler's local override of a gem"),
    ("BUNDLE_WITHOUT", False, "Bundler's groups"),
    ("NPM_CONFIG__AUTHTOKEN", True, "npm's _authToken setting"),
    ("npm_config_//registry.npmjs.org/:_authToken", True, "npm's scoped _authToken"),
    ("NPM_CONFIG_STRICT_SSL", False, "an npm switch"),
    ("DOCKER_AUTH_CONFIG", True, "GitLab Runner: a Docker config.json with auths"),
    ("PGPASSWORD", True, "libpq's password"),
    ("SSHPASS", True, "sshpass -e"),
    ("VSS_NUGET_EXTERNAL_FEED_ENDPOINTS", True, "Azure Artifacts feeds with access tokens"),
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
