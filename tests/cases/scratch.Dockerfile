# case: scratch has no users, so processes run as uid 0
# profile: root
FROM golang:1.26 AS build
RUN CGO_ENABLED=0 go build -o /out/app .
# expect: HT101
FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
