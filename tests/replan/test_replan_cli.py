"""What a dispatcher reads from ``gaugeopt replan``: departures old and new, crews' tasks lost
and gained, the same in ``--json``; ``--now`` as clock times; refusals in clock times."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaugeopt.cli import app
from gaugeopt.clock import Clock
from gaugeopt.construct import construct
from gaugeopt.generate import generate
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import write_instance, write_solution
from gaugeopt.model.solution import Solution

EPOCH = "2025-09-02T00:00:00+08:00"


@cache
def _day() -> tuple[Instance, Solution]:
    inst = generate("day", 0, trains=4)
    plan = construct(inst, time_limit=math.inf, seed=0)
    assert plan is not None
    return inst, plan


def _files(
    tmp_path: Path, *, delay: int = 60, epoch: str | None = None
) -> tuple[Path, Path, str, int]:
    """A late train's instance, the plan, the train and a ``now`` before it starts."""
    inst, plan = _day()
    first = {p.id: min(t.start for t in plan.tasks if t.train == p.id) for p in plan.trains}
    late = max(first, key=first.__getitem__)
    now = first[late] // 60 * 60  # on the hour, before the late train's first task
    edited = inst.model_copy(deep=True, update={"epoch": epoch})
    edited.train(late).arrival = max(edited.train(late).arrival, now) + delay
    edited = Instance.model_validate(edited.model_dump(), strict=False)
    ipath, ppath = tmp_path / "late.json", tmp_path / "plan.json"
    write_instance(edited, ipath)
    write_solution(plan.model_copy(update={"instance": edited.name}), ppath)
    return ipath, ppath, late, now


def _run(*args: str):
    return CliRunner().invoke(app, ["replan", *args, "-t", "0.1", "-w", "1"])


def test_the_text_output_shows_each_trains_departure_and_each_crews_tasks(tmp_path) -> None:
    ipath, ppath, late, now = _files(tmp_path)
    clock = Clock()
    done = _run(str(ipath), str(ppath), "--now", clock.time(now), "-o", str(tmp_path / "o.json"))
    assert done.exit_code == 0, done.output
    assert f"replan at {clock.at(now)}" in done.output
    assert "departures" in done.output and "crews" in done.output
    line = next(x for x in done.output.splitlines() if f" {late} " in x)
    assert " +" in line and " min" in line, line  # departs later, the difference signed
    assert "repaired previous plan" in done.output


def test_json_has_departures_crews_and_the_repair_side_by_side(tmp_path) -> None:
    ipath, ppath, late, now = _files(tmp_path)
    done = _run(str(ipath), str(ppath), "--now", str(now), "--json", "-o", str(tmp_path / "o.json"))
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert data["now"] == now and data["status"] in ("optimal", "feasible")
    for side in ("replan", "repaired"):
        assert {"weighted_dwell", "changed", "reassigned", "moved"} <= set(data[side])
    row = next(t for t in data["trains"] if t["id"] == late)
    assert row["difference"] == row["new_departure"] - row["old_departure"] > 0
    assert all({"id", "lost", "gained", "moved"} <= set(c) for c in data["crews"])


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("06:00", 360),
        ("day 2 06:00", 1800),
        ("2025-09-02T06:00", 360),
        ("2025-09-03 06:00 +08:00", 1800),
    ],
)
def test_now_reads_clock_times(text: str, minutes: int) -> None:
    assert Clock.of(EPOCH).parse(text) == minutes


def test_now_as_a_clock_time_with_an_epoch(tmp_path) -> None:
    ipath, ppath, _, now = _files(tmp_path, epoch=EPOCH)
    iso = Clock.of(EPOCH).moment(now)
    assert iso is not None
    args = [str(ipath), str(ppath), "--now", iso.strftime("%Y-%m-%dT%H:%M"), "--json"]
    done = _run(*args, "-o", str(tmp_path / "o.json"))
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["now"] == now


@pytest.mark.parametrize("now", ["5000", "day 3 01:00", "25:00", "soon"])
def test_a_now_past_the_horizon_or_unreadable_is_refused_in_one_line(tmp_path, now) -> None:
    ipath, ppath, _, _ = _files(tmp_path)
    out = tmp_path / "never.json"
    done = _run(str(ipath), str(ppath), "--now", now, "-o", str(out))
    assert done.exit_code == 2
    lines = [x for x in done.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "--now" in lines[0], done.stderr
    assert not out.exists()
    if now == "5000":
        assert "day 4 11:20" in lines[0] and "past the horizon" in lines[0]


def test_a_refusal_names_times_as_clock_times(tmp_path) -> None:
    inst, plan = _day()
    now = sorted(t.start for t in plan.tasks)[len(plan.tasks) // 2]
    task = next(t for t in plan.tasks if t.start < now and t.crew and t.end > t.start)
    edited = inst.model_copy(deep=True)
    crew = next(c for c in edited.station.crews if c.id == task.crew)
    crew.shifts = [(0, task.start + 1)] if task.start > 0 else [(task.end, task.end + 60)]
    edited = Instance.model_validate(edited.model_dump(), strict=False)
    ipath, ppath = tmp_path / "bad.json", tmp_path / "plan.json"
    write_instance(edited, ipath)
    write_solution(plan, ppath)
    done = _run(str(ipath), str(ppath), "--now", str(now), "-o", str(tmp_path / "o.json"))
    assert done.exit_code == 2
    clock = Clock()
    assert f"started at {clock.at(task.start)}, before now {clock.at(now)}" in done.stderr
    assert "[" not in done.stderr  # shifts as clock spans, not [a, b)
