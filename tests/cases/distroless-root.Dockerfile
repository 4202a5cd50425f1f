# case: distroless :latest runs as root
# profile: root
# expect: HT101
FROM gcr.io/distroless/static-debian13@sha256:8f3aba466a471c0ab903dbd7cb979abd4bda370b04789d25440cc90372b50e04
COPY app /app
