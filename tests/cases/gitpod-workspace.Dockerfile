# case: gitpod workspace images run as 'gitpod' (uid 33333) in /home/gitpod
# profile: non-root
FROM gitpod/workspace-python:2026-02-12
RUN pyenv install 3.12.8
RUN curl -fsSLo get_tool.sh https://example.com/get_tool.sh; \
    chmod 700 get_tool.sh; \
    rm ./get_tool.sh
