# profile: non-root
# Secrets hidden in ${…} operands, split over lines, or set in scripts and written files.
ARG BASE=python:3.13-slim
# expect: HT201
ARG API_TOKEN=${CI_TOKEN:-RealSecretValue123}
FROM ${BASE}
# expect: HT201
ENV API_TOKEN=${X:+RealSecretValue123}
# expect: HT201
ENV A=b DB_PASSWORD=${D:-${E-RealSecretValue123}} F=g
# expect: HT202
LABEL build.key=${X:-wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8Lk3Vt7}
# Docker keeps the indentation, so this value has a space in it and Docker rejects the line.
# expect: HT001, HT201
ENV SMTP_PASSWORD=Abc\
    ContinuedSecretPw
# expect: HT201
ENV REDIS_PASSWORD=Abc\
ContinuedSecretPw
# expect: HT201
ARG DB_PASS=Abc \
    ContinuedSecretPw
ENV SIGNING_KEY_FILE=${KEY_FILE:-/run/secrets/signing_key}
# expect: HT202
RUN export DEPLOY_TOKEN=RealSecretValue123 && ./deploy.sh
# expect: HT202
COPY <<EOF /app/.env
DB_PASSWORD=RealSecretValue123
EOF
RUN --mount=type=secret,id=deploy_token,env=DEPLOY_TOKEN ./deploy.sh
RUN key='B97B0AFCAA1A47F044F244A07FCC7D46ACCC4CF8'; gpg --recv-keys "$key"
RUN MYSQL_RANDOM_ROOT_PASSWORD=yes ./init.sh && API_TOKEN=$(cat /run/secrets/t) ./x
USER 10001
