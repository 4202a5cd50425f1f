# case: USER only in the builder stage; the final stage runs as root
# profile: root
FROM golang:1.26 AS build
# expect: HT102
USER 10001
RUN go build -o /tmp/app .
# expect: HT101
FROM debian:13-slim
COPY --from=build /tmp/app /usr/local/bin/app
CMD ["app"]
