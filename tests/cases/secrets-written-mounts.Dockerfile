# profile: non-root
FROM node:22-slim
WORKDIR /app
# expect: HT207
RUN --mount=type=secret,id=npm cat /run/secrets/npm > ~/.npmrc && npm ci
# Read inside the step and written nowhere.
RUN --mount=type=secret,id=npm NPM_TOKEN=$(cat /run/secrets/npm) npm ci
# Written, used and deleted in one step, here or under /tmp.
RUN --mount=type=secret,id=npm cat /run/secrets/npm > .npmrc && npm ci && rm -f .npmrc
RUN --mount=type=secret,id=npm cp /run/secrets/npm /tmp/.npmrc \
 && npm ci --userconfig /tmp/.npmrc && rm -rf /tmp/.npmrc
# Mounted where npm reads it: the mount is not part of the layer.
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
# Under a tmpfs mount: discarded with it.
RUN --mount=type=secret,id=npm --mount=type=tmpfs,target=/scratch \
    cat /run/secrets/npm > /scratch/.npmrc && npm ci --userconfig /scratch/.npmrc
# /tmp is part of the layer like any other folder.
# expect: HT207
RUN --mount=type=secret,id=db echo "$(cat /run/secrets/db)" > /tmp/db-password
# expect: HT207
RUN --mount=type=secret,id=netrc cp /run/secrets/netrc /app/.netrc
# The mount's own target, copied to a path that stays.
# expect: HT207
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc cp /root/.npmrc /app/.npmrc && npm ci
# Newer BuildKit: the secret as an environment variable (env=).
# expect: HT207
RUN --mount=type=secret,id=gh,env=GH_TOKEN git config --global url."https://x-access-token:${GH_TOKEN}@github.com/".insteadOf "https://github.com/"
RUN --mount=type=secret,id=gh,env=GH_TOKEN gh release download v1.0 --repo example/tool
# Through a shell variable.
# expect: HT207
RUN --mount=type=secret,id=mysecret export SECRET_VALUE=$(cat /run/secrets/mysecret) \
 && echo $SECRET_VALUE >> /app/secret.txt
# Written in one step and deleted in the next: the first layer keeps it.
# expect: HT207
RUN --mount=type=secret,id=pip cat /run/secrets/pip > /etc/pip.conf && pip install -r requirements.txt
RUN rm /etc/pip.conf
# expect: HT207
RUN --mount=type=secret,id=gem cat /run/secrets/gem | base64 -d > ~/.gem/credentials
# expect: HT207
RUN --mount=type=secret,id=yarn,env=YARN_NPM_AUTH_TOKEN yarn config set npmAuthToken "$YARN_NPM_AUTH_TOKEN"
# expect: HT207
RUN --mount=type=secret,id=hub cat /run/secrets/hub | docker login -u ci --password-stdin
# expect: HT207
RUN --mount=type=secret,id=settings sed -i "s/PLACEHOLDER/$(cat /run/secrets/settings)/" /app/settings.xml
USER 10001
