# case: USER from an ARG with no default cannot be resolved
# profile: unknown
FROM alpine:3.22
ARG APP_UID
# expect: HT103
USER $APP_UID
