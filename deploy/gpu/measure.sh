#!/bin/bash
# Runs on the GPU machine, from the project root, with .device/ carried along (deploy/gpu/prepare.sh
# made it): the bench (ours vs stock tfjs kernels, ResNet-20 at batch 128 and 512, the same-loss
# check before any timing) and the PyTorch anchor (eager fp32, TF32 off and on) in one call, so
# the ratios come from one machine and one session. Everything lands in $OUT (default .device/out).
# Usage: bash .device/measure.sh [bench seconds, default 330] [anchor seconds, default 150]
# BENCH_ARGS overrides the bench's flags (e.g. a tiny model to try the script on SwiftShader).
set -u
out=${OUT:-.device/out}
bench_args=${BENCH_ARGS:---depth 20 --batch 128,512 --steps 20 --warmup 3 --micro-batch 128}
mkdir -p "$out"
(nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv) > "$out/gpu.txt" 2>&1
# shellcheck disable=SC2086  # bench_args is a list of flags
timeout "${1:-330}" bash .device/run.sh bench.mjs $bench_args --json "$out/bench.json" > "$out/bench.txt" 2>&1
echo "bench exit $?" >> "$out/bench.txt"
timeout "${2:-150}" python3 .device/torch_anchor.py > "$out/torch.jsonl" 2> "$out/torch.err"
echo "anchor exit $?" >> "$out/torch.err"
cat "$out/gpu.txt"; grep -A12 '^model ' "$out/bench.txt"; tail -3 "$out/bench.txt"; cat "$out/torch.jsonl"; tail -3 "$out/torch.err"
