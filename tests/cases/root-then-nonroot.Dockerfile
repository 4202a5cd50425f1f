# case: switching to root and back is fine
# profile: non-root
FROM alpine:3.22
USER root
RUN apk add --no-cache curl
USER 10001
