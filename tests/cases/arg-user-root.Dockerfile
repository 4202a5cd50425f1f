# case: USER expanded from a global ARG default is root
# profile: root
ARG RUN_AS=root
FROM alpine:3.22
ARG RUN_AS
# expect: HT101
USER ${RUN_AS}
