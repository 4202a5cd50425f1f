# case: with --target runtime, the root test stage after it does not matter
# target: runtime
# profile: non-root
FROM python:3.13-slim AS runtime
RUN useradd --uid 10001 app
USER 10001
FROM runtime AS test
USER root
RUN pip install pytest
