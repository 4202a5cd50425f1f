# case: the JDWP agent listening beyond the loopback in the final image (HT505, issue 17)
# profile: non-root
FROM eclipse-temurin:21-jdk AS test
ENV JAVA_TOOL_OPTIONS="-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005"
FROM eclipse-temurin:21-jre
# expect: HT505 (error)
ENV JAVA_TOOL_OPTIONS="-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005"
ENV JAVA_OPTS="-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:5005"
ENV ATTACH_OPTS="-agentlib:jdwp=transport=dt_socket,server=n,address=ide.example.com:5005"
# expect: HT505 (warning)
RUN mkdir -p /etc/app && echo "-Xrunjdwp:transport=dt_socket,server=y,suspend=n,address=8000" >> /etc/app/jvm.options
USER 10001
# expect: HT505 (error)
CMD ["java", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=0.0.0.0:5005", "-jar", "/app/app.jar"]
