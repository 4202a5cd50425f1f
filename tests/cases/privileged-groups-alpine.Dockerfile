# case: BusyBox adduser -G names the group; with sudo installed, wheel is root
# profile: non-root
FROM alpine:3.22
# expect: HT106, HT115 (warning)
RUN apk add --no-cache sudo && adduser -D -u 10001 -G wheel app
RUN adduser -D -u 10002 -g "Wheel Operator" operator
USER 10001
