# profile: non-root
# Secrets in places the names do not give away: labels, variables tools define as
# credentials, and the askpass programs git and ssh run to get a password.
FROM ruby:3.4-slim
# expect: HT202
LABEL com.example.db-password="s3cr3t-Passw0rd"
LABEL org.opencontainers.image.title="app" com.example.password-policy="strict" com.example.key=primary
# expect: HT201
ENV BUNDLE_GEMS__CONTRIBSYS__COM=deploy:Zq3xK9vLm2
ENV BUNDLE_PATH__SYSTEM=true BUNDLE_LOCAL__RACK=/src/rack BUNDLE_WITHOUT=development
# expect: HT201
ARG NPM_CONFIG__AUTHTOKEN=Qm3Vx8Lp2Wz9Rt5Yb7Nc
# expect: HT201
ENV PGPASSWORD=Tr0ub4dor-and-3
# expect: HT201
ENV DOCKER_AUTH_CONFIG='{"auths":{"registry.corp.internal":{"auth":"ZGVwbG95OlpxM3hLOXZMbTI="}}}'
# expect: HT202
ENV PIP_INDEX_URL=https://0a1b2c3d4e5f6a7b8c9d@pypi.corp.internal/simple
ENV PIP_EXTRA_INDEX_URL=https://ci@pypi.corp.internal/simple
# expect: HT202
RUN pip install --index-url https://9f8e7d6c5b4a39281706@pypi.corp.internal/simple app
# expect: HT202
RUN echo '#!/bin/sh' > /usr/local/bin/git-creds \
    && echo 'case "$1" in Username*) echo deploy;; Password*) echo "Xk2Lm9Pq4Rt";; esac' >> /usr/local/bin/git-creds \
    && chmod +x /usr/local/bin/git-creds
ENV GIT_ASKPASS=/usr/local/bin/git-creds
RUN git clone https://git.corp.internal/app.git /app && echo done
# expect: HT202
COPY --chmod=755 <<EOF /usr/local/bin/ssh-askpass
#!/bin/sh
echo Hunter2Hunter2
EOF
# expect: HT202
RUN git config --global core.askPass /opt/pw.sh \
    && printf '#!/bin/sh\necho s3cretPassw0rd\n' | tee /opt/pw.sh
RUN printf '#!/bin/sh\necho "$GIT_TOKEN"\n' > /usr/bin/git-askpass && echo ok
USER 10001
