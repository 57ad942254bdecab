"""Print the Markdown tables of benchmarks/README.md from the recorded CSVs.

    python benchmarks/tables.py benchmarks/results/*.csv

MMLIB50 and MMLIB100 rows are also pooled as "mmlib" (the 24-file sample of the issue).

Rows of the set "scale" (``instances/bench/scale``, run by ``benchmarks/run_scale.sh``) go to
their own table instead (:func:`scale_table`): one row per instance size, pooled over seeds,
with a column group per time limit found in the rows (10 s and 60 s in the recorded runs).
"""

from __future__ import annotations

import math
import re
import sys
from typing import Any

from gaugeopt.bench.runner import read_csv
from gaugeopt.bench.summary import OURS, frame, markdown, per_method, versus

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
#: The set of the scaling instances (their folder's name).
SCALE_SET = "scale"
#: Family order of the scale table.
FAMILY_ORDER = ["single", "day", "scarce"]
#: Names that say the size: ``single-c06-0001`` (6 carriages), ``day-t30-0001`` (30 trains).
_SIZED_NAME = re.compile(r"^(single|day|scarce)-([ct])(\d+)-")


def instance_size(row: dict[str, Any]) -> tuple[str, int]:
    """(family, count) of a row's instance: carriages of a single train, else trains.

    Read from the name when it says the size (``single-c06-0001``), else counted in the
    instance file (the row's ``path``).
    """
    m = _SIZED_NAME.match(str(row["instance"]))
    if m:
        return m.group(1), int(m.group(3))
    from gaugeopt.model.io import read_instance

    inst = read_instance(row["path"])
    family = str(row["instance"]).split("-", 1)[0]
    if family not in FAMILY_ORDER:
        family = "single" if len(inst.trains) == 1 else "day"
    if family == "single":
        return family, len(inst.trains[0].carriages)
    return family, len(inst.trains)


def _limit_label(limit: float) -> str:
    return f"{limit:g}s"


def _pct(values: list[float], how: str) -> float | None:
    if not values:
        return None
    return 100 * (max(values) if how == "max" else sum(values) / len(values))


def scale_table(rows: list[dict[str, Any]], method: str = OURS) -> list[dict[str, Any]]:
    """One record per (family, count) of ``method``'s rows, pooled over seeds.

    Columns: ``family``, ``size`` (e.g. "6 carriages", "30 trains"), ``instances`` (distinct
    files), ``mean_first_s`` (mean time to the first schedule over every run that found
    one, all time limits pooled), then per time limit L found in the rows: ``mean_gap_Ls_pct``
    and ``max_gap_Ls_pct`` (over the runs with a schedule and a bound), ``optimal_Ls``
    (runs proven optimal) and ``no_schedule_Ls`` (runs that ended without a schedule; their
    gap is not in the mean or max). A run repeated with the same file and limit counts once
    (the last row).
    """
    df = frame(rows)
    if df.empty:
        return []
    df = df[df["method"] == method].copy()
    if df.empty:
        return []
    df["time_limit"] = df["time_limit"].astype(float)
    df = df.drop_duplicates(["path", "time_limit"], keep="last")
    sizes = [instance_size(r) for r in df.to_dict("records")]
    df["family"] = [f for f, _ in sizes]
    df["count"] = [n for _, n in sizes]
    limits = sorted(df["time_limit"].unique())
    rank = {f: k for k, f in enumerate(FAMILY_ORDER)}
    groups = sorted(
        df.groupby(["family", "count"]), key=lambda kg: (rank.get(kg[0][0], len(rank)), *kg[0])
    )
    out = []
    for (family, count), g in groups:
        first = g["time_to_first"].dropna()
        rec: dict[str, Any] = {
            "family": family,
            "size": f"{count} {'carriages' if family == 'single' else 'trains'}",
            "instances": int(g["path"].nunique()),
            "mean_first_s": float(first.mean()) if len(first) else None,
        }
        for limit in limits:
            gaps = [float(x) for x in g.loc[g["time_limit"] == limit, "gap"] if not math.isnan(x)]
            label = _limit_label(limit)
            rec[f"mean_gap_{label}_pct"] = _pct(gaps, "mean")
            rec[f"max_gap_{label}_pct"] = _pct(gaps, "max")
        for limit in limits:
            at = g[g["time_limit"] == limit]
            rec[f"optimal_{_limit_label(limit)}"] = int((at["status"] == "optimal").sum())
        for limit in limits:
            at = g[g["time_limit"] == limit]
            rec[f"no_schedule_{_limit_label(limit)}"] = int(at["objective"].isna().sum())
        out.append(rec)
    return out


def main(paths: list[str]) -> None:
    rows = [r for p in paths for r in read_csv(p)]
    scale = [r for r in rows if r["set"] == SCALE_SET]
    rows = [r for r in rows if r["set"] != SCALE_SET]
    rows += [{**r, "set": "mmlib"} for r in rows if r["set"].startswith("mmlib")]
    if rows:
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
    if scale:
        print(markdown(scale_table(scale)))


if __name__ == "__main__":
    main(sys.argv[1:])
