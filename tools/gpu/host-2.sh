#!/usr/bin/env bash
# GPU host, second call (carries .gpu-kit/ort-cuda-sm90.tar.xz + on-gpu.sh): installs the CUDA build of
# onnxruntime-node, checks the exported bundle on the GPU against the torch reference, and runs
# `glimpse bench gpu`. usage (from the repo root): tools/gpu/host-2.sh     env: PROVIDER=cuda|cpu
set -uo pipefail
out=${OUT:-/tmp/run/out}
run=/tmp/run
target=${PROVIDER:-cuda}
mkdir -p "$out"
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 ))s] $*"; }
[ -d "$run/model" ] && [ -d "$run/photos" ] || { echo "no /tmp/run from the first call: run host-1.sh first"; exit 2; }

stamp "onnxruntime-node for $target"
if [ "$target" = cuda ]; then
  bash .gpu-kit/on-gpu.sh .gpu-kit >"$out/on-gpu.log" 2>&1 || { stamp "on-gpu.sh failed"; tail -20 "$out/on-gpu.log"; }
  # shellcheck disable=SC1091
  . /tmp/gpu-kit/env.sh
  ln -sfn /tmp/gpu-kit/node_modules/onnxruntime-node "$run/app/node_modules/onnxruntime-node"
  ln -sfn /tmp/gpu-kit/node_modules/onnxruntime-common "$run/app/node_modules/onnxruntime-common"
  tail -3 "$out/on-gpu.log"
  ldd /tmp/gpu-kit/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so >"$out/ldd-cuda-provider.txt" 2>&1
  echo "$LD_LIBRARY_PATH" >>"$out/ldd-cuda-provider.txt"
else
  # A dry run on a development machine: its own onnxruntime-node (CPU).
  ln -sfn "$PWD/node_modules/onnxruntime-node" "$run/app/node_modules/onnxruntime-node"
  ln -sfn "$PWD/node_modules/onnxruntime-common" "$run/app/node_modules/onnxruntime-common"
fi
node=$(command -v node || echo /tmp/gpu-kit/bin/node)
export UV_THREADPOOL_SIZE=$(( $(nproc) + 4 ))
glimpse() { "$node" "$run/app/glimpse.mjs" --model "$run/model" "$@"; }

stamp "bundle check on $target"
NODE_PATH=${NODE_PATH:-$run/app/node_modules} "$node" tools/export/check_bundle.mjs "$run/model" --provider "$target" --batches 1,8 \
  >"$out/check-bundle.log" 2>&1 || stamp "bundle check failed"
tail -2 "$out/check-bundle.log"

stamp "doctor"
glimpse doctor --json >"$out/doctor.json" 2>"$out/doctor.log" || stamp "doctor failed"

stamp "bench $target"
if [ "$target" = cuda ]; then sizes=${BATCHES:-32,64,128,256}; tgt=gpu; else sizes=${BATCHES:-4,8}; tgt=cpu; fi
if command -v nvidia-smi >/dev/null; then
  # The GPU panel's query under load, every 500 ms: a fixture for the parser and a trace of the run.
  nvidia-smi --query-gpu=index,name,uuid,driver_version,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,power.limit,clocks.sm,clocks.max.sm \
    --format=csv,noheader,nounits -lms 500 >"$out/nvidia-smi-during-bench.csv" 2>&1 &
  smi=$!
fi
glimpse bench "$tgt" --images "$run/photos" --batch-sizes "$sizes" --seconds "${SECONDS_PER:-6}" --json \
  >"$out/bench-$tgt.json" 2>"$out/bench-$tgt.log" || stamp "bench failed"
[ -n "${smi:-}" ] && kill "$smi" 2>/dev/null
tail -5 "$out/bench-$tgt.log"
stamp "done"
