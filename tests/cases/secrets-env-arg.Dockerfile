# profile: non-root
# Secret names by whole words, pointers to secrets, and values that give themselves away.
# expect: HT201
ARG NPM_TOKEN
FROM python:3.13-slim AS build
# expect: HT201
ARG GITHUB_TOKEN
# A builder-stage ENV does not ship, so it is only a warning (checked in test_secrets_rules).
# expect: HT201
ENV DB_PASS=builder-only-pass
FROM python:3.13-slim
ENV DB_PASSWORD_FILE=/run/secrets/db_password \
    TOKENIZERS_PARALLELISM=false \
    PUBLIC_KEY=ssh-ed25519 \
    KEY_NAME=primary \
    GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D \
    PYTHONUNBUFFERED=1
# expect: HT201, HT201
ENV JENKINS_PSW=hunter2hunter2 DB_PASS=correct-horse
# expect: HT202
ENV DATABASE_URL=postgres://app:Zk8pQ2vLx9w@db:5432/app
# expect: HT202
LABEL org.example.deploy-token="glpat-Qw3rTy7uIo9pAs2dFg4h"
# expect: HT202
RUN curl -fsS -H "Authorization: Bearer Xq7Lm2Vb9Nc4Zr8Tw1Ys6Kd3Hf5Jg0Pe" https://api.example.com/setup
RUN --mount=type=secret,id=api_token,env=API_TOKEN curl -fsS -H "Authorization: Bearer $API_TOKEN" https://api.example.com/setup
RUN echo "$DB_PASSWORD" > /dev/null
# expect: HT202
RUN echo "dckr_pat_Qm3Vx8Lp2Wz9Rt5Yb7Nc1Kd4Hf" | docker login -u deploy --password-stdin
USER 10001
ENV SSL_KEY=/etc/ssl/private/server.key MYSQL_RANDOM_ROOT_PASSWORD=yes
