#!/usr/bin/env bash
# GPU host, first call (carries .gpu-kit/node.xz and .gpu-run): records the card, unpacks node and the
# app, generates photo-like JPEGs, exports a random-weight ViT-H/14 FP16 bundle (same FLOPs as the
# trained model) and runs the PyTorch FP16 baseline. Everything lands in /tmp/run for the second call.
# usage (from the repo root): tools/gpu/host-1.sh        env: CONFIG=vit-h-14|tiny PHOTOS=500 MP=12
set -uo pipefail
export PYTHONUNBUFFERED=1
out=${OUT:-/tmp/run/out}
run=/tmp/run
config=${CONFIG:-vit-h-14}
mkdir -p "$out" "$run/app/node_modules" /tmp/gpu-kit/bin
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }

stamp "card"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi >"$out/nvidia-smi.txt" 2>&1
  nvidia-smi --version >>"$out/nvidia-smi.txt" 2>&1
  # The exact query Glimpse's GPU panel runs (src/core/gpu/nvidia-smi.ts), captured as a test fixture.
  nvidia-smi --query-gpu=index,name,uuid,driver_version,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,power.limit,clocks.sm,clocks.max.sm \
    --format=csv,noheader,nounits >"$out/nvidia-smi-query.csv" 2>&1
fi
nproc >"$out/nproc.txt"; python3 -c 'import torch,sys; print(sys.version.split()[0], torch.__version__)' >>"$out/nproc.txt" 2>&1

stamp "node and the app"
[ -x /tmp/gpu-kit/bin/node ] || { xz -dc .gpu-kit/node.xz >/tmp/gpu-kit/bin/node && chmod +x /tmp/gpu-kit/bin/node; }
cp -r .gpu-run/app/. "$run/app/"
tar -xJf .gpu-run/natives.tar.xz -C "$run/app/node_modules"
node=/tmp/gpu-kit/bin/node

stamp "photos (background)"
( UV_THREADPOOL_SIZE=$(( $(nproc) + 4 )) "$node" "$run/app/glimpse.mjs" bench photos --out "$run/photos" \
    --count "${PHOTOS:-500}" --megapixels "${MP:-12}" >"$out/photos.log" 2>&1 ) &
photos=$!

stamp "pytorch baseline"
if [ "$config" = tiny ]; then dev=(--device cpu --config tiny --batches 4,8); else dev=(); fi
python3 tools/gpu/pytorch_bench.py "${dev[@]}" >"$out/pytorch-bench.json" 2>"$out/pytorch-bench.log" || stamp "pytorch bench failed"

stamp "export $config fp16"
python3 -m tools.export --random-weights --config "$config" --dtype float16 --out "$run/model" \
  --tokenizer .gpu-run/tokenizer.json >"$out/export.log" 2>&1 || stamp "export failed"

wait "$photos" || stamp "photos failed"
stamp "done"; ls -la "$run" "$run/model" 2>&1 | head -30; du -sh "$run/photos" 2>&1
