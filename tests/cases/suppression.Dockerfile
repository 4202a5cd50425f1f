# case: our pragma, hadolint's and checkov's suppress the matching rules
# profile: root
# checkov:skip=CKV_DOCKER_7: pinned by our release process
# hadolint ignore=DL3002
FROM ubuntu
# hardening-tutor ignore=HT106
RUN sudo true
# expect: HT106
RUN sudo false
