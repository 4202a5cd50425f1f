# case: Docker drops the quotes of USER "0" as it expands it: that is root
# profile: root
FROM alpine:3.22
RUN adduser -D -u 10001 app
# expect: HT101
USER "0"
