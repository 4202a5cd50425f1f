# case: downloads installed, run or built with nothing checking them (HT504); a substitution
# that only builds a URL is not code run from the network (HT502, issue 17)
# profile: non-root
FROM debian:13-slim
# expect: HT504
RUN curl -LO https://dl.k8s.io/release/`curl -sL https://dl.k8s.io/release/stable.txt`/bin/linux/amd64/kubectl \
    && chmod +x kubectl && mv kubectl /usr/local/bin
# expect: HT504
RUN curl -fsSL -o /usr/local/bin/yq https://github.com/mikefarah/yq/releases/download/v4.44.1/yq_linux_amd64
RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool-1.2.3.tgz \
    && echo "806ed7f14013d0f683ae0cd1a05bd630fbf398482ce6da951e0a5da9b1cf40b0  /tmp/tool.tgz" | sha256sum -c - \
    && tar -xzf /tmp/tool.tgz -C /usr/local/bin
# expect: HT504
RUN wget -q https://example.com/agent_2.1_amd64.deb && dpkg -i agent_2.1_amd64.deb
# expect: HT504
RUN wget -qO /tmp/setup.run https://example.com/setup.run
RUN bash /tmp/setup.run --prefix /opt/setup
# expect: HT504
RUN curl -fsSL https://example.com/helm-v3.15.2-linux-amd64.tgz | tar -xz -C /usr/local/bin
RUN curl -fsSL -o /srv/data.json https://example.com/data.json
RUN curl -fsSLo get_tool.sh https://example.com/get_tool.sh && chmod 700 get_tool.sh && rm get_tool.sh
# expect: HT504
RUN curl -fsSLo get_helm.sh https://example.com/get-helm-3 && chmod 700 get_helm.sh \
    && if VERIFY_CHECKSUM=true ./get_helm.sh; then echo ok; fi && rm ./get_helm.sh
# expect: HT504, HT106
RUN wget -q -O get_kustomize.sh https://example.com/install_kustomize.sh; chmod 700 get_kustomize.sh; \
    sudo sh -c './get_kustomize.sh 5.4.2 /usr/local/bin'; rm ./get_kustomize.sh
# expect: HT504
RUN go install github.com/example/tool@latest
RUN go install github.com/example/tool@v1.4.2 && go install ./cmd/server
# expect: HT504
RUN git clone https://github.com/example/app.git /src/app && make -C /src/app install
RUN git clone --branch v2.3.1 --depth 1 https://github.com/example/lib.git /src/lib && make -C /src/lib
# expect: HT504
RUN git clone --depth 1 --branch main https://github.com/example/cli.git /src/cli
WORKDIR /src/cli
RUN make
RUN git clone https://github.com/example/tools.git /src/tools && cd /src/tools \
    && git checkout 3f2a9c1 && make
RUN git clone https://github.com/example/docs.git /src/docs
USER 10001
