#!/bin/bash
# Prepares .device/ for one measuring call on a lent GPU machine (see ../shared/device/README.md):
# Node, Dawn and the Vulkan loader (the shared pack.sh), the bench bundled into one ESM file with
# `webgpu` left external, the PyTorch anchor and the script that runs both there.
# Usage, from the project root after `npm ci`:  bash deploy/gpu/prepare.sh [path/to/shared/device]
# Then, on the GPU machine:                    bash .device/measure.sh
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
shared=${1:-../shared/device}
[ -f "$shared/pack.sh" ] || { echo "no $shared/pack.sh: pass the shared device folder as the first argument" >&2; exit 1; }
bash "$shared/pack.sh"
npx esbuild src/cli/bench.ts --bundle --platform=node --format=esm --external:webgpu --log-level=warning \
  --outfile=.device/bench.mjs \
  --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);"
cp deploy/gpu/measure.sh deploy/gpu/torch_anchor.py .device/
du -sh .device
