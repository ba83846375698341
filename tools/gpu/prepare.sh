#!/usr/bin/env bash
# Prepares what tools/gpu/host.sh carries to a GPU host (see docs/PERFORMANCE.md "How the GPU numbers
# are made"), and says how to send it within the 64 MiB a call may carry:
#   .gpu-kit/   node.xz, ort-cuda-sm90.tar.xz, on-gpu.sh       (../shared/gpu/pack.sh; packed once)
#   .gpu-run/   app/ (the glimpse CLI bundle, its workers and launcher), natives.tar.xz (sharp,
#               better-sqlite3, hnswlib-node for linux-x64 / Node 20), tokenizer.json,
#               glimpse_gpu_jpeg.node (our nvJPEG addon), resources/clip-bpe (for the builder)
# Both folders are git-ignored. usage: tools/gpu/prepare.sh [--run-only] [SHARED_GPU_DIR]
#   --run-only: only .gpu-run (enough for a dry run: CONFIG=tiny PROVIDER=cpu tools/gpu/host.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
run_only=false
[ "${1:-}" = --run-only ] && { run_only=true; shift; }
shared=${1:-../shared/gpu}
if ! $run_only; then
  [ -f .gpu-kit/node.xz ] && [ -f .gpu-kit/ort-cuda-sm90.tar.xz ] || bash "$shared/pack.sh" .gpu-kit
fi
rm -rf .gpu-run
mkdir -p .gpu-run
node tools/build-cli.mjs --outdir .gpu-run/app >/dev/null
rm -f .gpu-run/app/*.map # source maps are not needed there and are the bulk of the bundle
npx tsx tools/clip-tokenizer/build.ts --out .gpu-run/tokenizer.json
# onnxruntime-node comes from the kit (with the CUDA provider); the other native modules from here.
tar -C node_modules -cJf .gpu-run/natives.tar.xz \
  sharp @img/colour @img/sharp-linux-x64 @img/sharp-libvips-linux-x64 detect-libc semver \
  better-sqlite3/package.json better-sqlite3/lib better-sqlite3/build/Release/better_sqlite3.node \
  bindings file-uri-to-path hnswlib-node/package.json hnswlib-node/lib hnswlib-node/build/Release/addon.node
# Our nvJPEG addon (N-API: the same binary runs under the kit's node); built by npm ci's postinstall.
addon=addons/gpu-jpeg/build/Release/glimpse_gpu_jpeg.node
if [ -f "$addon" ]; then cp "$addon" .gpu-run/; else echo "  (no $addon: run npm run setup:gpu-jpeg; GPU decoding goes unmeasured)"; fi
# The builder writes the twin's tokenizer.json from CLIP's vocabulary, looked for in ../resources of the app.
mkdir -p .gpu-run/resources && cp -r resources/clip-bpe .gpu-run/resources/
du -sh .gpu-kit/* .gpu-run/* 2>/dev/null | sed 's/^/  /' || true # .gpu-kit is absent with --run-only
$run_only && exit 0

limit=$((64 * 1024 * 1024))
bytes() { du -sb "$@" | awk '{ s += $1 } END { print s }'; }
all=$(bytes .gpu-kit/node.xz .gpu-kit/ort-cuda-sm90.tar.xz .gpu-kit/on-gpu.sh .gpu-run)
echo "carry in all: $((all / 1024 / 1024)) MiB of 64"
if [ "$all" -le "$limit" ]; then
  echo "one call:  tools/gpu/host.sh   carry: .gpu-kit .gpu-run"
else
  first=$(bytes .gpu-kit/node.xz .gpu-run)
  second=$(bytes .gpu-kit/ort-cuda-sm90.tar.xz .gpu-kit/on-gpu.sh)
  echo "over 64 MiB: stage part of it first (a few seconds on the machine), then measure:"
  echo "  1. tools/gpu/host.sh --stage   carry: .gpu-kit/node.xz .gpu-run   ($((first / 1024 / 1024)) MiB)"
  echo "  2. tools/gpu/host.sh           carry: .gpu-kit/ort-cuda-sm90.tar.xz .gpu-kit/on-gpu.sh   ($((second / 1024 / 1024)) MiB)"
  [ "$first" -le "$limit" ] && [ "$second" -le "$limit" ] || echo "  (and one of those is still over 64 MiB: split further)"
fi
