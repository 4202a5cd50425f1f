# escape=`
# case: Nano Server 1709 and later run as ContainerUser, not ContainerAdministrator
# profile: non-root
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS download
RUN curl.exe -fsSLo C:\app.zip https://example.com/app.zip
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY --from=download C:\app.zip C:\app.zip
CMD ["cmd.exe"]
