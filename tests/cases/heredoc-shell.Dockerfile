# case: a shell heredoc body is analysed; a python heredoc body is not shell
# profile: non-root
FROM debian:13-slim
# expect: HT106
RUN <<EOF
set -e
sudo apt-get update
EOF
RUN python3 <<EOF
print("sudo rm -rf /")
EOF
USER 10001
