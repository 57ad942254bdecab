"""A tour of the Python API: solve an example, read the tables, check, save, plot.

Run from the repository root::

    python3 docs/examples/api_tour.py --time-limit 10 --out /tmp/tour

It solves ``instances/examples/khasan-armoured.json`` (or the instance given), prints the
one-line summary and the trains, tasks and resources tables, checks the schedule with the
independent checker, writes the solution file and draws the Gantt chart into an axes of
a figure of its own.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # draw to files only; no window
import matplotlib.pyplot as plt

import gaugeopt

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "instances" / "examples" / "khasan-armoured.json"


def tour(instance: Path, out: Path, time_limit: float) -> int:
    """Solve ``instance``, print its tables and write ``plan.json`` and ``gantt.png`` to
    ``out``. Returns the number of rules the schedule breaks (0 for a valid one)."""
    inst = gaugeopt.read_instance(instance)
    result = gaugeopt.solve(inst, time_limit=time_limit, workers=1, seed=0)
    print(result.summary())

    print("\nTrains:")
    print(result.trains.to_string(index=False))
    print("\nFirst tasks (block is a nullable integer, <NA> on train tasks):")
    print(result.tasks.head(8).to_string(index=False))
    print("\nResources, busiest first:")
    busiest = result.resources.sort_values("utilisation", ascending=False)
    print(busiest.to_string(index=False, float_format="{:.0%}".format))

    violations = gaugeopt.check(inst, result.solution)
    print(f"\nChecker: {len(violations)} violation(s)")
    for v in violations:
        print(" ", v)

    out.mkdir(parents=True, exist_ok=True)
    gaugeopt.write_solution(result.solution, out / "plan.json")
    fig, ax = plt.subplots(figsize=(11, 5))
    gaugeopt.report.plot_result(result, ax=ax)
    fig.savefig(out / "gantt.png", dpi=100)
    plt.close(fig)
    print(f"\nWrote {out / 'plan.json'} and {out / 'gantt.png'}")
    return len(violations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", nargs="?", type=Path, default=EXAMPLE)
    parser.add_argument("--out", type=Path, default=Path("tour-output"))
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    raise SystemExit(1 if tour(args.instance, args.out, args.time_limit) else 0)


if __name__ == "__main__":
    main()
