# case: end of life from endoflife.date's data, for the tag shapes real Dockerfiles use
# profile: non-root
# A major-only tag is the last release of that line, once a newer major exists.
# expect: HT403
FROM python:2-alpine AS py2
# ... but the newest line floats forward, so it is not known to be ended.
FROM python:3-alpine AS py3
# expect: HT403
FROM php:5.5-apache AS php55
# expect: HT403
FROM mcr.microsoft.com/dotnet/aspnet:6.0 AS aspnet6
# expect: HT403
FROM mcr.microsoft.com/dotnet/runtime:7.0 AS runtime7
# expect: HT403
FROM mcr.microsoft.com/dotnet/sdk:5.0 AS sdk5
# .NET Framework is a Windows component with its own lifecycle, not .NET.
FROM mcr.microsoft.com/dotnet/framework/sdk:4.8 AS framework
# The openjdk image is deprecated; its early-access tags are still updated.
# expect: HT403
FROM openjdk:8-jre AS openjdk8
FROM openjdk:27-ea-jdk AS openjdk-ea
# Windows Server Semi-Annual Channel releases.
# expect: HT403
FROM mcr.microsoft.com/windows/nanoserver:1803 AS nano1803
# expect: HT403
FROM mcr.microsoft.com/windows/servercore:1803 AS core1803
# 1809 is the Windows Server 2019 container image, supported to 2029-01-09.
FROM mcr.microsoft.com/windows/nanoserver:1809 AS nano1809
# Server Core 2016 is supported to 2027-01-12.
FROM mcr.microsoft.com/windows/servercore:ltsc2016 AS core2016
# Go releases end in order, so one older than an ended listed release has ended too.
# expect: HT403
FROM golang:1.8-windowsservercore AS go18
# expect: HT403
FROM golang:1.9-nanoserver AS go19
# A newer release than the data knows is not known to be end-of-life.
FROM golang:1.99-alpine AS go-next
# Node.js on Windows.
# expect: HT403
FROM stefanscherer/node-windows:8.6.0 AS node8
# A superseded nginx mainline branch.
# expect: HT403
FROM nginx:1.13-alpine AS nginx113
# Non-LTS Java.
# expect: HT403
FROM eclipse-temurin:26-jre-alpine AS temurin26
FROM eclipse-temurin:25-jre-alpine AS temurin25
# expect: HT403
FROM gcr.io/distroless/static-debian12:nonroot AS distroless12
FROM gcr.io/distroless/static-debian13:nonroot AS distroless13
# Two products: either one ended is a finding.
# expect: HT403
FROM python:3.13-slim-buster AS on-buster
FROM python:3.13-slim-trixie
USER 10001
