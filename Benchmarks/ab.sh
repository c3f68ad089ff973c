#!/usr/bin/env bash
# Two capsim binaries side by side, in one run: user CPU time of the same runs, alternating
# the binaries so that the machine's drift hits both alike, and a check that both wrote the
# same JSON report byte for byte (a speed change must not move any output).
#
#   BEFORE=/tmp/capsim-old AFTER=.build/release/capsim Benchmarks/ab.sh
#
# Settings: REPEATS (3; the medians are printed), QUICK=1 (10× shorter runs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
before="${BEFORE:?BEFORE=path of the old capsim binary}"
after="${AFTER:-$root/.build/release/capsim}"
repeats="${REPEATS:-3}"
if [[ "${QUICK:-0}" == 1 ]]; then scale=10; else scale=1; fi

# model | scenario | horizon (s): ≈ 10 M kernel events each for the queues, ≈ 6.7 M for the tandem,
# ≈ 2.0 M each for three-tier and for three-tier with failures, health checks and autoscaling.
runs=(
  "mm1|Scenarios/mm1.yaml|$((5556 / scale))"
  "mm8|Scenarios/mmc.yaml|$((695 / scale))"
  "tandem|Scenarios/tandem.yaml|$((2790 / scale))"
  "three-tier|Scenarios/three-tier.yaml|$((200 / scale))"
  "three-tier-operated|Benchmarks/scenarios/three-tier-operated.yaml|$((200 / scale))"
)

[[ -x /usr/bin/time ]] || { echo "ab.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "| model | kernel events | CPU s, before | CPU s, after | after / before (CPU) | same JSON |"
echo "|---|---:|---:|---:|---:|---|"
for entry in "${runs[@]}"; do
  IFS='|' read -r model file horizon <<<"$entry"
  : >"$work/before.times"
  : >"$work/after.times"
  for ((i = 1; i <= repeats; i++)); do
    for side in before after; do
      binary="$before"
      [[ "$side" == after ]] && binary="$after"
      (cd "$root" && /usr/bin/time -f %U -a -o "$work/$side.times" "$binary" run "$file" \
        --set "horizon=${horizon}s" --set warmup=0s --replications 1 -q --json "$work/$side.json")
    done
  done
  same=yes
  cmp -s "$work/before.json" "$work/after.json" || same=NO
  python3 - "$work" "$model" "$same" <<'PY'
import json, statistics, sys
work, model, same = sys.argv[1:]
b = statistics.median(float(x) for x in open(f"{work}/before.times").read().split())
a = statistics.median(float(x) for x in open(f"{work}/after.times").read().split())
events = json.load(open(f"{work}/after.json"))["events"]
print(f"| {model} | {events:,} | {b:.2f} | {a:.2f} | {a / b:.3f} | {same} |")
PY
done
