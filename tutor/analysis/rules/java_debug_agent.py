"""HT505: the image starts the Java debug agent (JDWP) listening on the network."""

from __future__ import annotations

from collections.abc import Iterator

from tutor.analysis.findings import Finding
from tutor.analysis.model import Severity, Topic
from tutor.analysis.rules._jdwp import listener
from tutor.analysis.rules.base import DockerfileContext, DockerfileRule


class JavaDebugAgent(DockerfileRule):
    """The final image turns on the JDWP debug agent (`-agentlib:jdwp=…,server=y`).

    Why:
        The Java Debug Wire Protocol has no authentication: whoever reaches the port can
        call any method in the JVM, `Runtime.exec` included, and so runs commands as the
        app's user. Set in an `ENV` such as `JAVA_TOOL_OPTIONS`, in `CMD` or in a JVM
        options file, the agent starts in every container of the image, reachable from
        the container's network and from the host once its port is published.

    Failing:
        FROM eclipse-temurin:21-jre
        COPY app.jar /app/app.jar
        USER 10001
        CMD ["java", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005", "-jar", "/app/app.jar"]

    Passing:
        FROM eclipse-temurin:21-jre
        COPY app.jar /app/app.jar
        USER 10001
        CMD ["java", "-jar", "/app/app.jar"]

    Fix:
        Take the agent out of the image. To debug, add it for that one run
        (`docker run -e JAVA_TOOL_OPTIONS=-agentlib:jdwp=…,address=127.0.0.1:5005 …`
        and reach it with `docker exec` or an SSH tunnel), or publish the port on the
        host's loopback only (`-p 127.0.0.1:5005:5005`) on your own machine.
    """

    id = "HT505"
    name = "java-debug-agent"
    topic = Topic.GENERAL
    severity = Severity.ERROR
    lesson = "root-risks"

    def check(self, ctx: DockerfileContext) -> Iterator[Finding]:
        """One finding per ENV, CMD, ENTRYPOINT or RUN in the final image that starts it."""
        for inst in ctx.instructions("ENV", "CMD", "ENTRYPOINT", "RUN"):
            if inst.stage not in ctx.final_chain:
                continue
            text = inst.text if inst.keyword == "ENV" else inst.value
            found = listener(" ".join([text, *(h.body for h in inst.heredocs)]))
            if found is None:
                continue
            severity = None if found.everywhere else Severity.WARNING
            yield self.finding(inst.line, f"{inst.keyword} turns on the Java debug agent "
                                          f"{found.where()}: JDWP has no authentication, so "
                                          f"whoever reaches the port runs code in the JVM.",
                               inst.end_line, severity=severity)
