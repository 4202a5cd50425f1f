"""HT501: ADD downloads a remote URL without a checksum."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule
from tutor.analysis.variables import split_words

_REMOTE = ("http://", "https://", "git@", "git://")


class AddRemoteUrl(DockerfileRule):
    """ADD fetches a file from a URL and nothing checks what arrived.

    Why:
        Whoever controls that URL, its DNS or the network path (for `http://`) decides
        what goes into your image. ADD verifies nothing unless you give it a checksum,
        and the download is not cached by content, so a changed file is picked up
        silently.

    Failing:
        FROM debian:13-slim
        ADD https://example.com/tool.tar.gz /opt/
        USER 10001

    Passing:
        FROM debian:13-slim
        ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/
        USER 10001

    Fix:
        Add `--checksum=sha256:<hash>` to the ADD, or download in a RUN that verifies a
        checksum or signature (`sha256sum -c`) before using the file.
    """

    id = "HT501"
    name = "add-remote-url"
    topic = Topic.SCANNING
    severity = Severity.WARNING
    lesson = "scanning"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag ADD with a remote source and no --checksum flag."""
        for inst in ctx.instructions("ADD"):
            words = split_words(inst.text, ctx.escape)
            if any(w.startswith("--checksum=") for w in words):
                continue
            sources = [w for w in words if not w.startswith("--")][:-1]
            remote = [s for s in sources if s.lower().startswith(_REMOTE)]
            if remote:
                yield self.at(inst, f"ADD downloads {remote[0]} without a checksum: whoever "
                                    f"controls that URL or the network path decides what "
                                    f"goes into the image.")
