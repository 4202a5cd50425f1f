# case: Alpine's openssh pulls in sshd; openssh-client does not (information only)
# profile: non-root
FROM alpine:3.22 AS tools
RUN apk add --no-cache openssh-server
FROM alpine:3.22
RUN apk add --no-cache openssh-client git
# expect: HT503 (info)
RUN apk add --no-cache openssh
USER 10001
