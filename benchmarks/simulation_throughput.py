"""Simulation throughput (issue 20, item 6): runs per second of ``gaugeopt.simulate`` on one
plan, in this process (1 process) and on a LocalCluster of 2 processes, same seed.

    python benchmarks/simulation_throughput.py INSTANCE.json SOLUTION.json OUT.csv [RUNS]

Each setting is timed over the whole call (checking the plan, building its network, drawing
and propagating every run; for 2 processes also starting and closing the LocalCluster) and
over the runs alone (the call's time less that of a 1-run call in the same setting). The
expected weighted dwell is written too: it must be the same in every row.
"""

from __future__ import annotations

import csv
import sys
import time

import gaugeopt
from gaugeopt.model.io import read_instance, read_solution


def timed(inst, sol, runs: int, jobs: int) -> tuple[float, float]:
    start = time.perf_counter()
    sim = gaugeopt.simulate(inst, sol, runs=runs, seed=0, jobs=jobs, serial=jobs == 1)
    return time.perf_counter() - start, sim.to_json()["expected_weighted_dwell"]


def main(instance: str, solution: str, out: str, runs: int) -> None:
    inst, sol = read_instance(instance), read_solution(solution)
    rows = []
    for jobs in (1, 2):
        fixed, _ = timed(inst, sol, 1, jobs)
        whole, expected = timed(inst, sol, runs, jobs)
        rows.append(
            {
                "instance": instance,
                "tasks": len(sol.tasks),
                "plan_weighted_dwell": sol.objective,
                "runs": runs,
                "processes": jobs,
                "seconds": round(whole, 3),
                "runs_per_second": round(runs / whole, 1),
                "seconds_one_run": round(fixed, 3),
                "runs_per_second_runs_only": round((runs - 1) / max(whole - fixed, 1e-9), 1),
                "expected_weighted_dwell": expected,
            }
        )
        print(rows[-1], flush=True)
    with open(out, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 10000)
