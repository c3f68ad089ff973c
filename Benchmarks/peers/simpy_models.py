"""capsim's benchmark models in SimPy, written the way SimPy's documentation writes them.

    python simpy_models.py MODEL CUSTOMERS [SEED]

MODEL is mm1, mm8 or tandem (the same models as Scenarios/mm1.yaml, mmc.yaml and tandem.yaml).
Runs exactly CUSTOMERS arrivals to completion and prints one JSON line: the CPU time of the run
(time.process_time(), model set-up excluded), the station events (one arrival at or one departure
from a station: 2 per customer per station visited), and the mean sojourn beside its theoretical
value, so a reader can see the model is the same one.
"""

import json
import random
import sys
import time

import simpy

# name: (arrival rate per second, [(workers, mean service seconds) per station, in visiting order],
#        theoretical mean sojourn in seconds)
MODELS = {
    # M/M/1, ρ = 0.9: sojourn ~ Exp(μ − λ), mean 1 / (1000 − 900) = 10 ms.
    "mm1": (900.0, [(1, 0.001)], 0.010),
    # M/M/8, ρ = 0.9: Erlang C(8, 7.2) ≈ 0.6815, mean wait C / (cμ − λ) ≈ 0.852 ms, plus 1 ms service.
    "mm8": (7200.0, [(8, 0.001)], 0.001 + 0.6815 / (8000.0 - 7200.0)),
    # Jackson tandem of three single servers: Σ 1 / (μ_i − λ) ≈ 4.753 ms.
    "tandem": (600.0, [(1, 0.001), (1, 0.0008), (1, 0.0005)],
               1 / (1000 - 600) + 1 / (1250 - 600) + 1 / (2000 - 600)),
}


def run(model: str, customers: int, seed: int) -> dict:
    rate, stations, theory = MODELS[model]
    rng = random.Random(seed)
    env = simpy.Environment()
    resources = [(simpy.Resource(env, capacity=workers), 1.0 / mean) for workers, mean in stations]
    total = [0.0]

    def customer(env):
        start = env.now
        for resource, service_rate in resources:
            with resource.request() as request:
                yield request
                yield env.timeout(rng.expovariate(service_rate))
        total[0] += env.now - start

    def source(env):
        for _ in range(customers):
            yield env.timeout(rng.expovariate(rate))
            env.process(customer(env))

    env.process(source(env))
    t0 = time.process_time()
    env.run()
    cpu = time.process_time() - t0
    events = 2 * len(stations) * customers
    return {
        "tool": "simpy", "model": model, "customers": customers, "events": events,
        "cpu_seconds": cpu, "events_per_second": events / cpu,
        "mean_sojourn_ms": 1e3 * total[0] / customers, "theory_ms": 1e3 * theory,
    }


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} CUSTOMERS [SEED]")
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 42)))
