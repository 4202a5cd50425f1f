# case: .NET 6 images set no APP_UID, so USER $APP_UID still depends on a build argument
# profile: unknown
# expect: HT403
FROM mcr.microsoft.com/dotnet/aspnet:6.0.36
WORKDIR /app
COPY app/ .
# expect: HT103
USER $APP_UID
ENTRYPOINT ["dotnet", "App.dll"]
