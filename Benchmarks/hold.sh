#!/usr/bin/env bash
# The pending-event list alone (Benchmarks/hold/main.swift): CPU seconds for EVENTS (10⁷) pops
# with about 3 to 100,000 events pending, for the binary heap alone, the calendar queue alone
# and the `EventQueue` capsim uses, which switches between them. Median of REPEATS (3).
#
#   Benchmarks/hold.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
events="${EVENTS:-10000000}"
repeats="${REPEATS:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
swiftc -O -wmo -module-name SimKernel -o "$work/hold" "$root"/Sources/SimKernel/*.swift "$here/hold/main.swift"
echo "| load (≈ pending) | binary heap | calendar queue | EventQueue | same order |"
echo "|---:|---:|---:|---:|---|"
for load in 1 10 30 100 1000 10000 100000; do
  row="| $load"
  sums=""
  for structure in heap calendar queue; do
    for ((i = 1; i <= repeats; i++)); do "$work/hold" $structure $load "$events"; done >"$work/runs"
    row+=" | $(awk '{print $4}' "$work/runs" | sort -n | sed -n "$(((repeats + 1) / 2))p") s"
    sums+=" $(awk 'NR==1 {print $3}' "$work/runs")"
  done
  same=$(echo $sums | tr ' ' '\n' | sort -u | wc -l)
  echo "$row | $([[ $same == 1 ]] && echo yes || echo NO) |"
done
