# profile: non-root
# Values that only look like secrets: an identifier, the key of a key-value pair, and the
# example keys AWS prints in its documentation. Real keys beside them are still found.
FROM python:3.13-slim
ARG DRIVE_DOCUMENT_ID="1MULwJodFX1GOZrhrztAQpiN0k8s0Rc3VgTg9VaZEoBF"
ENV DRIVE_DOCUMENT_ID=$DRIVE_DOCUMENT_ID BUILD_SHA=9fQx2Lm7Vb3Nc8Zr4Tw1Ys6Kd5Hf0JgPeQ
ENV KEY_FOR_PY="work" VALUE_FOR_PY="just"
# A known token format is a secret whatever the variable is called.
# expect: HT202
ENV DEPLOY_ID=ghp_H9xdreYrmVM1JIJ5iqQt6wukvg6KLYrvadWw
# The practice of baking keys into ENV is still worth a word, the example key is not a leak.
# expect: HT201 (warning)
ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
# expect: HT201 (warning)
ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
RUN aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
ENV DOCS_SAMPLE="AKIAI44QH8DHBEXAMPLE je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
# A Rails-style key base is still a key, and secrets earlier in a name still count.
# expect: HT201
ENV GITLAB_SECRETS_DB_KEY_BASE=Xq7Lm2Vb9Nc4Zr8Tw1Ys6Kd3Hf5Jg0Pe
USER 10001
