# profile: non-root
FROM node:22-slim AS deps
WORKDIR /app
ARG PKG_ACCESS
# A stage the image does not ship: still reported (as a warning: its layers stay in the cache).
# expect: HT207
RUN --mount=type=secret,id=npm cat /run/secrets/npm > /app/.npmrc && npm ci
# Docker expands build arguments in an unquoted COPY here-document.
# expect: HT207
COPY <<EOF /root/.npmrc
//registry.npmjs.org/:_authToken=${PKG_ACCESS}
EOF
COPY <<'EOF' /app/.npmrc.template
//registry.npmjs.org/:_authToken=${PKG_ACCESS}
EOF
# expect: HT207
RUN <<EOF
echo "//registry.npmjs.org/:_authToken=${PKG_ACCESS}" > /root/.npmrc
npm ci
EOF
# expect: HT207
RUN cat <<EOF > /root/.netrc
machine example.com login ci password ${PKG_ACCESS}
EOF
RUN cat <<'EOF' > /root/.netrc
machine example.com login ci password ${PKG_ACCESS}
EOF
# expect: HT201
ARG GITLAB_TOKEN
# The clone keeps its URL, token included, in lib/.git/config.
# expect: HT207
RUN git clone https://oauth2:${GITLAB_TOKEN}@gitlab.example.com/team/lib.git /src/lib
RUN git clone https://oauth2:${GITLAB_TOKEN}@gitlab.example.com/team/lib.git /tmp/lib \
 && cp -r /tmp/lib/src /src/lib2 && rm -rf /tmp/lib

FROM node:22-slim AS assets
WORKDIR /src
# expect: HT207
RUN --mount=type=secret,id=npm cat /run/secrets/npm > /src/.npmrc && npm ci

FROM node:22-slim
WORKDIR /app
# An argument declared in another stage is out of scope here.
RUN echo "//registry.npmjs.org/:_authToken=${PKG_ACCESS}" > /root/.npmrc
COPY --from=deps /app/node_modules ./node_modules
COPY --from=assets /src ./
USER 10001
