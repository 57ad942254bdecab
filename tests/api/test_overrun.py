"""The overrun schedule: horizon lifted, shifts repeated, valid under every other rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import builders
import pytest
from typer.testing import CliRunner

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.cli import app
from gaugeopt.clock import Clock
from gaugeopt.model.io import parse_instance, parse_solution, read_solution
from gaugeopt.overrun import lifted_instance, overrun_path, overrun_schedule, write_overrun


def _day(horizon: int = 600) -> dict[str, Any]:
    """Two trains of 6 carriages at 05:00 and 05:30; the one lifting crew works 06:00-07:00
    (60 min of the 120 the lifting takes), so no schedule meets the horizon of 10:00."""
    every = [[0, horizon]]
    crews = [
        {"id": "L", "skills": ["lifting"], "shifts": [[360, 420]]},
        {"id": "C1", "skills": ["coupling"], "shifts": every},
        {"id": "C2", "skills": ["coupling"], "shifts": every},
        {"id": "B1", "skills": ["bogie"], "shifts": every},
        {"id": "S1", "skills": ["shunting", "brake"], "shifts": every},
        {"id": "X1", "skills": ["customs"], "shifts": [[0, 300], [300, horizon]]},
    ]
    trains = [
        builders.train(tid, arrival=arrival, cars=6, bogie_type="p", car_id="{train}-{k}", first=0)
        for tid, arrival in (("A", 300), ("B", 330))
    ]
    station = {
        "name": "S",
        "tracks": [{"id": "T1", "capacity": 6, "jack_sets": 3, "max_mass_t": 100.0},
                   {"id": "T2", "capacity": 6, "jack_sets": 3, "max_mass_t": 100.0,
                    "unavailable": [[100, 200]]}],
        "shunters": [{"id": "SH1"}],
        "bogie_stock": [{"gauge": 1520, "type": "p", "count": 24}],
        "bogie_turnaround": 30,
        "crews": crews,
        "locomotives": [{"id": "L1", "gauge": 1520}, {"id": "L2", "gauge": 1520}],
        "durations": builders.durations(changer_per_carriage=1),
    }  # fmt: skip
    return {"name": "short-day", "horizon": horizon, "station": station, "trains": trains}


def test_lifted_instance_repeats_shifts_with_the_horizon_as_period() -> None:
    inst = parse_instance(_day())
    lifted = lifted_instance(inst, 3)
    assert lifted.horizon == 1800 and lifted.name == inst.name
    shifts = {c.id: c.shifts for c in lifted.station.crews}
    assert shifts["L"] == [(360, 420), (960, 1020), (1560, 1620)]
    # touching shifts stay apart; a shift reaching the horizon joins nothing
    assert shifts["X1"] == [(0, 300), (300, 600), (600, 900), (900, 1200), (1200, 1500),
                            (1500, 1800)]  # fmt: skip
    # everything else as it was
    same = ("tracks", "shunters", "bogie_stock", "locomotives", "durations", "bogie_turnaround")
    for key in same:
        assert getattr(lifted.station, key) == getattr(inst.station, key)
    assert lifted.trains == inst.trains
    assert lifted_instance(inst, 1).model_dump() == inst.model_dump()


def test_overlapping_copies_merge() -> None:
    data = _day()
    # longer than the period of 600: each copy starts before the last one ends
    data["station"]["crews"][0]["shifts"] = [[100, 750]]
    lifted = lifted_instance(parse_instance(data), 2)
    assert next(c for c in lifted.station.crews if c.id == "L").shifts == [(100, 1200)]


def test_factor_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="factor"):
        lifted_instance(parse_instance(_day()), 0)


def test_overrun_schedule_passes_the_checker_on_the_lifted_instance(tmp_path: Path) -> None:
    inst = parse_instance(_day())
    assert gaugeopt.solve(inst, time_limit=2, workers=1).status in ("infeasible", "unknown")
    found = overrun_schedule(inst, 2.0, workers=1)
    assert found is not None
    assert check(found.instance, found.solution) == []
    assert found.instance.horizon == found.factor * inst.horizon
    latest = max(p.departure for p in found.solution.trains)
    assert found.overrun == latest - inst.horizon > 0
    per = {t.train: t for t in found.trains()}
    assert set(per) == {"A", "B"}
    assert all(t.overrun == max(0, t.departure - inst.horizon) for t in per.values())
    assert any(n.startswith("root cause: lifting:") for n in found.notes)
    path = overrun_path(tmp_path / "day.sol.json")
    assert path.name == "day.sol.overrun.json"
    write_overrun(found, path)
    data = json.loads(path.read_text())
    assert data["overrun_minutes"] == found.overrun and data["horizon"] == 600
    assert data["latest_departure_at"] == Clock().at(latest)
    lifted = parse_instance(data["lifted_instance"])
    sol = parse_solution(data["solution"])
    assert check(lifted, sol) == []


def test_no_overrun_schedule_when_another_rule_forbids_every_schedule() -> None:
    data = _day()
    data["station"]["locomotives"] = []  # no outbound locomotive, whatever the horizon
    assert overrun_schedule(parse_instance(data), 1.0, workers=1) is None


def test_solve_cli_writes_the_overrun_file_and_keeps_the_status(tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    path.write_text(json.dumps(_day()))
    out = tmp_path / "day.sol.json"
    result = CliRunner().invoke(app, ["solve", str(path), "-t", "2", "-w", "1", "-o", str(out)])
    assert result.exit_code in (1, 3), result.output
    assert read_solution(out).status in ("infeasible", "unknown")
    # The pre-checks' reason is the root cause printed; the overrun file adds the load figures.
    cause = next(line for line in result.stdout.splitlines() if line.startswith("root cause: "))
    assert "lifting" in cause
    overrun = tmp_path / "day.sol.overrun.json"
    assert "overrun schedule written to" in result.stdout and overrun.exists()
    data = json.loads(overrun.read_text())
    assert data["overrun_minutes"] > 0 and len(data["trains"]) == 2
    assert any(n.startswith("root cause: lifting") for n in data["notes"])
    assert check(parse_instance(data["lifted_instance"]), parse_solution(data["solution"])) == []


def test_solve_json_names_the_root_cause_and_the_overrun_file(tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    path.write_text(json.dumps(_day()))
    out = tmp_path / "day.sol.json"
    args = ["solve", str(path), "-t", "1", "-w", "1", "-o", str(out), "--json"]
    result = CliRunner().invoke(app, args)
    summary = json.loads(result.stdout)
    assert summary["status"] in ("infeasible", "unknown")
    assert "lifting" in summary["root_cause"]
    assert summary["overrun"] == str(tmp_path / "day.sol.overrun.json")
    assert summary["overrun_minutes"] > 0
