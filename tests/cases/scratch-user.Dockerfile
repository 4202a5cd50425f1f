# case: scratch with a numeric USER is non-root
# profile: non-root
FROM scratch
COPY app /app
USER 65534:65534
