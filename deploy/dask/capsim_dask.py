"""Runs a capsim run's shards as Dask tasks, then merges them (README "Scale-out").

    python deploy/dask/capsim_dask.py --shards 8 --out shards/ -- \
        Scenarios/mmc.yaml --sweep components.pool.workers=8,9,10 \
        --merge --csv results.csv --json results.json

Everything between "--" and "--merge" goes to `capsim run` (the scenario and its options),
everything after "--merge" to `capsim merge`. Each Dask task runs one `capsim run … --shard
I/N --out DIR` process; with no --scheduler, a LocalCluster of one single-threaded worker
process per CPU runs them on this machine. With --scheduler ADDRESS (an existing cluster:
dask-jobqueue, dask-kubernetes, dask-gateway, `dask scheduler` by hand), the workers must
see the same capsim binary, scenario files and output folder at the same paths (a shared
file system). The merge runs here, after every shard; a failed shard is reported and the
merge then names the missing tasks (exit 75) with the command that reruns them.
"""

import argparse
import logging
import os
import subprocess
import sys

from dask.distributed import Client, LocalCluster, as_completed


def run_shard(capsim: str, run_args: list[str], index: int, shards: int, out: str) -> int:
    """One shard, in a process of its own (capsim's threads and memory are its own)."""
    command = [capsim, "run", *run_args, "--shard", f"{index}/{shards}", "--out", out, "-q"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"shard {index}/{shards} exited {done.returncode}: {done.stderr.strip()}")
    return index


def run_all(client: Client, options: argparse.Namespace, run_args: list[str]) -> list[str]:
    """Every shard as a task; the messages of those that failed. (A shard run twice, as Dask
    may do when a worker is lost, writes the same bytes again: shards are idempotent.)"""
    futures = [
        client.submit(run_shard, options.capsim, run_args, i, options.shards, options.out, pure=False)
        for i in range(options.shards)
    ]
    failed = []
    for future in as_completed(futures):
        if future.status == "error":
            failed.append(str(future.exception()))
    return failed


def main() -> int:
    argv = sys.argv[1:]
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 64
    ours, rest = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    run_args, merge_args = rest, []
    if "--merge" in rest:
        run_args, merge_args = rest[: rest.index("--merge")], rest[rest.index("--merge") + 1 :]
    parser = argparse.ArgumentParser(description="capsim shards on Dask, then the merge")
    parser.add_argument("--shards", type=int, default=os.cpu_count() or 1, help="N of --shard I/N (default: CPUs)")
    parser.add_argument("--out", required=True, help="folder of the shard files (shared with the workers)")
    parser.add_argument("--capsim", default="capsim", help="the capsim binary (default: capsim on PATH)")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    options = parser.parse_args(ours)
    if options.shards < 1 or not run_args:
        parser.error("need --shards ≥ 1 and a scenario after '--'")
    os.makedirs(options.out, exist_ok=True)

    if options.scheduler:
        with Client(options.scheduler) as client:
            failed = run_all(client, options, run_args)
    else:
        workers = os.cpu_count() or 1
        # The workers' own logs are silenced: a failed shard's error is printed below, and
        # closing the cluster can log harmless heartbeat errors of workers shutting down.
        local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, silence_logs=logging.CRITICAL)
        with local as cluster:
            with Client(cluster) as client:
                failed = run_all(client, options, run_args)
    for message in failed:
        print(f"capsim_dask: {message}", file=sys.stderr)
    # With shards missing, the merge exits 75 and prints the --tasks that rerun them.
    return subprocess.run([options.capsim, "merge", options.out, *merge_args]).returncode


if __name__ == "__main__":
    sys.exit(main())
