# case: users put in root, docker, sudo or wheel (HT115, issue 17)
# profile: non-root
FROM debian:13-slim
# expect: HT115 (warning)
RUN useradd --uid 10001 --no-create-home app && usermod -aG root app
# expect: HT115 (warning)
RUN groupadd --gid 999 docker && useradd --uid 10002 --no-create-home -G docker ci
# expect: HT115 (info)
RUN gpasswd -a app sudo
RUN usermod -a -G audio,video app && useradd --uid 10003 -g users --no-create-home svc
# expect: HT115 (warning)
RUN adduser --system --ingroup root --uid 10004 worker
# expect: HT115 (warning)
RUN useradd --uid 10005 -g 0 --no-create-home openshift
USER 10001
