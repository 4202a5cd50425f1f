# case: a test stage last is what `docker build` produces by default, and it runs as root
# profile: root
FROM python:3.13-slim AS runtime
RUN useradd --uid 10001 app
USER 10001
FROM runtime AS test
# expect: HT101
USER root
RUN pip install pytest
