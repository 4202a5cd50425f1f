# case: end-of-life bases, by version and by distro codename
# profile: non-root
# expect: HT403
FROM python:3.8-slim AS a
# expect: HT403
FROM node:20-bookworm AS b
# expect: HT403
FROM ruby:3.3-buster AS c
# expect: HT403
FROM golang:1.26-alpine3.16 AS d
FROM golang:1.26-alpine3.22 AS e
FROM python:3.13-slim
USER 10001
