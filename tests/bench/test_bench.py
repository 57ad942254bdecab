"""The benchmark runner writes one CSV row per (instance, method) with best-known deviations,
and refuses bad input with exit 2."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaugeopt.bench.discover import discover
from gaugeopt.bench.methods import format_trace, parse_trace
from gaugeopt.bench.summary import frame, per_method, versus
from gaugeopt.cli import app
from gaugeopt.core.psplib import read_psplib
from gaugeopt.core.sgs import Schedule, best_of_rules, violations
from gaugeopt.generate import generate
from gaugeopt.model.io import write_instance

EXPECTED = {
    "set",
    "instance",
    "kind",
    "method",
    "status",
    "objective",
    "lower_bound",
    "gap",
    "best_known",
    "best_known_optimal",
    "deviation",
    "time_to_first",
    "time_to_best",
    "build_time",
    "wall_time",
    "peak_memory_mb",
    "valid",
    "code",
    "trace",
}


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def j30(bench_data: Path) -> list[Path]:
    return [bench_data / "psplib" / "j30" / f"j301_{k}.sm" for k in (1, 2)]


@pytest.mark.slow
def test_bench_writes_one_row_per_instance_and_method(
    runner: CliRunner, tmp_path: Path, j30: list[Path]
) -> None:
    gauge = tmp_path / "tiny"
    for seed in (3, 9):  # single trains of 6 carriages
        write_instance(generate("single", seed, "small"), gauge / f"tiny-{seed}.json")
    out = tmp_path / "results.csv"
    args = ["bench", str(gauge), *map(str, j30), "--time-limit", "2", "--workers", "1"]
    res = runner.invoke(app, [*args, "--methods", "gaugeopt,greedy", "--out", str(out)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open()))
    assert set(rows[0]) >= EXPECTED
    assert sorted((r["instance"], r["method"]) for r in rows) == sorted(
        (name, m)
        for name in ("tiny-3", "tiny-9", "j301_1", "j301_2")
        for m in ("gaugeopt", "greedy")
    )
    for r in rows:
        assert r["status"] in ("optimal", "feasible"), r
        assert r["valid"] == "True"
        assert parse_trace(r["trace"])[-1][1] == float(r["objective"])
        if r["kind"] == "psplib":
            bk = float(r["best_known"])
            assert r["set"] == "j30"
            assert r["best_known_optimal"] == "True"
            assert float(r["deviation"]) == pytest.approx((float(r["objective"]) - bk) / bk)
        else:
            assert r["kind"] == "gauge" and r["set"] == "tiny"
            assert r["deviation"] == ""
    assert "per set and method" in res.output
    assert "None" not in res.output  # the greedy has no bound: printed as a dash


def test_bench_bad_input_exits_2(runner: CliRunner, tmp_path: Path, j30: list[Path]) -> None:
    res = runner.invoke(
        app, ["bench", str(tmp_path / "missing.json"), "--out", str(tmp_path / "r.csv")]
    )
    assert res.exit_code == 2
    res = runner.invoke(app, ["bench", str(j30[0]), "--methods", "magic"])
    assert res.exit_code == 2
    (tmp_path / "notes.md").write_text("x")
    res = runner.invoke(app, ["bench", str(tmp_path / "notes.md")])
    assert res.exit_code == 2
    assert not (tmp_path / "r.csv").exists()


def test_discover_list_file_and_best_known(tmp_path: Path, bench_data: Path) -> None:
    mm = bench_data / "mmlib" / "mmlib50" / "J5010_1.mm"
    listing = tmp_path / "sample.txt"
    listing.write_text(f"# a comment\n{mm}\n\n{mm}  # twice, kept once\n")
    found = discover([listing])
    assert len(found) == 1
    assert (found[0].kind, found[0].set, found[0].best_known) == ("mmlib", "mmlib50", 26.0)


@pytest.mark.parametrize(
    "rel", ["psplib/j30/j301_1.sm", "psplib/j120/j1201_1.sm", "mmlib/mmlib50/J5010_1.mm"]
)
def test_serial_sgs_is_feasible(bench_data: Path, rel: str) -> None:
    problem, _ = read_psplib(bench_data / rel)
    sched = best_of_rules(problem)
    assert sched is not None
    assert violations(problem, sched) == []
    # and the checker catches a broken schedule
    broken = Schedule([0] * len(sched.starts), sched.ends, sched.modes, sched.objective)
    assert violations(problem, broken)


def test_summary_time_to_equal_quality() -> None:
    common = {"set": "s", "instance": "a", "path": "a", "lower_bound": None, "gap": None}
    rows = [
        {
            **common,
            "method": "gaugeopt",
            "status": "optimal",
            "objective": 90,
            "lower_bound": 90,
            "gap": 0.0,
            "wall_time": 5.0,
            "time_to_best": 4.0,
            "trace": format_trace([(0.5, 120), (2.0, 100), (4.0, 90)]),
        },
        {
            **common,
            "method": "greedy",
            "status": "feasible",
            "objective": 100,
            "wall_time": 1.0,
            "time_to_best": 1.0,
            "trace": format_trace([(1.0, 100)]),
        },
    ]
    for r in rows:
        r.update(
            deviation=None, best_known=None, valid=True, peak_memory_mb=50.0, time_to_first=0.5
        )
    df = frame(rows)
    (mine,) = [r for r in per_method(df) if r["method"] == "gaugeopt"]
    assert mine["optimal_pct"] == 100.0
    (vs,) = versus(df)
    assert (vs["better"], vs["equal"], vs["worse"]) == (1, 0, 0)
    assert (vs["our_gap_pct"], vs["their_gap_pct"]) == (0.0, pytest.approx(10.0))  # to bound 90
    assert vs["reached_their_quality"] == 1
    assert vs["time_ratio_geomean"] == pytest.approx(2.0)  # reached 100 at 2.0 s vs their 1.0 s
