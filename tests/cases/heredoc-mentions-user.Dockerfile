# syntax=docker/dockerfile:1
# case: heredoc bodies mentioning USER root are not instructions
# profile: non-root
FROM alpine:3.22
RUN <<EOF
echo "USER root"
USER root
FROM scratch
EOF
COPY <<EOT /etc/motd
USER root
EOT
USER 10001
