# profile: non-root
FROM node:22-slim
WORKDIR /app
ARG PKG_ACCESS
ARG APP_VERSION
ARG NPM_REGISTRY_URL
ARG BUILD_LABEL
# expect: HT201
ARG TOKEN
# expect: HT201
ARG DB_PASSWORD
# An argument is written as a registry token, whatever it is called, and the file stays.
# expect: HT207
RUN echo "//registry.npmjs.org/:_authToken=${PKG_ACCESS}" > /root/.npmrc && npm ci
# Single quotes: npm's own placeholder, which npm reads from the environment when it runs.
RUN echo '//registry.npmjs.org/:_authToken=${NPM_TOKEN}' > /root/.npmrc
# Written, used and deleted in one RUN: no file keeps it (the history is HT201's business).
RUN echo "//registry.npmjs.org/:_authToken=${TOKEN}" > .npmrc && npm ci && rm -f .npmrc
# A version, a registry address, a label, and a value in no credential position.
RUN echo "${APP_VERSION}" > /app/VERSION \
 && echo "registry=${NPM_REGISTRY_URL}" > /app/.npmrc \
 && echo "${BUILD_LABEL}" >> /app/labels.txt \
 && echo "${PKG_ACCESS}" > /app/access-level.txt
# expect: HT207
RUN npm config set //registry.npmjs.org/:_authToken "$TOKEN"
RUN npm config set //registry.npmjs.org/:_authToken "$TOKEN" && npm ci \
 && npm config delete //registry.npmjs.org/:_authToken
# expect: HT207
RUN pip config set global.index-url "https://ci:${PKG_ACCESS}@pypi.example.com/simple"
# expect: HT207
RUN git config --global credential.helper store \
 && echo "https://ci:${PKG_ACCESS}@github.com" > ~/.git-credentials
# expect: HT207
RUN echo "$DB_PASSWORD" | docker login -u ci --password-stdin registry.example.com
RUN echo "$DB_PASSWORD" | docker login -u ci --password-stdin registry.example.com \
 && docker push registry.example.com/app && docker logout registry.example.com
# expect: HT207
RUN printf 'machine example.com login ci password %s\n' "$PKG_ACCESS" > ~/.netrc
# A file that holds only credentials: whatever goes in is one.
# expect: HT207
RUN echo "$PKG_ACCESS" > /root/.git-credentials
# expect: HT207
RUN echo "$TOKEN" | tee -a /etc/app/token >/dev/null
# expect: HT207
RUN echo "password=${DB_PASSWORD}">>/app/db.conf
# expect: HT207
RUN sed -i "s/PLACEHOLDER/$TOKEN/" /app/settings.xml
# Single quotes again: the shell never expands it, so the file gets the literal text.
RUN sed -i 's/PLACEHOLDER/${env.TOKEN}/' /app/settings.xml
# Written here and deleted in a later RUN: the layer below still holds it.
# expect: HT207
RUN echo "//registry.npmjs.org/:_authToken=${PKG_ACCESS}" > /app/.npmrc && npm ci
RUN rm -f /app/.npmrc
USER 10001
