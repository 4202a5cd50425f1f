"""Judge a tool's config file by what it holds, when its name alone cannot say.

An ``.npmrc`` is a secret file when it holds a registry token, and an ordinary config file
when it only names a registry or reads the token from the environment:
``//registry.npmjs.org/:_authToken=${NPM_TOKEN}`` is expanded by npm when it runs ("Environment
variables can be replaced using ${VARIABLE_NAME}", https://docs.npmjs.com/cli/v11/
configuring-npm/npmrc#files), so the image holds the placeholder and not the token.
"""

from __future__ import annotations

import posixpath
import re

from tutor.analysis.lazyre import LazyPattern
from tutor.analysis.secret_names import names_no_secret
from tutor.analysis.secrets import find_secret_values, usable

# Files that hold settings as well as credentials, and can be read to tell which they hold.
_CONFIG_FILES = frozenset({".npmrc", ".pypirc"})
# How much of such a file is read; real ones are a few hundred bytes.
CONTENT_LIMIT = 64 * 1024
# npm's _auth, _authToken and _password (https://docs.npmjs.com/cli/v11/configuring-npm/
# npmrc#auth-related-configuration), scoped to a registry (``//host/:_authToken``) or not, and
# .pypirc's password (https://packaging.python.org/en/latest/specifications/pypirc/).
_CREDENTIAL = LazyPattern(r"""^[ \t]*["']?(?:[^\s=:"']*:)?"""
                         r"""(?P<k>_auth|_authToken|_password|password)["']?"""
                         r"""[ \t]*(?:=|:|[ \t])[ \t]*(?P<v>[^\r\n]*?)[ \t]*$""", re.M | re.I)


def content_decides(path: str) -> bool:
    """Whether the file's content, not only its name, says if it holds a secret."""
    return posixpath.basename(path.replace("\\", "/")).lower() in _CONFIG_FILES


def holds_secret(text: str) -> bool:
    """Whether a config file's text holds a literal credential or a secret value."""
    for match in _CREDENTIAL.finditer(text):
        value = match.group("v").strip().strip("'\"")
        if usable(value) and not names_no_secret(value):
            return True
    return bool(find_secret_values(text))
