# profile: non-root
FROM alpine:3.22 AS fetch
# A key in a stage the image does not ship is still a warning.
# expect: HT203
COPY id_rsa /root/.ssh/id_rsa
RUN --mount=type=ssh git clone git@github.com:example/app.git /src
FROM alpine:3.22
COPY --from=fetch /src /app
COPY certs/ca.pem /usr/local/share/ca-certificates/ca.crt
COPY .env.example /app/.env.example
# expect: HT203
COPY .env /app/.env
# expect: HT203, HT113
COPY --chown=10001 deploy/service-account.json /app/gcp.json
# expect: HT203
ADD .npmrc /root/.npmrc
# expect: HT204
RUN npm ci && rm -f /root/.npmrc
# expect: HT204
RUN rm /app/.env
USER 10001
