# case: an unterminated heredoc swallows the rest of the file and is a syntax error
# profile: root
# expect: HT101
FROM alpine:3.22
# expect: HT001
RUN <<EOF
apk add --no-cache curl
USER 10001
