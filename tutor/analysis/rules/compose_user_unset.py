"""HT110: a compose service runs an image of unknown user with no `user:`."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.images import parse_image_ref
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._compose import resolved
from tutor.analysis.rules.base import ComposeContext, ComposeRule


class ComposeUserUnset(ComposeRule):
    """A service sets no `user:` and its image is not known to run as non-root.

    Why:
        Most images on Docker Hub run as root unless told otherwise. Some start as
        root and drop to a service user in their entrypoint, others never do; from the
        compose file alone you cannot tell, and neither can a reviewer. Setting `user:`
        makes the answer visible and enforced. This is information: images built here
        from a Dockerfile are judged by that Dockerfile instead.

    Failing:
        services:
          cache:
            image: redis:8.2
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Passing:
        services:
          cache:
            image: redis:8.2
            user: "999:999"
            read_only: true
            cap_drop: [ALL]
            security_opt: ["no-new-privileges:true"]

    Fix:
        Set `user:` to the unprivileged uid the image documents (for example
        `user: "999:999"` for the official redis and postgres images), and make the
        volumes it writes to owned by that uid.
    """

    id = "HT110"
    name = "compose-user-unset"
    topic = Topic.ROOT
    severity = Severity.INFO
    lesson = "non-root-user"

    def check(self, ctx: ComposeContext) -> Iterator[Finding]:
        """Note services that run a pulled image with no user and no non-root default."""
        for service in ctx.services:
            spec = service.spec
            resolved_image = resolved(service, "image")
            if "user" in spec or "build" in spec or resolved_image is None:
                continue
            ref = resolved_image[1].strip()
            if ctx.images.lookup(parse_image_ref(ref)).runs_as_root is False:
                continue
            yield self.finding(spec.line_of("image"),
                               f"service '{service.name}' sets no user:, and {ref} is "
                               f"not known to run as non-root, so its processes may run as "
                               f"root.")
