# syntax=docker/dockerfile:1
# FlowCollector's container image: `docker build -t flowcollector:0.1.0 .` from the repository root.
# Framework-dependent on the ASP.NET Core runtime image, the same base and user `dotnet publish /t:PublishContainer`
# picks for this project (docs/deployment.md), so both build ways run the same binary the same way. Not
# self-contained/trimmed: Quartz, Octokit and configuration binding use reflection that trimming would break
# silently, and the shared runtime layer is patched by pulling a new base image without rebuilding the app.

ARG DOTNET_VERSION=10.0

# The SDK runs on the build machine's platform and publishes for the target's (docker buildx --platform linux/arm64).
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG TARGETARCH
WORKDIR /src
# Restore from the build files alone, so this layer stays cached until a project or package version changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY build/ build/
COPY src/FlowCollector.Domain/FlowCollector.Domain.csproj src/FlowCollector.Domain/
COPY src/FlowCollector.Sources/FlowCollector.Sources.csproj src/FlowCollector.Sources/
COPY src/FlowCollector.Sinks/FlowCollector.Sinks.csproj src/FlowCollector.Sinks/
COPY src/FlowCollector.State/FlowCollector.State.csproj src/FlowCollector.State/
COPY src/FlowCollector.Worker/FlowCollector.Worker.csproj src/FlowCollector.Worker/
RUN dotnet restore src/FlowCollector.Worker/FlowCollector.Worker.csproj --arch $TARGETARCH
COPY src/ src/
# --arch keeps only the target's native SQLite library and builds the `flowcollector` launcher for it.
RUN dotnet publish src/FlowCollector.Worker/FlowCollector.Worker.csproj --configuration Release --arch $TARGETARCH --self-contained false \
        --no-restore --output /app \
    && mkdir -p /state

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS final
# The working directory holds the state: the default relative paths (data/flowcollector.db, data/points.lp)
# land in /var/lib/flowcollector/data. Mount a volume here; the Helm chart does, and sets absolute paths.
COPY --from=build --chown=1654:1654 /state /var/lib/flowcollector
WORKDIR /var/lib/flowcollector
COPY --from=build /app /app
# The base image's non-root `app` user (UID 1654), numeric so Kubernetes can verify runAsNonRoot.
USER $APP_UID
# /healthz, /readyz and /metrics of `flowcollector run` (its default `urls` is http://0.0.0.0:8080).
EXPOSE 8080
ENTRYPOINT ["/app/flowcollector"]
CMD ["run"]
