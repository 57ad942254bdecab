"""``gaugeopt solve`` on the command line prints its table, writes its files and exits with
the documented codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from budget import DETERMINISTIC
from typer.testing import CliRunner

import gaugeopt.solver
from gaugeopt.cli import app
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution
from gaugeopt.report import plot_result
from gaugeopt.result import Result

EXAMPLES = Path(__file__).resolve().parents[2] / "instances" / "examples"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_solve_prints_table_and_writes_solution_and_gantt(
    runner, tmp_path, deterministic_params
) -> None:
    out, png = tmp_path / "sol.json", tmp_path / "plan.png"
    result = runner.invoke(
        app,
        [
            "solve",
            str(EXAMPLES / "dandong-handover.json"),
            "-t",
            "3",
            "-w",
            "1",
            "--params",
            str(deterministic_params),
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


def test_infeasible_instance_exits_1_with_reason(runner, tmp_path) -> None:
    data = json.loads((EXAMPLES / "khasan-armoured.json").read_text())
    data["station"]["locomotives"] = []
    path = tmp_path / "no-loco.json"
    path.write_text(json.dumps(data))
    out = tmp_path / "sol.json"
    result = runner.invoke(app, ["solve", str(path), "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output  # proven infeasible: exit 1, like a violation
    assert "infeasible: no schedule exists" in result.stdout
    assert "None" not in result.stdout
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
    assert "unknown: no schedule found within the time limit" in result.stdout
    assert "None" not in result.stdout


def test_bad_gantt_suffix_exits_2_before_solving(runner, tmp_path) -> None:
    out = tmp_path / "sol.json"
    result = runner.invoke(
        app,
        ["solve", str(EXAMPLES / "khasan-armoured.json"), "-o", str(out), "--gantt", "x.txt"],
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --gantt: must end in .png, .svg, .pdf or .html, got 'x.txt'"
    )
    assert not out.exists()


def test_result_plot_gantt_draws_the_schedule(tmp_path) -> None:
    inst = read_instance(EXAMPLES / "dandong-handover.json")
    result = gaugeopt.solver.solve(inst, time_limit=2, workers=1, params=DETERMINISTIC)
    fig = plot_result(result, tmp_path / "g.png")
    assert fig.axes and (tmp_path / "g.png").stat().st_size > 20_000


def _with_epoch(tmp_path: Path, epoch: str | None) -> Path:
    data = json.loads((EXAMPLES / "dandong-handover.json").read_text())
    data["epoch"] = epoch
    path = tmp_path / "dandong.json"
    path.write_text(json.dumps(data))
    return path


def test_table_shows_clock_times_and_durations(runner, tmp_path) -> None:
    """D1 arrives at minute 180 and leaves at 300: 03:00, 05:00 and a dwell of 2 h."""
    result = runner.invoke(
        app, ["solve", str(_with_epoch(tmp_path, None)), "-o", str(tmp_path / "s.json"), "-q"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "D1" in line)
    row = lines[at] + lines[at + 1]  # two lines a train: arrival above departure
    assert "day 1 03:00" in row and "day 1 05:00" in row and "2 h" in row
    assert "180" not in row and "300" not in row
    assert "—" in row  # no blocks: a dash, never "None"
    assert "None" not in result.stdout


def test_table_with_epoch_shows_the_date_and_offset(runner, tmp_path) -> None:
    path = _with_epoch(tmp_path, "2025-09-02T00:00:00+08:00")
    result = runner.invoke(app, ["solve", str(path), "-o", str(tmp_path / "s.json"), "-q"])
    assert result.exit_code == 0, result.output
    assert "times +08:00, 2025" in result.stdout  # the year once, in the title
    row = next(line for line in result.stdout.splitlines() if "D1" in line)
    assert "09-02 03:00" in row


def test_solve_json_is_one_object_on_stdout(runner, tmp_path) -> None:
    out = tmp_path / "s.json"
    svg = tmp_path / "plan.svg"
    args = ["solve", str(EXAMPLES / "dandong-handover.json"), "-o", str(out), "-q", "--json"]
    result = runner.invoke(app, [*args, "--gantt", str(svg)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"] == "optimal" and data["objective"] == 450
    assert data["lower_bound"] == 450 and data["gap"] == 0.0
    assert data["solution"] == str(out) and data["gantt"] == str(svg)
    assert [t["train"] for t in data["trains"]] == ["D1", "D2"]
    assert svg.read_text().lstrip().startswith("<?xml")  # an SVG, drawn from the suffix


def test_solve_json_on_an_infeasible_instance_carries_the_reasons(runner, tmp_path) -> None:
    data = json.loads((EXAMPLES / "khasan-armoured.json").read_text())
    data["station"]["locomotives"] = []
    path = tmp_path / "no-loco.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["solve", str(path), "-o", str(tmp_path / "s.json"), "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["status"] == "infeasible" and summary["objective"] is None
    assert any("too few locomotives" in r for r in summary["reasons"])
