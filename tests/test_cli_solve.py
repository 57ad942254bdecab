"""``gaugeopt solve`` on the command line: table, files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gaugeopt.solver
from gaugeopt.cli import _register, app
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution
from gaugeopt.result import Result

_register()
EXAMPLES = Path(__file__).resolve().parents[1] / "instances" / "examples"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_solve_prints_table_and_writes_solution_and_gantt(runner, tmp_path) -> None:
    out, png = tmp_path / "sol.json", tmp_path / "plan.png"
    result = runner.invoke(
        app,
        [
            "solve",
            str(EXAMPLES / "dandong-handover.json"),
            "-t",
            "10",
            "-o",
            str(out),
            "--gantt",
            str(png),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "optimal: objective 450" in result.stdout
    assert "D1" in result.stdout and "through" in result.stdout
    assert json.loads(out.read_text())["status"] == "optimal"
    assert png.stat().st_size > 20_000


def test_infeasible_instance_exits_0_with_reason(runner, tmp_path) -> None:
    data = json.loads((EXAMPLES / "khasan-armoured.json").read_text())
    data["station"]["locomotives"] = []
    path = tmp_path / "no-loco.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "sol.json"
    result = runner.invoke(app, ["solve", str(path), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "infeasible" in result.stdout
    assert "reason: too few locomotives of gauge 1520" in result.stdout
    assert json.loads(out.read_text())["status"] == "infeasible"


def test_nothing_found_exits_3(runner, tmp_path, monkeypatch) -> None:
    def no_schedule(inst, **_):
        return Result(inst, Solution(instance=inst.name, status="unknown"))

    monkeypatch.setattr(gaugeopt.solver, "solve", no_schedule)
    out = tmp_path / "sol.json"
    result = runner.invoke(
        app, ["solve", str(EXAMPLES / "khasan-armoured.json"), "-o", str(out), "-q"]
    )
    assert result.exit_code == 3
    assert json.loads(out.read_text())["status"] == "unknown"


def test_bad_gantt_suffix_exits_2_before_solving(runner, tmp_path) -> None:
    out = tmp_path / "sol.json"
    result = runner.invoke(
        app,
        ["solve", str(EXAMPLES / "khasan-armoured.json"), "-o", str(out), "--gantt", "x.pdf"],
    )
    assert result.exit_code == 2
    assert "--gantt" in result.stderr
    assert not out.exists()


def test_result_plot_gantt_draws_the_schedule(tmp_path) -> None:
    result = gaugeopt.solver.solve(read_instance(EXAMPLES / "dandong-handover.json"), time_limit=5)
    fig = result.plot_gantt(tmp_path / "g.png")
    assert fig.axes and (tmp_path / "g.png").stat().st_size > 20_000
