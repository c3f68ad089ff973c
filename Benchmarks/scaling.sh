#!/usr/bin/env bash
# How capsim's cost per event changes with the size of the design and the load: kernel events per
# CPU second (user time of the whole process, from /usr/bin/time) for
#   1. fleets of 10 to 10,000 single-worker instances behind power-of-two choices and behind
#      least-outstanding, at ρ = 0.9;
#   2. 100 instances behind least-outstanding from ρ = 0.5 to ρ = 0.98, with a client timeout on
#      every request (a pending timer per request in flight) and without.
# Every run simulates about CUSTOMERS (1,000,000) requests, so start-up is a small share.
#
#   Benchmarks/scaling.sh              # REPEATS=3, CAPSIM=.build/release/capsim
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
capsim="${CAPSIM:-$root/.build/release/capsim}"
repeats="${REPEATS:-3}"
customers="${CUSTOMERS:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# scenario: N instances of one worker, exponential service of mean 10 ms, Poisson arrivals at
# ρ × N × 100/s, the horizon giving `customers` arrivals.
run() { # policy instances rho timeout(or -)
  local policy=$1 n=$2 rho=$3 timeout=$4
  local rate horizon
  rate=$(python3 -c "print($rho * $n * 100)")
  horizon=$(python3 -c "print(round($customers / ($rho * $n * 100), 3))")
  {
    echo "version: 1"
    echo "name: scaling"
    echo "horizon: ${horizon}s"
    echo "warmup: 0s"
    echo "replications: 1"
    echo "seed: 7"
    echo "workload:"
    echo "  arrivals: {process: poisson, rate: ${rate}/s}"
    if [[ $timeout != - ]]; then
      echo "  classes: [{name: users, path: [pool], client: {timeout: $timeout}}]"
    fi
    echo "components:"
    echo "  pool: {kind: server_pool, instances: $n, workers: 1, queue: unlimited, balance: $policy,"
    echo "         service: {exponential: {mean: 10ms}}}"
  } >"$work/s.yaml"
  local best=""
  for ((i = 1; i <= repeats; i++)); do
    /usr/bin/time -f %U -o "$work/time" "$capsim" run "$work/s.yaml" -q --json "$work/r.json"
    local cpu events
    cpu=$(tail -1 "$work/time")
    events=$(python3 -c "import json; print(json.load(open('$work/r.json'))['events'])")
    echo "$events $cpu" >>"$work/runs"
  done
  python3 - "$work/runs" "$policy" "$n" "$rho" "$timeout" <<'PY'
import statistics, sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
rates = [e / c for e, c in rows]
print(f"| {sys.argv[2]} | {int(sys.argv[3])} | {sys.argv[4]} | {sys.argv[5]} | {int(rows[0][0]):,} | "
      f"{statistics.median(c for _, c in rows):.2f} | {statistics.median(rates) / 1e6:.2f} M |")
PY
  rm -f "$work/runs"
}

echo "| balance | instances | ρ | client timeout | kernel events | CPU s (median) | events/s (median) |"
echo "|---|---:|---:|---|---:|---:|---:|"
for policy in power_of_two least_outstanding; do
  for n in 10 100 1000 10000; do run $policy $n 0.9 -; done
done
for rho in 0.5 0.7 0.9 0.95 0.98; do run least_outstanding 100 $rho -; done
for rho in 0.5 0.7 0.9 0.95 0.98; do run least_outstanding 100 $rho 2s; done
