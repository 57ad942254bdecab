"""Every figure of the report agrees with the solution file, on every example instance.

Each example gets a schedule (a quick constructive one; under ``slow``, gaugeopt.solve with a
5 s limit), its HTML report is written, and the numbers are read back out of the page's
tables and compared with the solution file: arrival and departure (as clock times), dwell,
the one lower bound, the work and waits that add up to the dwell, the critical-chain parts
and the objective in the title. The print pages' summary table is read back the same way.
"""

from __future__ import annotations

import itertools
import math
from html.parser import HTMLParser
from pathlib import Path

import pytest
from budget import DETERMINISTIC
from example_files import example_instances

import gaugeopt
from gaugeopt.bounds import train_dwell_bounds
from gaugeopt.clock import Clock
from gaugeopt.construct.search import construct
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance, read_solution, write_solution
from gaugeopt.model.solution import Solution
from gaugeopt.report import build_timeline, kpis, report
from gaugeopt.report.gantt_png import report_pages
from gaugeopt.report.kpi import LABELS, WAITS

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = example_instances()
PARTS = ["work", *WAITS]


class _Tables(HTMLParser):
    """The ``<table class="kpi">`` tables of a page: id -> (column keys, rows of cell texts)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, tuple[list[str], list[list[str]]]] = {}
        self._id: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and a.get("class") == "kpi":
            self._id = a.get("id") or ""
            self.tables[self._id] = ([], [])
        elif self._id is not None and tag == "th":
            self.tables[self._id][0].append(a.get("data-col") or "")
        elif self._id is not None and tag == "tr":
            self._row = []
        elif self._id is not None and tag == "td":
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._id is not None and self._row:
            self.tables[self._id][1].append(self._row)
        elif tag == "table":
            self._id = None

    def records(self, table: str) -> list[dict[str, str]]:
        cols, rows = self.tables[table]
        return [dict(zip(cols, row, strict=True)) for row in rows]


def _read_back(page: str) -> _Tables:
    parser = _Tables()
    parser.feed(page)
    return parser


def check_report_agrees(inst: Instance, sol: Solution, tmp: Path, bounds: list[int | None]) -> None:
    """Write the HTML report and the print pages; every number read back matches ``sol``."""
    clock = Clock.of(inst)
    page = report(inst, sol, tmp / "r.html", dwell_bounds=bounds).read_text(encoding="utf-8")
    assert f"weighted dwell {sol.objective} min</h1>" in page
    tables = _read_back(page)
    trains = tables.records("trains")
    plans = {p.id: p for p in sol.trains}
    assert [r["train"] for r in trains] == [t.id for t in inst.trains]
    weighted = 0
    for row, train, bound in zip(trains, inst.trains, bounds, strict=True):
        plan = plans[train.id]
        dwell = plan.departure - train.arrival
        assert plan.dwell == dwell
        assert row["arrival"] == clock.at(train.arrival)
        assert row["departure"] == clock.at(plan.departure)
        assert int(row["dwell"]) == dwell
        assert int(row["weight"]) == train.weight
        least = int(row["lower_bound"])
        assert bound is None or least >= bound
        assert dwell >= least and int(row["above_bound"]) == dwell - least
        parts = sum(int(row[c]) for c in PARTS if c in row)
        assert parts == dwell, (train.id, row)
        weighted += train.weight * int(row["dwell"])
    assert weighted == sol.objective
    # The critical chains: consecutive parts from arrival to departure, per train.
    chains = tables.records("chains")
    for train in inst.trains:
        mine = [r for r in chains if r["train"] == train.id]
        assert mine[0]["start"] == clock.at(train.arrival)
        assert mine[-1]["end"] == clock.at(plans[train.id].departure)
        assert all(a["end"] == b["start"] for a, b in itertools.pairwise(mine))
        assert sum(int(r["minutes"]) for r in mine) == plans[train.id].departure - train.arrival
        totals = {c: 0 for c in PARTS}
        for r in mine:
            key = (
                "work"
                if r["part"] == "work"
                else next(k for k, v in WAITS.items() if v == r["part"])
            )
            totals[key] += int(r["minutes"])
        row = next(r for r in trains if r["train"] == train.id)
        assert all(int(row.get(c, "0")) == totals[c] for c in PARTS)
    # The print pages' summary table shows the same numbers.
    figs = report_pages(build_timeline(inst, sol), kpis(inst, sol, bounds))
    table = figs[0].axes[0].tables[0]
    cells = table.get_celld()
    header = [
        cells[(0, c)].get_text().get_text().replace("\n", " ")
        for c in range(len(cells) // (len(trains) + 1))
    ]
    for r, row in enumerate(trains, start=1):
        shown = {h: cells[(r, c)].get_text().get_text() for c, h in enumerate(header)}
        assert shown["train"] == row["train"]
        assert shown["arrival"] == row["arrival"] and shown["departure"] == row["departure"]
        assert shown["dwell"] == row["dwell"]
        waits = [h for h in header if h.startswith("waiting") or h.startswith("idle")]
        assert int(shown["work on this plan's critical chain"]) + sum(
            int(shown[h]) for h in waits
        ) == int(row["dwell"])
    assert LABELS["lower_bound"].startswith("least possible dwell")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_report_agrees_with_a_constructed_schedule(path: Path, tmp_path: Path) -> None:
    inst = read_instance(path)
    sol = construct(inst, time_limit=math.inf, restarts=0)  # the priority rules alone
    assert sol is not None
    write_solution(sol, tmp_path / "sol.json")  # the figures are checked against the file
    check_report_agrees(
        inst, read_solution(tmp_path / "sol.json"), tmp_path, train_dwell_bounds(inst)
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_report_agrees_with_the_solver(path: Path, tmp_path: Path) -> None:
    result = gaugeopt.solve(path, time_limit=2, workers=1, params=DETERMINISTIC)
    assert result.status in ("optimal", "feasible")
    write_solution(result.solution, tmp_path / "sol.json")
    sol = read_solution(tmp_path / "sol.json")
    check_report_agrees(result.instance, sol, tmp_path, result.dwell_bounds())
    k = kpis(result.instance, sol, result.dwell_bounds())
    assert (k.trains["above_bound"] >= 0).all()  # the bound holds for the solver's schedule
