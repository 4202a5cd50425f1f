# case: sshd as the command is the finding, not the install before it
# profile: non-root
FROM alpine:3.22
RUN apk add --no-cache openssh-server
USER 10001
# expect: HT503 (warning)
CMD ["/usr/sbin/sshd", "-D", "-e"]
