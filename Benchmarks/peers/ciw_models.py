"""capsim's benchmark models in Ciw, written the way Ciw's documentation writes them.

    python ciw_models.py MODEL CUSTOMERS [SEED]

MODEL is mm1, mm8 or tandem (the same models as Scenarios/mm1.yaml, mmc.yaml and tandem.yaml).
Simulates until CUSTOMERS customers have left the network (`simulate_until_max_customers`,
method "Finish") and prints one JSON line: the CPU time of the run (time.process_time(), network
set-up and the reading of records excluded), the station events (one arrival at or one departure
from a station: 2 per service record), and the mean sojourn of the customers that left, beside its
theoretical value, so a reader can see the model is the same one.

Ciw keeps a record of every customer at every node: about 0.9 GB per million customers of M/M/1.
Keep CUSTOMERS modest.
"""

import json
import sys
import time

import ciw

# name: (arrival rate per second, [(workers, mean service seconds) per station, in visiting order],
#        theoretical mean sojourn in seconds)
MODELS = {
    "mm1": (900.0, [(1, 0.001)], 0.010),
    "mm8": (7200.0, [(8, 0.001)], 0.001 + 0.6815 / (8000.0 - 7200.0)),
    "tandem": (600.0, [(1, 0.001), (1, 0.0008), (1, 0.0005)],
               1 / (1000 - 600) + 1 / (1250 - 600) + 1 / (2000 - 600)),
}


def network(model: str):
    rate, stations, _ = MODELS[model]
    n = len(stations)
    # Customers enter at the first station and go through the stations in order.
    routing = [[1.0 if j == i + 1 else 0.0 for j in range(n)] for i in range(n)]
    return ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=rate)] + [None] * (n - 1),
        service_distributions=[ciw.dists.Exponential(rate=1.0 / mean) for _, mean in stations],
        number_of_servers=[workers for workers, _ in stations],
        routing=routing,
    )


def run(model: str, customers: int, seed: int) -> dict:
    _, stations, theory = MODELS[model]
    ciw.seed(seed)
    simulation = ciw.Simulation(network(model))
    t0 = time.process_time()
    simulation.simulate_until_max_customers(customers, method="Finish")
    cpu = time.process_time() - t0
    records = simulation.get_all_records()
    # Sojourn of each customer that left: from its arrival at the first station to its exit
    # from the last one.
    first_arrival, last_exit = {}, {}
    last_node = len(stations)
    for r in records:
        if r.node == 1:
            first_arrival[r.id_number] = r.arrival_date
        if r.node == last_node:
            last_exit[r.id_number] = r.exit_date
    done = [i for i in last_exit if i in first_arrival]
    sojourn = sum(last_exit[i] - first_arrival[i] for i in done) / len(done)
    events = 2 * len(records)
    return {
        "tool": "ciw", "model": model, "customers": len(done), "events": events,
        "cpu_seconds": cpu, "events_per_second": events / cpu,
        "mean_sojourn_ms": 1e3 * sojourn, "theory_ms": 1e3 * theory,
    }


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in MODELS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(MODELS)}}} CUSTOMERS [SEED]")
    print(json.dumps(run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 42)))
