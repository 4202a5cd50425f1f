# case: an ARG-parameterized base resolves through its default
# profile: root
ARG BASE=node:latest
# expect: HT101, HT401
FROM ${BASE}
