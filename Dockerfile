# BillingConsole: multi-stage build (SDK -> ASP.NET runtime), non-root, health-checked.
# Build:   docker build -t billingconsole .
# Migrate: docker run --rm -e Database__Provider=... -e ConnectionStrings__Billing=... billingconsole migrate
# Check:   docker run --rm --env-file billing.env billingconsole --check-config
# Run:     docker run -d -p 8080:8080 --env-file billing.env billingconsole
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Set by BuildKit (docker build, docker buildx) to the image's architecture: the publish is for that runtime, which
# precompiles it (ReadyToRun in the project file).
ARG TARGETARCH
WORKDIR /src
# Restore first, from the project files only, so code changes reuse the restore layer.
COPY Directory.Build.props Directory.Packages.props BillingConsole.sln ./
COPY src/BillingConsole.Accounting/BillingConsole.Accounting.csproj src/BillingConsole.Accounting/
COPY src/BillingConsole.Demo/BillingConsole.Demo.csproj src/BillingConsole.Demo/
COPY src/BillingConsole.Web/BillingConsole.Web.csproj src/BillingConsole.Web/
COPY db/BillingConsole.Db.Sqlite/BillingConsole.Db.Sqlite.csproj db/BillingConsole.Db.Sqlite/
COPY db/BillingConsole.Db.Postgres/BillingConsole.Db.Postgres.csproj db/BillingConsole.Db.Postgres/
COPY db/BillingConsole.Db.SqlServer/BillingConsole.Db.SqlServer.csproj db/BillingConsole.Db.SqlServer/
RUN dotnet restore src/BillingConsole.Web/BillingConsole.Web.csproj -a "${TARGETARCH:?build with BuildKit, which sets TARGETARCH}"
COPY . .
RUN dotnet publish src/BillingConsole.Web/BillingConsole.Web.csproj -c Release -a "$TARGETARCH" --no-self-contained -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl for the HEALTHCHECK only.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_NOLOGO=1
EXPOSE 8080
# The image's built-in non-root user (uid 1654).
USER $APP_UID
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl --fail --silent http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "BillingConsole.Web.dll"]
