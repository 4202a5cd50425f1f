# case: Alpine's BusyBox has adduser and addgroup; useradd and groupadd come with shadow
# profile: non-root
FROM alpine:3.24
RUN addgroup -S -g 10002 web && adduser -S -D -H -u 10002 -G web web
# expect: HT111
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app app
RUN apk add --no-cache shadow
RUN useradd --system --uid 10003 other
USER 10002
