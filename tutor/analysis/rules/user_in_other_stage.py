"""HT102: a USER that is set only in a stage the final image does not build on."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.profile import is_root_user
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule


class UserInOtherStage(DockerfileRule):
    """USER is set in an earlier build stage, but the final stage does not inherit it.

    Why:
        Every FROM starts a fresh image. A USER in a builder stage changes nothing about
        the final image unless the final stage is built FROM that stage, so a file that
        looks hardened can still ship a root container. Linters that look at the last USER
        in the whole file are fooled by exactly this layout.

    Failing:
        FROM golang:1.26 AS build
        RUN useradd --uid 10001 builder
        USER 10001
        RUN go build -o /tmp/app .

        FROM debian:13-slim
        COPY --from=build /tmp/app /usr/local/bin/app
        CMD ["app"]

    Passing:
        FROM golang:1.26 AS build
        RUN go build -o /tmp/app .

        FROM debian:13-slim
        COPY --from=build /tmp/app /usr/local/bin/app
        USER 10001
        CMD ["app"]

    Fix:
        Put the USER instruction in the final stage, after the steps that need root.
    """

    id = "HT102"
    name = "user-in-other-stage"
    topic = Topic.ROOT
    severity = Severity.WARNING
    lesson = "non-root-user"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """Flag non-root USERs outside the final chain when the final image has none."""
        profile = ctx.profile
        final = profile.final_stage
        if final is None or profile.user_instruction is not None or not profile.runs_as_root:
            return
        for stage in ctx.dockerfile.stages:
            if stage.index in ctx.final_chain:
                continue
            users = [i for i in stage.instructions if i.keyword == "USER"]
            if users and not is_root_user(users[-1].text):
                last = users[-1]
                yield self.at(last,
                              f"USER {last.value.strip()} applies only to stage {stage.label}; "
                              f"the final stage {final.label} starts over from its own base "
                              f"image and runs as root, so this USER protects nothing that "
                              f"ships.")
