# escape=`
# case: the backtick escape directive continues lines
# profile: root
FROM mcr.microsoft.com/windows/servercore:ltsc2022
RUN powershell -Command `
    Write-Host hello
# expect: HT101
USER ContainerAdministrator
