# case: USER root:root
# profile: root
FROM alpine:3.22
# expect: HT101
USER root:root
