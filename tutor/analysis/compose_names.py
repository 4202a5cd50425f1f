"""Compose file names: the ones Docker Compose looks for, and the ones that mark a template.

Apart from the compose model, so that telling a compose file from a Dockerfile does not
import the model.
"""

from __future__ import annotations

import re

# The names Docker Compose looks for, in its order of preference.
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")

# Words in a file name that say it is an example or a template to copy and fill in, not the
# file that is deployed: docker-compose.example.yml, compose.template.yaml,
# docker-compose.yml.dist, compose.sample.yaml.
TEMPLATE_WORDS = frozenset({"example", "sample", "template", "tpl", "tmpl", "dist"})


def is_template_name(name: str) -> bool:
    """Whether a file's name marks it as an example or a template (the folder does not
    count): a word of it, between dots, dashes or underscores, is one of ``TEMPLATE_WORDS``."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return not TEMPLATE_WORDS.isdisjoint(re.split(r"[._-]+", base))


def without_template_suffix(name: str) -> str:
    """``docker-compose.yml.dist`` -> ``docker-compose.yml``: the name the template is for."""
    stem, dot, last = name.rpartition(".")
    while dot and last.lower() in TEMPLATE_WORDS:
        name = stem
        stem, dot, last = name.rpartition(".")
    return name
