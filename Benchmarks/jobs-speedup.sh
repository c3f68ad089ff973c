#!/usr/bin/env bash
# --jobs K against --jobs 1 on this machine: wall time and CPU time (user + system) of whole
# `capsim run` processes, median of REPEATS (3) runs each, the two settings alternating so that
# other load hits both alike. Prints a Markdown table row per scenario and K.
#
#   Benchmarks/jobs-speedup.sh                       # three-tier and mm1, 4 and 10 replications, K = 2
#   JOBS=2 REPEATS=5 Benchmarks/jobs-speedup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
capsim=${CAPSIM:-.build/release/capsim}
repeats=${REPEATS:-3}
jobs=${JOBS:-2}
[ -x "$capsim" ] || { echo "no capsim at $capsim: swift build -c release first" >&2; exit 1; }

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# One timed run: "wall cpu" in seconds.
timed() {
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$capsim" run "$@" -q --csv /dev/null
    awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$tmp/time"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
echo
echo "| scenario | replications | wall, --jobs 1 | wall, --jobs $jobs | speed-up (wall) | CPU, --jobs 1 | CPU, --jobs $jobs | CPU ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for case in "three-tier.yaml 4" "three-tier.yaml 10" "mm1.yaml 4"; do
    set -- $case
    file=Scenarios/$1
    reps=$2
    : >"$tmp/one"
    : >"$tmp/many"
    for _ in $(seq "$repeats"); do
        timed "$file" --replications "$reps" --jobs 1 >>"$tmp/one"
        timed "$file" --replications "$reps" --jobs "$jobs" >>"$tmp/many"
    done
    w1=$(cut -d' ' -f1 "$tmp/one" | median)
    wk=$(cut -d' ' -f1 "$tmp/many" | median)
    c1=$(cut -d' ' -f2 "$tmp/one" | median)
    ck=$(cut -d' ' -f2 "$tmp/many" | median)
    echo "| $1 | $reps | $w1 s | $wk s | $(awk "BEGIN { printf \"%.2f×\", $w1 / $wk }") | $c1 s | $ck s | $(awk "BEGIN { printf \"%.2f\", $ck / $c1 }") |"
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
