#!/usr/bin/env bash
# Builds fusiongate's images with buildah (no Docker engine needed), from the Dockerfile at the
# repository root. Usage: scripts/images/build.sh [target...]   (default: api worker)
#
#   BASE_IMAGE   base to build on; default: the local Debian + Node.js base made by make-base.sh
#                (this machine has no image registry to pull node:24-bookworm-slim from)
#   IMAGE_TAG    tag of the images (default: dev) → localhost/fusiongate-<target>:<tag>
#   CUDA_BASE_IMAGE, ORT_CUDA_INSTALL   for worker-cuda; with the local base (no registry, no
#                NuGet feed) they default to that base and `skip`: the image is built whole but
#                without NVIDIA's libraries and onnxruntime's CUDA provider, so it runs on the CPU
#
# Layers are cached in podman's storage (buildah --layers), npm downloads in a cache mount, so a
# rebuild with unchanged package-lock.json only recompiles and copies the application.
set -euo pipefail
cd "$(dirname "$0")/../.."

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(api worker)
tag="${IMAGE_TAG:-dev}"
base="${BASE_IMAGE:-$(bash scripts/images/make-base.sh | tail -n1)}"
# This machine refuses the container runtime's default (raised) limits; stay below the host's.
limits=(--ulimit "nofile=16384:16384" --ulimit "nproc=8192:8192")
version="$(node -p 'require("./package.json").version')"
revision="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

for target in "${targets[@]}"; do
  image="localhost/fusiongate-$target:$tag"
  started=$(date +%s)
  printf '[images] building %s (base %s)\n' "$image" "$base" >&2
  extra=()
  if [ "$target" = worker-cuda ] && [ -z "${BASE_IMAGE:-}" ]; then
    extra=(--build-arg "CUDA_BASE_IMAGE=${CUDA_BASE_IMAGE:-$base}" --build-arg "ORT_CUDA_INSTALL=${ORT_CUDA_INSTALL:-skip}")
  elif [ "$target" = worker-cuda ]; then
    extra=(--build-arg "CUDA_BASE_IMAGE=${CUDA_BASE_IMAGE:-nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04}"
      --build-arg "ORT_CUDA_INSTALL=${ORT_CUDA_INSTALL:-cuda12}")
  fi
  nice buildah build --layers --format docker --network host "${limits[@]}" "${extra[@]}" \
    --build-arg "BASE_IMAGE=$base" --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
    --target "$target" --tag "$image" --file Dockerfile . >&2
  size="$(podman image inspect "$image" --format '{{.Size}}')"
  printf '[images] %s built in %d s, %d MB\n' "$image" $(($(date +%s) - started)) $((size / 1000000)) >&2
done
