# case: users and groups without fixed ids, and the named final USER
# profile: non-root
FROM debian:13-slim
# expect: HT105
RUN groupadd app && useradd -g app app
RUN groupadd --gid 10001 web && useradd --uid 10001 --gid web web
# expect: HT104
USER web
