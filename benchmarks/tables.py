"""Print the Markdown tables of benchmarks/README.md from the recorded CSVs.

    python benchmarks/tables.py benchmarks/results/*.csv

MMLIB50 and MMLIB100 rows are also pooled as "mmlib" (the 24-file sample of the issue).
"""

from __future__ import annotations

import sys

from gaugeopt.bench.runner import read_csv
from gaugeopt.bench.summary import frame, markdown, per_method, versus

ORDER = ["small", "medium", "large", "j30", "j60", "j120", "mmlib50", "mmlib100", "mmlib"]
KEEP = [
    "set",
    "method",
    "n",
    "solved",
    "optimal_pct",
    "mean_gap_pct",
    "mean_dev_pct",
    "at_best_known",
    "mean_time_s",
    "mean_time_to_best_s",
    "peak_mb",
    "invalid",
    "errors",
]


def main(paths: list[str]) -> None:
    rows = [r for p in paths for r in read_csv(p)]
    rows += [{**r, "set": "mmlib"} for r in rows if r["set"].startswith("mmlib")]
    df = frame(rows)

    def key(rec: dict) -> tuple:
        s = rec["set"]
        return (
            ORDER.index(s) if s in ORDER else len(ORDER),
            s,
            rec.get("method", rec.get("baseline")),
        )

    print(markdown(sorted(({k: r[k] for k in KEEP} for r in per_method(df)), key=key)))
    print(markdown(sorted(versus(df), key=key)))


if __name__ == "__main__":
    main(sys.argv[1:])
