# syntax=docker/dockerfile:1

# DigitApi container images.
#   CPU (default, last stage):  docker build -t digitapi .
#   GPU (CUDA, linux/amd64):    docker build --target gpu -t digitapi:gpu .
# Both run as a non-root user, listen on 8080, write nothing to disk (a read-only root filesystem
# works: DOTNET_EnableDiagnostics=0 keeps the runtime's IPC socket out of /tmp, ORT_DISABLE_TELEMETRY=1
# stops ONNX Runtime from persisting a telemetry device id under ~/.cache, uploads stay in memory)
# and carry the committed models, published with the app into /app/models.
#
# Health: the chiseled CPU image has no shell, curl or wget, so HEALTHCHECK runs the app itself in
# probe mode (exec form, no shell): `dotnet DigitApi.dll --health-probe` GETs /health/ready on the
# loopback port from ASPNETCORE_HTTP_PORTS and exits 0 or 1. Docker and compose use it; Container
# Apps (deploy/main.bicep) and Kubernetes ignore it and probe /health/live and /health/ready over HTTP.

# Image metadata, set by CI (.github/workflows/deploy.yml); the defaults keep local builds working.
ARG IMAGE_VERSION=0.0.0-local
ARG IMAGE_REVISION=unknown
ARG IMAGE_SOURCE=unknown

########## build ##########
# The SDK runs on the build machine's platform and cross-publishes for the target (-a $TARGETARCH).
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS restore-inputs
WORKDIR /src
# Only what restore reads: the restore layers below are reused until a project file or a package
# version changes, not on every source edit.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/DigitApi/DigitApi.csproj src/DigitApi/

FROM restore-inputs AS build
ARG TARGETARCH
RUN dotnet restore src/DigitApi/DigitApi.csproj -a $TARGETARCH
COPY .editorconfig ./
COPY models/ models/
COPY src/ src/
# The csproj publishes models/*.onnx and models/manifest.json next to the app.
RUN dotnet publish src/DigitApi/DigitApi.csproj -c Release -a $TARGETARCH --no-restore -o /app

# The same build with ONNX Runtime's CUDA build for Linux (Microsoft.ML.OnnxRuntime.Gpu.Linux).
FROM restore-inputs AS build-gpu
ARG TARGETARCH
RUN dotnet restore src/DigitApi/DigitApi.csproj -a $TARGETARCH -p:OnnxRuntimeFlavor=Gpu
COPY .editorconfig ./
COPY models/ models/
COPY src/ src/
RUN dotnet publish src/DigitApi/DigitApi.csproj -c Release -a $TARGETARCH --no-restore -p:OnnxRuntimeFlavor=Gpu -o /app

########## gpu: NVIDIA CUDA 13 + cuDNN 9 runtime (what ONNX Runtime 1.32's CUDA provider links) ##########
# Its libonnxruntime_providers_cuda.so needs libcudart.so.13, libcublas.so.13, libcublasLt.so.13 and libcurand.so.10
# (readelf -d) and loads libcudnn.so.9; a CUDA 12 image leaves the provider unloadable. Hosts need an NVIDIA driver
# of the R580 series or later and the NVIDIA Container Toolkit (docker run --gpus all). Without them the service
# stops at startup with a message that names what is missing (Inference__Provider=Auto serves on CPU instead).
# The ASP.NET Core runtime is copied from Microsoft's image of the same Ubuntu release (24.04).
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble AS aspnet-noble

FROM nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04 AS gpu
ARG IMAGE_VERSION
ARG IMAGE_REVISION
ARG IMAGE_SOURCE
ARG APP_UID=1654
LABEL org.opencontainers.image.title="DigitApi (CUDA)" \
      org.opencontainers.image.description="Handwritten-digit recognition REST service, ONNX Runtime on CUDA" \
      org.opencontainers.image.version="${IMAGE_VERSION}" \
      org.opencontainers.image.revision="${IMAGE_REVISION}" \
      org.opencontainers.image.source="${IMAGE_SOURCE}" \
      org.opencontainers.image.base.name="nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04"
# .NET's own dependencies (no ICU: the app runs with invariant globalization), libjpeg-turbo's TurboJPEG
# library for the JPEG decoder (Imaging:JpegDecoder=TurboJpeg below: startup fails without it), and the same
# non-root user id as Microsoft's images (1654), without a home directory.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3t64 libstdc++6 tzdata zlib1g libturbojpeg \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --gid ${APP_UID} app \
    && useradd --uid ${APP_UID} --gid ${APP_UID} --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
COPY --from=aspnet-noble /usr/share/dotnet /usr/share/dotnet
# DOTNET_GCgen0size: a 16 MB gen-0 budget (docs/decisions/gc-settings.md): fewer collections and no page faults on
# re-committed gen-0 memory; 15-30 % less CPU per small request on 2 cores. An environment-only setting.
ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_GCgen0size=0x1000000 \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true \
    DOTNET_EnableDiagnostics=0 \
    ORT_DISABLE_TELEMETRY=1 \
    ASPNETCORE_HTTP_PORTS=8080 \
    Inference__Provider=Cuda \
    Imaging__JpegDecoder=TurboJpeg \
    RateLimiting__Enabled=true
WORKDIR /app
COPY --from=build-gpu /app .
USER ${APP_UID}
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --start-interval=2s --retries=3 \
    CMD ["/usr/share/dotnet/dotnet", "/app/DigitApi.dll", "--health-probe"]
ENTRYPOINT ["/usr/share/dotnet/dotnet", "DigitApi.dll"]

########## libjpeg-turbo's TurboJPEG library for the default image ##########
# The chiseled image has no package manager: Ubuntu 24.04's own build (the release that image is cut from),
# for the target platform, is copied in from here. The app loads it from its own folder (Imaging/TurboJpeg).
FROM ubuntu:24.04 AS turbojpeg
RUN apt-get update \
    && apt-get install -y --no-install-recommends libturbojpeg \
    && mkdir /turbojpeg \
    && cp -L /usr/lib/*-linux-gnu/libturbojpeg.so.0 /turbojpeg/ \
    && rm -rf /var/lib/apt/lists/*

########## runtime (default): chiseled ASP.NET Core, CPU ##########
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble-chiseled AS runtime
ARG IMAGE_VERSION
ARG IMAGE_REVISION
ARG IMAGE_SOURCE
LABEL org.opencontainers.image.title="DigitApi" \
      org.opencontainers.image.description="Handwritten-digit recognition REST service, ONNX Runtime on CPU" \
      org.opencontainers.image.version="${IMAGE_VERSION}" \
      org.opencontainers.image.revision="${IMAGE_REVISION}" \
      org.opencontainers.image.source="${IMAGE_SOURCE}" \
      org.opencontainers.image.base.name="mcr.microsoft.com/dotnet/aspnet:10.0.12-noble-chiseled"
# DOTNET_GCgen0size: the 16 MB gen-0 budget, as in the gpu stage above. Imaging__JpegDecoder=TurboJpeg: the
# library copied below is required (startup fails without it rather than decode JPEG the slower way).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_EnableDiagnostics=0 \
    DOTNET_GCgen0size=0x1000000 \
    ORT_DISABLE_TELEMETRY=1 \
    Inference__Provider=Cpu \
    Imaging__JpegDecoder=TurboJpeg \
    RateLimiting__Enabled=true
WORKDIR /app
# Owned by root and read-only for the app user: the service never writes next to itself.
COPY --from=build /app .
COPY --from=turbojpeg /turbojpeg/libturbojpeg.so.0 ./
# APP_UID (1654, user "app") is defined by Microsoft's .NET images.
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --start-interval=2s --retries=3 \
    CMD ["dotnet", "/app/DigitApi.dll", "--health-probe"]
ENTRYPOINT ["dotnet", "DigitApi.dll"]
