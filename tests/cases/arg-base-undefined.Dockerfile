# case: a base image from an ARG without a default is unknown
# profile: unknown
ARG BASE
# expect: HT103
FROM ${BASE}
