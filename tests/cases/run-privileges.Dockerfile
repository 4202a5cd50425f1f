# case: sudo, su, setuid, world-writable, setcap; sticky 1777 and chmod 755 are fine
# profile: non-root
FROM debian:13-slim
# expect: HT106
RUN apt-get update && sudo apt-get install -y curl
# expect: HT106
RUN su - app -c "make install"
# expect: HT108
RUN chmod 4755 /usr/local/bin/tool
# expect: HT107
RUN chmod -R o+w /srv
# expect: HT107, HT113
COPY --chmod=777 app /app
RUN chmod 1777 /scratch && chmod 0755 /usr/local/bin/tool
# expect: HT301
RUN setcap cap_sys_admin+ep /usr/local/bin/tool
USER 10001
