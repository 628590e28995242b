#!/bin/bash
# An ablation plan split over a Slurm job array of 4 GPU tasks: task i runs part i+1 of 4
# (`--shard auto` reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT). Each task writes its own
# export, with its epoch checkpoints beside it; a pre-empted or requeued task starts again with
# the same command and resumes from its last epoch checkpoint. When all are done:
#   npm run ablate -- merge results/part-*.json --out merged.json   # one file for the lab's Import
#
#   sbatch deploy/ablate-slurm.sh            (from the project root, after npm ci)
#SBATCH --job-name=trick-lab-ablate
#SBATCH --array=0-3
#SBATCH --gres=gpu:1
#SBATCH --cpus-per-task=4
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --signal=B:TERM@120
#SBATCH --output=results/ablate-%A_%a.log
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"
mkdir -p results
PLAN=${PLAN:-plan.json}
DATA=${DATA:-public/datasets/cifar-10-binary.tar.gz}

# Dawn reaches the GPU through Vulkan: libvulkan1 and the driver's Vulkan ICD must be installed on
# the nodes (or run the image of deploy/Dockerfile: apptainer exec --nv docker://…/trick-lab …).
# exec, so Slurm's SIGTERM reaches Node, which stops after its step and keeps the checkpoint.
exec node_modules/.bin/tsx src/cli/ablate.ts --plan "$PLAN" --data "$DATA" --shard auto \
  --out "results/part-${SLURM_ARRAY_TASK_ID}.json"
