"""hardening-tutor: learn container hardening, and lint Dockerfiles for it."""

__version__ = "0.1.0"
