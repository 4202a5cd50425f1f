# case: curl|sh, wget|bash, sh -c "$(curl)", and ADD from URLs
# profile: non-root
FROM debian:13-slim
# expect: HT502
RUN curl -fsSL https://get.example.com | sh
# expect: HT502, HT106
RUN wget -qO- https://get.example.com | sudo bash -s -- --yes
# expect: HT502
RUN sh -c "$(curl -fsSL https://get.example.com)"
RUN curl -fsSLo /tmp/x.tgz https://get.example.com/x.tgz && tar -xzf /tmp/x.tgz
# A substitution that only builds the URL runs nothing it downloaded (issue 17).
RUN curl -fsSLO https://dl.k8s.io/release/`curl -fsSL https://dl.k8s.io/release/stable.txt`/bin/linux/amd64/kubectl.sha256
# expect: HT501
ADD https://example.com/tool.tgz /opt/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tgz /opt/
# expect: HT503
EXPOSE 8080 22/tcp
USER 10001
