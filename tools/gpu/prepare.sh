#!/usr/bin/env bash
# Prepares the two carries for a GPU host run (see docs/PERFORMANCE.md "How the GPU numbers are made"):
#   .gpu-kit/   node.xz, ort-cuda-sm90.tar.xz, on-gpu.sh      (../shared/gpu/pack.sh; packed once)
#   .gpu-run/   app/ (the glimpse CLI bundle and its workers), natives.tar.xz (sharp, better-sqlite3,
#               hnswlib-node for linux-x64 / Node 20), tokenizer.json
# Both folders are git-ignored. usage: tools/gpu/prepare.sh [SHARED_GPU_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${1:-../shared/gpu}
[ -f .gpu-kit/node.xz ] && [ -f .gpu-kit/ort-cuda-sm90.tar.xz ] || bash "$shared/pack.sh" .gpu-kit
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
du -sh .gpu-kit/* .gpu-run/* | sed 's/^/  /'
