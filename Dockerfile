# syntax=docker/dockerfile:1.7
# fusiongate images. Targets:
#   api          the HTTP API (default target)            docker build --target api -t fusiongate-api .
#   worker       the fusion worker, CPU inference         docker build --target worker -t fusiongate-worker .
#   worker-cuda  the fusion worker on onnxruntime's CUDA provider (NVIDIA GPU nodes)
# Build arguments: BASE_IMAGE (a Debian-based Node.js image), CUDA_BASE_IMAGE (NVIDIA CUDA 12 +
# cuDNN 9 runtime), ORT_CUDA_INSTALL (cuda12, or skip), VERSION, REVISION, CREATED (OCI labels).
# Migrations never run on start: `docker run --rm <api image> fusiongate migrate` (README "Deploy").

ARG BASE_IMAGE=node:24-bookworm-slim
ARG CUDA_BASE_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

# ---- os: the base plus tini (PID 1) and an unprivileged user ----------------------------------
FROM ${BASE_IMAGE} AS os
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
 && groupadd --system --gid 10001 fusiongate \
 && useradd --system --uid 10001 --gid fusiongate --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin fusiongate

# ---- deps: production dependencies only -------------------------------------------------------
FROM os AS deps
WORKDIR /app
# onnxruntime-node bundles its CPU provider; the CUDA provider is fetched by the ort-cuda stage.
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund \
 && arch="$(node -p process.arch)" \
 && cd node_modules/onnxruntime-node/bin/napi-v6 \
 && rm -rf darwin win32 \
 && find linux -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} + \
 && cd /app \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
      -o -name '*.md' -o -name '*.markdown' \) -delete \
 && rm -rf node_modules/@ffmpeg-installer node_modules/@ffprobe-installer

# ---- build: compile TypeScript (dev dependencies stay in this stage) ---------------------------
FROM os AS build
WORKDIR /src
ENV ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json .swcrc.json ormconfig.ts ./
COPY scripts/build.mjs scripts/build.mjs
COPY apps apps
COPY libs libs
COPY src src
RUN node scripts/build.mjs \
 && find dist -name '*.map' -delete

# ---- runtime: what the api and worker images share ---------------------------------------------
FROM os AS runtime
LABEL org.opencontainers.image.vendor="fusiongate" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.documentation="README.md#deploy"
# Video jobs use the distribution's ffmpeg and ffprobe (the registry's static binaries, which
# `npm start` uses, are removed from node_modules above).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log
# No package manager at run time.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && mkdir -p /data \
 && chown fusiongate:fusiongate /data
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /src/dist/apps dist/apps
COPY --from=build /src/dist/libs dist/libs
COPY --from=build /src/dist/src dist/src
COPY package.json ./
COPY scripts/images/fusiongate /usr/local/bin/fusiongate
# The root filesystem can be read-only: fusiongate writes only under DATA_DIR (a volume) and /tmp.
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3000 \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    FFPROBE_PATH=/usr/bin/ffprobe
VOLUME ["/data"]
USER 10001:10001
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]

# ---- worker: CPU inference ---------------------------------------------------------------------
FROM runtime AS worker
ENV WORKER_METRICS_PORT=9464
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.WORKER_METRICS_PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/worker/src/main.js"]
# Build-specific labels last, so a new revision does not invalidate the layers above.
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="fusiongate-worker" \
      org.opencontainers.image.description="fusiongate fusion worker (CPU inference)." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"

# ---- ort-cuda: onnxruntime-node's CUDA 12 provider (downloaded from its NuGet feed) -------------
# ORT_CUDA_INSTALL=skip builds the image without it (where the feed cannot be reached): such a
# worker logs that CUDA is unavailable and runs on the CPU.
FROM deps AS ort-cuda
ARG ORT_CUDA_INSTALL=cuda12
RUN if [ "$ORT_CUDA_INSTALL" = skip ]; then \
      echo "onnxruntime CUDA provider not installed (ORT_CUDA_INSTALL=skip)"; \
    else \
      ONNXRUNTIME_NODE_INSTALL="$ORT_CUDA_INSTALL" node node_modules/onnxruntime-node/script/install.js \
      && ls node_modules/onnxruntime-node/bin/napi-v6/linux/*/libonnxruntime_providers_cuda.so; \
    fi

# ---- worker-cuda: the worker on NVIDIA's CUDA + cuDNN runtime ----------------------------------
FROM ${CUDA_BASE_IMAGE} AS worker-cuda
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates ffmpeg \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 fusiongate \
 && useradd --system --uid 10001 --gid fusiongate --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin fusiongate \
 && mkdir -p /data \
 && chown fusiongate:fusiongate /data
COPY --from=os /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=ort-cuda /app/node_modules node_modules
COPY --from=build /src/dist/apps dist/apps
COPY --from=build /src/dist/libs dist/libs
COPY --from=build /src/dist/src dist/src
COPY package.json ./
COPY scripts/images/fusiongate /usr/local/bin/fusiongate
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    WORKER_METRICS_PORT=9464 \
    FFMPEG_PATH=/usr/bin/ffmpeg \
    FFPROBE_PATH=/usr/bin/ffprobe \
    INFERENCE_EXECUTION_PROVIDER=cuda \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
VOLUME ["/data"]
EXPOSE 9464
USER 10001:10001
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.WORKER_METRICS_PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/worker/src/main.js"]
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="fusiongate-worker-cuda" \
      org.opencontainers.image.description="fusiongate fusion worker on onnxruntime's CUDA provider." \
      org.opencontainers.image.vendor="fusiongate" \
      org.opencontainers.image.licenses="UNLICENSED" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"

# ---- api (last, so a plain `docker build .` makes it) ------------------------------------------
FROM runtime AS api
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="fusiongate-api" \
      org.opencontainers.image.description="fusiongate HTTP API: identity, organizations, permissions, model registry, audit, fusion jobs." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"
