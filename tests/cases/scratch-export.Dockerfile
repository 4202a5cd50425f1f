# case: a scratch stage with no CMD or ENTRYPOINT only holds files for `docker build --output`
# profile: root
FROM golang:1.26 AS build
RUN CGO_ENABLED=0 go build -o /out/app .
# expect: HT101 (info)
FROM scratch AS output
COPY --from=build /out/app /
