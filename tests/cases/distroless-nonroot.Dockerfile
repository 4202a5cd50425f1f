# case: distroless :nonroot runs as 65532 with no USER at all
# profile: non-root
FROM golang:1.26 AS build
RUN CGO_ENABLED=0 go build -o /out/app .
FROM gcr.io/distroless/static-debian13:nonroot
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
