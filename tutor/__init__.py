"""hardening-tutor: learn container hardening, and lint Dockerfiles for it."""

__version__ = "0.1.0"

# The project's home, as [project.urls] Source says; its README documents every rule under
# an anchor named after the rule's id (SOURCE_URL#ht101), which reports link to.
SOURCE_URL = "https://example.invalid/hardening-tutor"
