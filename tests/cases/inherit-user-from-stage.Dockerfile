# case: the final FROM <stage> inherits that stage's USER
# profile: non-root
FROM python:3.13-slim AS base
RUN useradd --uid 10001 app
USER 10001
FROM base AS runtime
COPY app.py /app/
CMD ["python", "/app/app.py"]
