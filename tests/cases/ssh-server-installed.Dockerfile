# case: an SSH server installed with no EXPOSE 22 is still a shell service (issue 17)
# profile: non-root
FROM debian:13-slim
# expect: HT503 (warning)
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client openssh-server
USER 10001
