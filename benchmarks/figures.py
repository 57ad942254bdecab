"""Print issue 13's side-by-side table from one or more results CSVs of the same run list.

    python benchmarks/figures.py benchmarks/results/figures-10s.csv benchmarks/results/figures-60s.csv

One row per instance (family and size), a column group per time limit: each method's
objective (— when it found no schedule), and gaugeopt's gap to the best lower bound any
method proved on the instance in that run ("refused": a schedule our checker rejected,
left out of every comparison). Then, per time limit, how often each method is
worse, equal or better than gaugeopt, and its mean objective ratio to gaugeopt's.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from typing import Any

from gaugeopt.bench.runner import read_csv

METHODS = ["gaugeopt", "greedy", "direct", "pyjobshop"]


def _num(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


def _objective(row: dict[str, Any]) -> float | None:
    """The row's objective, None when it has no schedule or our checker refused it."""
    return None if row.get("valid") == "False" else _num(row.get("objective", ""))


def _cells(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """{(instance, time limit): {method: row}}."""
    out: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        out[row["instance"], row["time_limit"]][row["method"]] = row
    return out


def _gap(group: dict[str, dict[str, Any]]) -> str:
    ours = _objective(group.get("gaugeopt", {}))
    bounds = [_num(r.get("lower_bound", "")) for r in group.values()]
    known = [b for b in bounds if b is not None]
    if ours is None or not known or ours <= 0:
        return "—"
    return f"{100 * (ours - max(known)) / ours:.1f} %"


def table(rows: list[dict[str, Any]]) -> str:
    cells = _cells(rows)
    limits = sorted({t for _, t in cells}, key=float)
    names = list(dict.fromkeys(r["instance"] for r in rows))
    head = ["instance", *[f"{m} {t} s" for t in limits for m in [*METHODS, "gap"]]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        row = [name]
        for t in limits:
            group = cells.get((name, t), {})
            for m in METHODS:
                cell = group.get(m, {})
                obj = _objective(cell) if cell else None
                refused = cell.get("valid") == "False"
                row.append("refused" if refused else "—" if obj is None else f"{obj:,.0f}")
            row.append(_gap(group))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def versus(rows: list[dict[str, Any]]) -> str:
    cells = _cells(rows)
    lines = [
        "| time limit | method | runs both scheduled | worse than gaugeopt | equal | better |"
        " mean ratio to gaugeopt | gaugeopt only |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in sorted({t for _, t in cells}, key=float):
        for m in METHODS[1:]:
            worse = equal = better = only = 0
            ratios = []
            for (_, tt), group in cells.items():
                if tt != t or m not in group:
                    continue
                ours = _objective(group.get("gaugeopt", {}))
                theirs = _objective(group[m])
                if ours is not None and theirs is None:
                    only += 1
                if ours is None or theirs is None:
                    continue
                ratios.append(theirs / ours)
                worse += theirs > ours
                equal += theirs == ours
                better += theirs < ours
            mean = f"{sum(ratios) / len(ratios):.4f}" if ratios else "—"
            lines.append(
                f"| {t} s | {m} | {len(ratios)} | {worse} | {equal} | {better} | {mean} | {only} |"
            )
    return "\n".join(lines)


def main(paths: list[str]) -> None:
    rows = [row for p in paths for row in read_csv(p)]
    print(table(rows))
    print()
    print(versus(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
