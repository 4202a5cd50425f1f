"""The file names Docker Compose looks for, apart from the compose model so that telling a
compose file from a Dockerfile does not import the model."""

from __future__ import annotations

# The names Docker Compose looks for, in its order of preference.
COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
