"""The PyJobShop baseline reaches PSPLIB optima, gives feasible MMLIB makespans and checked
gauge schedules naming what it fixed, and turns bad files into error rows."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

from gaugeopt.bench.baselines import DEFAULT_DIR, import_from

# The baseline is benchmark-only code in the repository's benchmarks/baselines, not installed.
BASELINES = Path(__file__).resolve().parents[2] / DEFAULT_DIR
_baseline = import_from(BASELINES, "pyjobshop_baseline")
_gauge = import_from(BASELINES, "pyjobshop_gauge")
solve_gauge_with_pyjobshop = _baseline.solve_gauge_with_pyjobshop
solve_psplib_with_pyjobshop = _baseline.solve_psplib_with_pyjobshop
breaks, shift_classes = _gauge.breaks, _gauge.shift_classes

pytest.importorskip("pyjobshop")


def _bks(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="") as f:
        return {row["instance"]: row for row in csv.DictReader(f)}


@pytest.mark.parametrize("name", ["j301_1", "j3010_1"])
def test_j30_reaches_the_known_optimum(bench_data: Path, name: str) -> None:
    bks = _bks(bench_data / "psplib" / "bks.csv")[name]
    r = solve_psplib_with_pyjobshop(bench_data / "psplib/j30" / f"{name}.sm", 5, 2)
    assert r.instance == name and r.method == "pyjobshop"
    assert r.status == "optimal"
    assert r.objective == int(bks["best_known"])
    assert r.lower_bound == r.objective
    assert r.build_time is not None and r.wall_time >= r.build_time
    assert r.time_to_first is None and "no solution callback" in r.notes


def test_mmlib_makespan_is_feasible_and_above_the_bound(bench_data: Path) -> None:
    bks = _bks(bench_data / "mmlib" / "bks.csv")["J501_1"]
    r = solve_psplib_with_pyjobshop(bench_data / "mmlib/mmlib50/J501_1.mm", 5, 2)
    assert r.status in ("optimal", "feasible")
    assert r.objective >= int(bks["lower_bound"])
    assert r.lower_bound <= r.objective


def test_gauge_example_is_checked_and_names_what_is_fixed(examples_dir: Path) -> None:
    r = solve_gauge_with_pyjobshop(examples_dir / "khasan-armoured.json", 2, 2)
    assert r.status == "feasible" and r.method == "pyjobshop"
    assert r.valid is True, r.notes
    assert "block cuts" in r.notes and "locomotives" in r.notes
    # Our dwell objective never exceeds PyJobShop's flow time (the depart task may lag).
    assert 0 < r.objective <= r.extra["pyjobshop_objective"]
    assert r.lower_bound is None and r.extra["pyjobshop_lower_bound"] <= r.objective


def _two_way(examples_dir: Path, tmp_path: Path) -> Path:
    """Khasan with touching shifts and a second train that needs the first one's bogies."""
    data = json.loads((examples_dir / "khasan-armoured.json").read_text())
    crew = next(c for c in data["station"]["crews"] if c["id"] == "KD1")
    crew["shifts"] = [[360, 700], [700, 1080]]
    first = data["trains"][0]
    back = {
        "id": "K2",
        "arrival": first["arrival"] + 60,
        "from_gauge": first["to_gauge"],
        "to_gauge": first["from_gauge"],
        "carriages": [
            {"id": f"K2-{i}", "mass_t": 60.0, "bogie_type": first["carriages"][0]["bogie_type"]}
            for i in range(2)
        ],
    }
    data["trains"].append(back)
    data["station"]["locomotives"].append({"id": "L1435", "gauge": first["from_gauge"]})
    data["name"] = "two-way"
    path = tmp_path / "two-way.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.slow
def test_relaxed_bogie_timing_is_named(examples_dir: Path, tmp_path: Path) -> None:
    r = solve_gauge_with_pyjobshop(_two_way(examples_dir, tmp_path), 8, 2)
    assert r.status == "feasible"
    assert "relaxed: bogie stock" in r.notes
    assert "touching" not in r.notes  # touching shifts are expressed exactly
    if not r.valid:
        assert "violates: bogie-stock" in r.notes
        assert "crew-shift" not in r.notes


def test_warm_start_row(examples_dir: Path) -> None:
    r = solve_gauge_with_pyjobshop(examples_dir / "dandong-handover.json", 2, 2, warm_start=True)
    assert r.method == "pyjobshop-warm"
    assert r.status == "feasible" and r.valid is True
    assert r.objective <= r.extra["greedy_objective"]


def test_missing_pyjobshop_is_an_error_row(
    monkeypatch: pytest.MonkeyPatch, bench_data: Path, examples_dir: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyjobshop", None)  # makes `import pyjobshop` fail
    for r in (
        solve_psplib_with_pyjobshop(bench_data / "psplib/j30/j301_1.sm", 1, 1),
        solve_gauge_with_pyjobshop(examples_dir / "khasan-armoured.json", 1, 1),
    ):
        assert r.status == "error"
        assert "pip install '.[bench]'" in r.notes
        assert r.objective is None


def test_bad_files_are_error_rows(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert solve_gauge_with_pyjobshop(bad, 1, 1).status == "error"
    sm = tmp_path / "bad.sm"
    sm.write_text("not a project file\n")
    assert solve_psplib_with_pyjobshop(sm, 1, 1).status == "error"


def test_touching_shifts_alternate_between_two_machines() -> None:
    assert shift_classes([(0, 480), (600, 900)]) == [[(0, 480), (600, 900)]]
    assert shift_classes([(480, 960), (0, 480), (960, 1440)]) == [
        [(0, 480), (960, 1440)],
        [(480, 960)],
    ]
    assert shift_classes([]) == []
    assert breaks([(0, 480), (960, 1440)], 1440) == [(480, 960)]
    assert breaks([(100, 200)], 300) == [(0, 100), (200, 300)]
