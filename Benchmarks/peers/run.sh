#!/usr/bin/env bash
# capsim against SimPy, Ciw and a hand-written C loop (reference.c) on the same three models
# (M/M/1, M/M/8, 3-station tandem). The C loop runs twice: with its own xoshiro256** draws, and
# drawing from Philox4x32-10 streams seated as capsim's are ("reference-philox"), which prices
# capsim's keyed random streams apart from the rest of capsim.
#
#   Benchmarks/peers/run.sh            # full run: ~4 min of CPU on top of the venv set-up
#   QUICK=1 Benchmarks/peers/run.sh    # smoke run with 10x fewer customers
#
# Speed is station events (one arrival at or one departure from a station: 2 per customer per
# station visited) per second of CPU time, the median of REPEATS runs. The peers time the run
# alone with time.process_time(); capsim is timed as a whole process (user time from
# /usr/bin/time), start-up and scenario parsing included, which only counts against it.
# Environment: PEER_CUSTOMERS (200000), CIW_CUSTOMERS (= PEER_CUSTOMERS), REPEATS (3),
# CAPSIM (path of the capsim binary; built with `swift build -c release` when missing).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
repeats="${REPEATS:-3}"
if [[ "${QUICK:-0}" == 1 ]]; then scale=10; else scale=1; fi
peer_customers="${PEER_CUSTOMERS:-$((200000 / scale))}"
ciw_customers="${CIW_CUSTOMERS:-$peer_customers}"
capsim="${CAPSIM:-$root/.build/release/capsim}"

# model | scenario file | stations visited | capsim horizon (s) giving >= 10 M station events
models=(
  "mm1|mm1.yaml|1|$((5556 / scale))"     # 900/s    x 5556 s = 5.0 M customers x 2 = 10.0 M events
  "mm8|mmc.yaml|1|$((695 / scale))"      # 7200/s   x  695 s = 5.0 M customers x 2 = 10.0 M events
  "tandem|tandem.yaml|3|$((2790 / scale))" # 600/s x 2790 s = 1.67 M customers x 6 = 10.0 M events
)

[[ -x /usr/bin/time ]] || { echo "run.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

if [[ ! -x "$venv/bin/python" ]]; then
  echo "Creating $venv" >&2
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "simpy==4.1.*" "ciw==3.2.*"
py="$venv/bin/python"

if [[ ! -x "$capsim" ]]; then
  echo "Building capsim (release)" >&2
  (cd "$root" && swift build -c release --product capsim)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
results="$work/results.jsonl"
# The yardstick: the same models hand-written in C (reference.c), as many customers as capsim.
cc -O2 -I "$here/../../Sources/CZiggurat/include" -o "$work/reference" "$here/reference.c" -lm
cc -O2 -DPHILOX -I "$here/../../Sources/CZiggurat/include" -o "$work/reference-philox" "$here/reference.c" -lm
"$work/reference" kat >&2

for entry in "${models[@]}"; do
  IFS='|' read -r model file stations horizon <<<"$entry"
  for ((i = 1; i <= repeats; i++)); do
    echo "[$model run $i/$repeats] capsim (horizon ${horizon}s)" >&2
    (cd "$root" && /usr/bin/time -f %U -o "$work/time" "$capsim" run "Scenarios/$file" \
      --set "horizon=${horizon}s" --set warmup=0s --replications 1 -q --json "$work/capsim.json")
    "$py" - "$work/capsim.json" "$work/time" "$model" "$stations" >>"$results" <<'EOF'
import json, sys
report, user, model, stations = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3], int(sys.argv[4])
cpu = float(open(user).read().split()[-1])
requests = int(report["requests"])
events = 2 * stations * requests
print(json.dumps({"tool": "capsim", "model": model, "customers": requests, "events": events,
                  "kernel_events": int(report["events"]), "cpu_seconds": cpu,
                  "events_per_second": events / cpu,
                  "mean_sojourn_ms": 1e3 * report["metrics"]["latency.mean"]["value"]}))
EOF
    case "$model" in mm1) rate=900 ;; mm8) rate=7200 ;; *) rate=600 ;; esac
    reference_customers=$((rate * horizon))
    echo "[$model run $i/$repeats] hand-written C loop ($reference_customers customers)" >&2
    "$work/reference" "$model" "$reference_customers" $((41 + i)) >>"$results"
    echo "[$model run $i/$repeats] hand-written C loop drawing from Philox streams seated as capsim's" >&2
    "$work/reference-philox" "$model" "$reference_customers" $((41 + i)) >>"$results"
    echo "[$model run $i/$repeats] SimPy ($peer_customers customers)" >&2
    "$py" "$here/simpy_models.py" "$model" "$peer_customers" $((41 + i)) >>"$results"
    echo "[$model run $i/$repeats] Ciw ($ciw_customers customers)" >&2
    "$py" "$here/ciw_models.py" "$model" "$ciw_customers" $((41 + i)) >>"$results"
  done
done

"$py" - "$results" "$repeats" <<'EOF'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
models = ["mm1", "mm8", "tandem"]
names = {"mm1": "M/M/1 (ρ=0.9)", "mm8": "M/M/8 (ρ=0.9)", "tandem": "3-station tandem"}
theory = {r["model"]: r["theory_ms"] for r in rows if "theory_ms" in r}
tools = ("capsim", "reference", "reference-philox", "simpy", "ciw")
def pick(tool, model):
    return [r for r in rows if r["tool"] == tool and r["model"] == model]
def median(tool, model, key):
    return statistics.median(r[key] for r in pick(tool, model))
def rate(x):
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"
print(f"\nStation events per CPU second, median of {sys.argv[2]} "
      "(an event: one arrival at or one departure from a station)\n")
print("| model | capsim events/s | C loop events/s | C loop, Philox, events/s | SimPy events/s | Ciw events/s "
      "| capsim / C loop | capsim / C loop, Philox | speed-up over SimPy | speed-up over Ciw |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for m in models:
    c, r, p, s, w = (median(t, m, "events_per_second") for t in tools)
    print(f"| {names[m]} | {rate(c)} | {rate(r)} | {rate(p)} | {rate(s)} | {rate(w)} | {c / r:.2f}× | {c / p:.2f}× "
          f"| {c / s:.0f}× | {c / w:.0f}× |")
print("\nRun sizes (customers, station events, CPU seconds; medians) and mean sojourn against theory\n")
print("| model | tool | customers | events | CPU s | mean sojourn (ms) | theory (ms) |")
print("|---|---|---:|---:|---:|---:|---:|")
for m in models:
    for t in tools:
        print(f"| {names[m]} | {t} | {median(t, m, 'customers'):.0f} | {median(t, m, 'events'):.0f} | "
              f"{median(t, m, 'cpu_seconds'):.2f} | {median(t, m, 'mean_sojourn_ms'):.3f} | {theory[m]:.3f} |")
EOF
