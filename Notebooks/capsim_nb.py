"""What every notebook here shares: finding capsim, running it, reading its CSV and JSON, and a
few small tools (interval formatting, the Pareto rule, durations).

Nothing here knows a metric id: the notebooks name the columns they read, and
`Notebooks/columns.json` lists them so that `swift test` can check them against capsim's real
output (see Notebooks/README.md).
"""

from __future__ import annotations

import json
import math
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd

# The repository's root: the notebooks run capsim from there, so scenario names are
# `Scenarios/x.yaml` in commands and outputs alike.
REPO = Path(__file__).resolve().parent.parent

# How to get a binary when none is found (the README's "Install" section).
BUILD_HINT = (
    "build it from the repository root with\n"
    "    apt-get install -y libgsl-dev pkg-config     # once: GSL, the one library capsim needs\n"
    "    swift build -c release\n"
    "(the binary is then .build/release/capsim), or point the CAPSIM environment variable at a\n"
    "capsim binary, or put one on PATH"
)


class CapsimNotFound(FileNotFoundError):
    """No capsim binary: the message says how to build one."""


class CapsimFailed(RuntimeError):
    """capsim exited with a status the caller did not expect."""


def find_capsim() -> Path:
    """The capsim binary: $CAPSIM if set, else `capsim` on PATH, else .build/release/capsim."""
    env = os.environ.get("CAPSIM")
    if env:
        path = Path(env).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path.absolute()
        raise CapsimNotFound(f"CAPSIM={env} is not an executable file: point CAPSIM at a capsim binary, or unset it")
    on_path = shutil.which("capsim")
    if on_path:
        return Path(on_path)
    local = REPO / ".build" / "release" / "capsim"
    if local.is_file() and os.access(local, os.X_OK):
        return local
    raise CapsimNotFound(f"no capsim binary found (CAPSIM unset, none on PATH, no {local}): {BUILD_HINT}")


def workdir(name: str) -> Path:
    """A fresh temporary folder for one notebook's outputs (left for the reader to inspect)."""
    return Path(tempfile.mkdtemp(prefix=f"capsim-{name}-"))


_announced: set = set()


def capsim(*args, ok=(0,), echo: bool = True) -> subprocess.CompletedProcess:
    """Runs `capsim ARGS…` from the repository root and returns the finished process.

    Prints the command (as one could paste it in a shell at the repository root) and how long it
    took. An exit status outside `ok` raises CapsimFailed with capsim's own error output: exit 1
    and 2 are the SLO gate's FAIL and INCONCLUSIVE, 64 a usage error, 65 an invalid scenario.
    """
    binary = find_capsim()
    if binary not in _announced:
        _announced.add(binary)
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
        print(f"using {binary} ({version})")
    words = [str(a) for a in args]
    if echo:
        print("$ capsim " + shlex.join(words))
    start = time.monotonic()
    done = subprocess.run([str(binary), *words], cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode not in ok:
        raise CapsimFailed(
            f"capsim {shlex.join(words)} exited {done.returncode} (expected {', '.join(map(str, ok))}):\n"
            + (done.stderr or done.stdout)
        )
    if echo:
        print(f"  exit {done.returncode} after {time.monotonic() - start:.1f} s")
    return done


def read_csv(path) -> pd.DataFrame:
    """A capsim CSV. Empty cells (undefined values) become NaN; axis values stay text. The frame
    is consolidated (`copy`), so adding a column to a wide summary does not warn."""
    return pd.read_csv(path).copy()


def read_json(path):
    """A capsim JSON report: a dict for one design, a list for a sweep or several files."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def designs(report) -> list:
    """A JSON report as a list of designs (one design's report is a dict)."""
    return report if isinstance(report, list) else [report]


def value(row, metric: str):
    """(value, half-width of its 95 % interval) of a metric in a summary CSV row; the half-width
    is 0 for a metric printed without one (`.max`)."""
    hw = row.get(f"{metric}.hw95", 0.0)
    return float(row[metric]), (0.0 if hw is None or (isinstance(hw, float) and math.isnan(hw)) else float(hw))


def interval(v: float, hw: float, scale: float = 1.0, unit: str = "", digits: int = 2) -> str:
    """`12.34 ± 0.56 ms`: a value and its 95 % half-width, scaled (1e3 for ms, 100 for %)."""
    return f"{v * scale:.{digits}f} ± {hw * scale:.{digits}f}{(' ' + unit) if unit else ''}"


def significant(difference: float, hw: float) -> bool:
    """Whether a 95 % interval difference ± hw excludes zero."""
    return abs(difference) > hw


def pareto_front(df: pd.DataFrame, cost: str, metric: str, higher_is_better: bool) -> pd.DataFrame:
    """The designs no other design beats on both cost and metric, cheapest first.

    The rule of capsim's `--pareto` (README, "Pareto fronts"): a design is left out when another
    costs no more and is no worse on the metric, and is strictly better on one of the two.
    Judged on point estimates, as capsim does.
    """
    sign = -1.0 if higher_is_better else 1.0
    points = [(float(c), sign * float(m)) for c, m in zip(df[cost], df[metric])]
    keep = []
    for i, (ci, mi) in enumerate(points):
        dominated = any(
            cj <= ci and mj <= mi and (cj < ci or mj < mi) for j, (cj, mj) in enumerate(points) if j != i
        )
        keep.append(not dominated)
    return df[keep].sort_values([cost, metric], ascending=[True, not higher_is_better])


_DURATION = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(ns|us|µs|ms|s|m|min|h|d)\s*$")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def seconds(duration: str) -> float:
    """A scenario duration (`20m`, `1.5s`, `12h`) in seconds."""
    match = _DURATION.match(str(duration))
    if not match:
        raise ValueError(f"not a duration: {duration!r}")
    return float(match.group(1)) * _SECONDS[match.group(2)]


def percent(text) -> float:
    """A share written `90%` or `0.9`, as a fraction."""
    text = str(text).strip()
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


MONTH_SECONDS = 730 * 3600  # capsim's month: 730 hours


def strip(path) -> None:
    """Rewrites a notebook as git should hold it: no outputs, no execution counts, no run
    timestamps (cell metadata `execution`); the kernel's name and the language are kept."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    kernel = notebook.metadata.get("kernelspec")
    notebook.metadata = {"language_info": {"name": "python"}}
    if kernel:
        notebook.metadata["kernelspec"] = kernel
    nbformat.write(notebook, path)


if __name__ == "__main__":
    import sys

    if len(sys.argv) < 3 or sys.argv[1] != "strip":
        sys.exit("usage: python Notebooks/capsim_nb.py strip NOTEBOOK.ipynb…")
    for name in sys.argv[2:]:
        strip(name)
