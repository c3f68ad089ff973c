#!/bin/bash
# Submits a capsim run to Slurm as a job array of SHARDS shards and a merge job that starts once
# every shard has succeeded (afterok), then prints the two job ids.
#
#   deploy/slurm/submit.sh OUT_DIR SCENARIO.yaml [capsim run options…] [-- capsim merge options…]
#   SHARDS=16 deploy/slurm/submit.sh shards/ Scenarios/mmc.yaml --sweep components.pool.workers=8,9,10 \
#       -- --csv results.csv --json results.json
#
# SHARDS defaults to 8 (at most the number of tasks is useful: see `capsim tasks`). Extra sbatch
# options (partition, account, time limit) go in SBATCH_ARGS, e.g. SBATCH_ARGS="-p short -t 30".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ "$#" -lt 2 ]; then
    echo "usage: $0 OUT_DIR SCENARIO.yaml [capsim run options…] [-- capsim merge options…]" >&2
    exit 64
fi
out=$1
shift
run=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
    run+=("$1")
    shift
done
[ "$#" -gt 0 ] && shift  # the "--"
shards=${SHARDS:-8}
mkdir -p "$out"
# shellcheck disable=SC2086  # SBATCH_ARGS is a list of options
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array="0-$((shards - 1))" --output="$out/shard-%a.log" \
    "$here/capsim-shard.sbatch" "$out" "${run[@]}")
array=${array%%;*}  # "id;cluster" on a federation
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency="afterok:$array" --output="$out/merge.log" \
    "$here/capsim-merge.sbatch" "$out" "$@")
echo "shards: job array $array (${shards} tasks); merge: job ${merge%%;*} (after every shard succeeded)"
