# case: ENV then ${VAR:+alt} picks the alternative when set
# profile: root
FROM alpine:3.22
ENV ADMIN=yes
# expect: HT101
USER ${ADMIN:+0}
