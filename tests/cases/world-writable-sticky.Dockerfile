# case: the sticky bit (1777) suits scratch space, not a web root or a folder on PATH (issue 17)
# profile: non-root
FROM php:8.4-apache
RUN mkdir -p /scratch/shared && chmod 1777 /scratch/shared /tmp
# expect: HT107
RUN chmod 1777 /var/www/html
# expect: HT107
RUN mkdir -p /opt/plugins && chmod +t,o+w /opt/plugins
ENV GOPATH=/go
ENV PATH=$GOPATH/bin:$PATH
# expect: HT107
RUN mkdir -p "$GOPATH/src" "$GOPATH/bin" && chmod -R 1777 "$GOPATH"
RUN mkdir -p /var/spool/drop && chmod 1777 /var/spool/drop
# expect: HT107
RUN mkdir -p /data && chmod 0777 /data
USER 10001
