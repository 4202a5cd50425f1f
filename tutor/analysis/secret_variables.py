"""Variables that hold credentials by convention, though no word of their name says so.

``BUNDLE_GEMS__CONTRIBSYS__COM`` or ``PGPASSWORD`` read as nothing secret word by word; the
tools that read them define them as credentials. Each entry cites where the tool says so.
"""

from __future__ import annotations

import re

from tutor.analysis.secrets import SecretMatch, usable

INDEX_URL_KIND = "token in a package index URL"

# Bundler settings whose env form has "__" (a "." in the key) but names no host:
# gem.*, path.system, build.*, local.*, mirror.*, ignore_messages.*.
_BUNDLER_DOTTED = "GEM|PATH|BUILD|LOCAL|MIRROR|IGNORE_MESSAGES"

# (the whole name, upper-cased; what its value is)
_MEANINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Bundler allows you to configure credentials for any gem source ... export
    # BUNDLE_GEMS__LONGEROUS__COM="claudette:s00pers3krit"": a host name with "." as "__"
    # and "-" as "___" (https://bundler.io/man/bundle-config.1.html, CREDENTIALS FOR GEM
    # SOURCES).
    (re.compile(rf"BUNDLE_(?!(?:{_BUNDLER_DOTTED})__)[A-Z0-9]+(?:_{{2,3}}[A-Z0-9]+)*__[A-Z]{{2,63}}"),
     "Bundler's credentials for a gem source"),
    # npm reads any npm_config_* variable as a setting (https://docs.npmjs.com/cli/v11/using-npm/
    # config#environment-variables); _auth, _authToken and _password are credentials
    # (https://docs.npmjs.com/cli/v11/configuring-npm/npmrc#auth-related-configuration).
    (re.compile(r"NPM_CONFIG_(?:.*[:_])?_(?:AUTH|AUTHTOKEN|PASSWORD)"),
     "an npm registry credential"),
    # GitLab Runner: "the content of your Docker configuration file", whose auths hold
    # base64 user:password pairs (https://docs.gitlab.com/ci/docker/using_docker_images/
    # #access-an-image-from-a-private-container-registry).
    (re.compile(r"DOCKER_AUTH_CONFIG"), "a Docker config with registry credentials"),
    # libpq: "PGPASSWORD behaves the same as the password connection parameter"
    # (https://www.postgresql.org/docs/current/libpq-envars.html).
    (re.compile(r"PGPASSWORD"), "PostgreSQL's password"),
    # sshpass -e: "The password is taken from the environment variable SSHPASS"
    # (sshpass(1)).
    (re.compile(r"SSHPASS"), "the password sshpass gives to ssh"),
    # Azure Artifacts credential provider: a JSON list of feed endpoints with user names and
    # access tokens (https://github.com/microsoft/artifacts-credprovider#environment-variables).
    (re.compile(r"VSS_NUGET_EXTERNAL_FEED_ENDPOINTS"), "NuGet feeds with their access tokens"),
)

# pip and uv take a token as the user name of an index URL: "https://0123456789abcdef@
# pypi.company.com/simple" (https://pip.pypa.io/en/stable/topics/authentication/); a
# user:password pair there is found like any URL's password.
_INDEX_URLS = frozenset({"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_INDEX_URL",
                         "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX"})
_USER_ONLY = re.compile(r"://(?P<v>[^\s:/?#@'\"`]+)@")


def credential_meaning(name: str) -> str | None:
    """What a variable named ``name`` holds when its tool defines it as a credential."""
    upper = name.strip().upper()
    return next((meaning for pattern, meaning in _MEANINGS if pattern.fullmatch(upper)), None)


def is_index_url(name: str) -> bool:
    """Whether ``name`` is a pip or uv variable holding package index URLs."""
    return name.strip().upper() in _INDEX_URLS


def index_url_tokens(text: str, offset: int = 0) -> list[SecretMatch]:
    """Tokens given as the user name of an index URL, positioned in the text plus ``offset``.

    A plain user name (``ci``, ``john.doe``) makes pip ask for a password; a value long enough
    and mixing letters and digits is a token.
    """
    found: list[SecretMatch] = []
    for m in _USER_ONLY.finditer(text):
        value = m.group("v")
        if (len(value) >= 16 and any(c.isalpha() for c in value)
                and any(c.isdigit() for c in value) and usable(value)):
            found.append(SecretMatch(INDEX_URL_KIND, value, offset + m.start("v"),
                                     offset + m.end("v")))
    return found
