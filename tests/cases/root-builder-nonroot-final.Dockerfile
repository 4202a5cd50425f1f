# case: a builder that runs as root is fine when the final stage is non-root
# profile: non-root
FROM node:24-alpine AS build
USER root
RUN npm ci
FROM node:24-alpine
COPY --from=build /src/dist /app
USER 1000:1000
