# case: USER from a stage ARG default with a ${VAR:-default} fallback
# profile: non-root
FROM alpine:3.22
ARG APP_UID=10001
USER ${APP_UID:-0}:${APP_GID:-10001}
