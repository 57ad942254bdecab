"""Summary tables of benchmark rows: per set and method, and ours against each baseline.

``per_method``: count, % proven optimal, mean gap to the bound, mean deviation from the
best-known value, mean time. ``versus``: for each baseline, on the instances where both
found a schedule that our checker did not reject, how often ours is better/equal/worse,
both mean gaps to the better of the two lower bounds (the same yardstick for both), and our
time to reach the baseline's final objective (from our progress trace) against the
baseline's own time to its best (geometric mean of the ratios).

``gaugeopt bench`` prints these tables after a run; ``python benchmarks/tables.py
RESULTS.csv...`` (benchmark-only, in the repository) prints them as Markdown.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from gaugeopt.bench.methods import parse_trace

OURS = "gaugeopt"
_NUMERIC = [
    "objective",
    "lower_bound",
    "gap",
    "deviation",
    "best_known",
    "time_to_first",
    "time_to_best",
    "build_time",
    "wall_time",
    "peak_memory_mb",
]


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows (from MethodResult.row() or a CSV) as a typed DataFrame."""
    df = pd.DataFrame(rows)
    for col in _NUMERIC:
        if col in df:
            df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce")
    for col in ("valid", "best_known_optimal"):
        if col in df:
            df[col] = df[col].map(
                lambda v: v if isinstance(v, bool) else {"True": True, "False": False}.get(v)
            )
    return df


def _mean(series: pd.Series) -> float | None:
    series = series.dropna()
    return None if series.empty else float(series.mean())


def per_method(df: pd.DataFrame) -> list[dict[str, Any]]:
    """One dict per (set, method)."""
    out = []
    for (set_name, method), g in df.groupby(["set", "method"], sort=True):
        solved = g["objective"].notna()
        valid = g["valid"].dropna() if "valid" in g else pd.Series(dtype=bool)
        bk = g["best_known"].notna() & solved
        out.append(
            {
                "set": set_name,
                "method": method,
                "n": len(g),
                "solved": int(solved.sum()),
                "optimal_pct": 100.0 * float((g["status"] == "optimal").mean()),
                "mean_gap_pct": None if (m := _mean(g["gap"])) is None else 100 * m,
                "mean_dev_pct": None if (m := _mean(g["deviation"])) is None else 100 * m,
                "at_best_known": int((g["objective"][bk] <= g["best_known"][bk]).sum())
                if bk.any()
                else None,
                "mean_time_s": _mean(g["wall_time"]),
                "mean_time_to_best_s": _mean(g["time_to_best"]),
                "peak_mb": float(g["peak_memory_mb"].max())
                if g["peak_memory_mb"].notna().any()
                else None,
                "invalid": int((~valid.astype(bool)).sum()) if len(valid) else 0,
                "errors": int((g["status"] == "error").sum()),
            }
        )
    return out


def _reach_time(trace_text: Any, target: float) -> float | None:
    for t, obj in parse_trace(trace_text):
        if obj <= target:
            return t
    return None


def versus(df: pd.DataFrame, ours: str = OURS) -> list[dict[str, Any]]:
    """Ours against each other method, per set, on instances both solved."""
    out = []
    for (set_name, method), g in df[df["method"] != ours].groupby(["set", "method"], sort=True):
        mine = df[(df["method"] == ours) & (df["set"] == set_name)]
        mine = mine.drop_duplicates("path", keep="last").set_index("path")
        g = g.drop_duplicates("path", keep="last").set_index("path")
        both = [
            p
            for p in g.index
            if p in mine.index
            and pd.notna(g.at[p, "objective"])
            and pd.notna(mine.at[p, "objective"])
            and g.at[p, "valid"] is not False  # a schedule our checker rejects is no rival
            and mine.at[p, "valid"] is not False
        ]
        if not both:
            continue
        better = equal = worse = reached = 0
        ratios: list[float] = []
        gaps: list[tuple[float, float]] = []
        for p in both:
            a, b = mine.at[p, "objective"], g.at[p, "objective"]
            bounds = [x for x in (mine.at[p, "lower_bound"], g.at[p, "lower_bound"]) if pd.notna(x)]
            if bounds:
                lb = max(bounds)
                gaps.append((_gap(a, lb), _gap(b, lb)))
            better += a < b
            equal += a == b
            worse += a > b
            t_ours = _reach_time(mine.at[p, "trace"], b)
            t_theirs = g.at[p, "time_to_best"]
            if pd.isna(t_theirs):
                t_theirs = g.at[p, "wall_time"]
            if t_ours is not None:
                reached += 1
                if pd.notna(t_theirs):
                    ratios.append(max(t_ours, 0.01) / max(float(t_theirs), 0.01))
        out.append(
            {
                "set": set_name,
                "baseline": method,
                "pairs": len(both),
                "better": better,
                "equal": equal,
                "worse": worse,
                "our_gap_pct": _pct(_mean(pd.Series([x for x, _ in gaps], dtype=float))),
                "their_gap_pct": _pct(_mean(pd.Series([y for _, y in gaps], dtype=float))),
                "reached_their_quality": reached,
                "time_ratio_geomean": math.exp(sum(map(math.log, ratios)) / len(ratios))
                if ratios
                else None,
            }
        )
    return out


def _gap(objective: float, bound: float) -> float:
    return 0.0 if objective == 0 else max(0.0, (objective - bound) / objective)


def _pct(x: float | None) -> float | None:
    return None if x is None else 100 * x


def fmt(value: Any) -> str:
    """A table cell: '-' for missing, 2 decimals for floats."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def markdown(records: list[dict[str, Any]]) -> str:
    """A Markdown table of records (same keys in each)."""
    if not records:
        return "(no rows)\n"
    keys = list(records[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(fmt(r[k]) for k in keys) + " |" for r in records]
    return "\n".join(lines) + "\n"
