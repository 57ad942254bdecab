"""The scale table of benchmarks/tables.py (issue 7), on hand-written rows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from gaugeopt.bench.runner import read_csv, write_csv
from gaugeopt.model.io import read_instance

ROOT = Path(__file__).resolve().parents[2]


def _load_tables():
    spec = importlib.util.spec_from_file_location("bench_tables", ROOT / "benchmarks" / "tables.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tables = _load_tables()
UNSIZED = "instances/bench/small/single-small-0001.json"  # a name that does not say the size


def _row(instance: str, limit: int, status: str, objective, gap, first, **kw) -> dict:
    path = kw.pop("path", f"instances/bench/scale/{instance}.json")
    return {
        "set": "scale",
        "instance": instance,
        "method": kw.pop("method", "gaugeopt"),
        "status": status,
        "objective": objective,
        "lower_bound": "",
        "gap": gap,
        "time_to_first": first,
        "time_limit": str(limit),
        "path": path,
        "valid": "True",
        **kw,
    }


ROWS = [
    # a first attempt, replaced by the row after it (same file, same limit)
    _row("single-c06-0001", 10, "error", "", "", ""),
    _row("single-c06-0001", 10, "optimal", "100", "0", "0.01"),
    _row("single-c06-0002", 10, "feasible", "200", "0.1", "0.02"),
    _row("day-t30-0001", 10, "unknown", "", "", ""),  # no schedule within 10 s
    _row("day-t30-0001", 10, "feasible", "1", "0.9", "0.5", method="greedy"),  # not ours
    _row("single-small-0001", 10, "feasible", "300", "0.5", "1.5", path=UNSIZED),
    _row("single-c06-0001", 60, "optimal", "100", "0", "0.03"),
    _row("single-c06-0002", 60, "optimal", "190", "0", "0.02"),
    _row("day-t30-0001", 60, "feasible", "5000", "0.25", "12.5"),
]


def test_instance_size_from_name_or_file() -> None:
    assert tables.instance_size({"instance": "single-c06-0001", "path": "x"}) == ("single", 6)
    assert tables.instance_size({"instance": "day-t30-0001", "path": "x"}) == ("day", 30)
    cars = len(read_instance(ROOT / UNSIZED).trains[0].carriages)
    assert tables.instance_size({"instance": "single-small-0001", "path": str(ROOT / UNSIZED)}) == (
        "single",
        cars,
    )


def test_scale_table_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the unsized row's path is relative to the project
    cars = len(read_instance(UNSIZED).trains[0].carriages)
    table = tables.scale_table(ROWS)
    assert cars > 6  # so the rows are in this order: single by carriages, then day
    assert [(r["family"], r["size"]) for r in table] == [
        ("single", "6 carriages"),
        ("single", f"{cars} carriages"),
        ("day", "30 trains"),
    ]
    by_size = {r["size"]: r for r in table}

    c06 = by_size["6 carriages"]
    assert c06["instances"] == 2
    assert c06["mean_first_s"] == pytest.approx((0.01 + 0.02 + 0.03 + 0.02) / 4)
    assert c06["mean_gap_10s_pct"] == pytest.approx(5.0)
    assert c06["max_gap_10s_pct"] == pytest.approx(10.0)
    assert c06["mean_gap_60s_pct"] == 0 and c06["max_gap_60s_pct"] == 0
    assert (c06["optimal_10s"], c06["optimal_60s"]) == (1, 2)
    assert (c06["no_schedule_10s"], c06["no_schedule_60s"]) == (0, 0)

    t30 = by_size["30 trains"]
    assert t30["instances"] == 1
    assert t30["mean_first_s"] == pytest.approx(12.5)  # the greedy row is not counted
    assert t30["mean_gap_10s_pct"] is None and t30["max_gap_10s_pct"] is None
    assert t30["mean_gap_60s_pct"] == pytest.approx(25.0)
    assert t30["max_gap_60s_pct"] == pytest.approx(25.0)
    assert (t30["optimal_10s"], t30["optimal_60s"]) == (0, 0)
    assert (t30["no_schedule_10s"], t30["no_schedule_60s"]) == (1, 0)

    unsized = by_size[f"{cars} carriages"]
    assert unsized["instances"] == 1
    assert unsized["mean_gap_10s_pct"] == pytest.approx(50.0)
    assert unsized["mean_gap_60s_pct"] is None
    assert (unsized["optimal_60s"], unsized["no_schedule_60s"]) == (0, 0)

    assert list(c06) == [
        "family",
        "size",
        "instances",
        "mean_first_s",
        "mean_gap_10s_pct",
        "max_gap_10s_pct",
        "mean_gap_60s_pct",
        "max_gap_60s_pct",
        "optimal_10s",
        "optimal_60s",
        "no_schedule_10s",
        "no_schedule_60s",
    ]


def test_main_prints_the_scale_table_from_csvs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    ten, sixty = tmp_path / "scale-10s.csv", tmp_path / "scale-60s.csv"
    write_csv([r for r in ROWS if r["time_limit"] == "10"], ten)
    write_csv([r for r in ROWS if r["time_limit"] == "60"], sixty)
    assert len(read_csv(ten)) == 6
    tables.main([str(ten), str(sixty)])
    text = capsys.readouterr().out
    assert text.startswith("| family | size | instances | mean_first_s |")  # scale rows only
    assert (
        "| single | 6 carriages | 2 | 0.02 | 5.00 | 10.00 | 0.00 | 0.00 | 1 | 2 | 0 | 0 |" in text
    )
    assert "| day | 30 trains | 1 | 12.50 | - | - | 25.00 | 25.00 | 0 | 0 | 1 | 0 |" in text
