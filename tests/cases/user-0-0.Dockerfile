# case: USER 0:0 is root even though it is not spelled root
# profile: root
FROM alpine:3.22
RUN adduser -u 10001 -D app
# expect: HT101
USER 0:0
