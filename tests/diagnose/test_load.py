"""The load analysis: needed against available per resource, and the one root cause."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import builders
import pytest

from gaugeopt.diagnose.load import Load, loads, root_cause, root_cause_line, train_demands
from gaugeopt.model.instance import carriage_minutes
from gaugeopt.model.io import parse_instance

EXAMPLES = Path(__file__).resolve().parents[2] / "instances" / "examples"


def _crew(cid: str, skills: list[str], shifts: list[list[int]]) -> dict[str, Any]:
    return {"id": cid, "skills": skills, "shifts": shifts}


def _station(crews: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return builders.station(
        tracks=[builders.track(t, capacity=10, jack_sets=2) for t in ("T1", "T2")],
        bogie_stock=[{"gauge": 1520, "type": "p", "count": 100}],
        crews=crews,
        locomotives=[{"id": "L1", "gauge": 1520}, {"id": "L2", "gauge": 1520}],
        durations=builders.durations(changer_per_carriage=1),
        **extra,
    )


def _train(tid: str, arrival: int, cars: int) -> dict[str, Any]:
    return builders.train(
        tid, arrival=arrival, cars=cars, bogie_type="p", car_id="{train}-{k}", first=0
    )


def _lifting_short(horizon: int = 600) -> Any:
    """Two trains of 10 carriages; one lifting crew on duty 06:00-08:00, everything else
    plentiful and on duty all day."""
    crews = [
        _crew("L", ["lifting"], [[360, 480]]),
        *[_crew(f"C{k}", ["coupling"], [[0, horizon]]) for k in range(4)],
        *[_crew(f"B{k}", ["bogie"], [[0, horizon]]) for k in range(4)],
        _crew("S", ["shunting", "brake"], [[0, horizon]]),
        _crew("X", ["customs"], [[0, horizon]]),
    ]
    data = {
        "name": "lifting-short",
        "horizon": horizon,
        "station": _station(crews),
        "trains": [_train("A", 300, 10), _train("B", 330, 10)],
    }
    return parse_instance(data)


def test_the_root_cause_names_the_overloaded_skill_with_its_numbers() -> None:
    inst = _lifting_short()
    top = root_cause(inst)
    assert top is not None and top.resource == "lifting"
    # 20 carriages x (lift 5 + lower 5) = 200 crew-min, one crew on duty 120 min
    assert (top.needed, top.available) == (200, 120)
    assert top.overloaded
    line = root_cause_line(inst)
    assert line.startswith("lifting: 200 crew-min needed after arrivals, 120 on duty in")
    assert "day 1 06:00–08:00" in line and "(167 %)" in line


def test_needed_lifting_matches_the_rulebook_durations() -> None:
    inst = _lifting_short()
    train = inst.trains[0]
    d = inst.station.durations
    want = sum(carriage_minutes(d, c).lift + carriage_minutes(d, c).lower for c in train.carriages)
    assert min(dem["lifting"] for dem in train_demands(inst, train)) == want


def test_only_work_after_each_window_start_counts() -> None:
    # the lifting crew works before the second train arrives: that train's work alone
    # (10 carriages, 100 crew-min) faces no lifting crew at all
    inst = _lifting_short()
    inst.station.crews[0].shifts = [(300, 320)]
    top = root_cause(inst)
    assert top is not None and top.resource == "lifting"
    assert top.start == 330 and top.available == 0 and math.isinf(top.ratio)
    assert "by the trains arriving from day 1 05:30" in top.line()


def test_enough_crews_means_nothing_overloaded() -> None:
    inst = _lifting_short()
    inst.station.crews[0].shifts = [(0, 600)]
    inst.station.crews.append(inst.station.crews[0].model_copy(update={"id": "L2"}))
    assert not any(ld.overloaded for ld in loads(inst))
    assert root_cause_line(inst).startswith("no resource is overloaded on its own")


def test_a_short_bogie_stock_is_counted() -> None:
    data = json.loads((EXAMPLES / "brest-passenger.json").read_text())
    for b in data["station"]["bogie_stock"]:
        b["count"] = 2
    inst = parse_instance(data)
    bogies = [ld for ld in loads(inst) if ld.resource.startswith("bogies 1435")]
    assert bogies and bogies[0].overloaded and bogies[0].unit == "bogies"
    assert root_cause(inst) == bogies[0]


def test_a_shunter_overload_is_found() -> None:
    inst = _lifting_short()
    inst.station.crews[0].shifts = [(0, 600)]
    inst.horizon = 345  # 2 x 2 shunts of 10 min after 05:30, 15 shunter-min left
    shunt = next(ld for ld in loads(inst) if ld.resource == "shunters")
    assert shunt.needed >= 20 and shunt.available == 15 and shunt.overloaded


@pytest.mark.parametrize("name", ["erenhot-day", "khasan-armoured", "brest-ground-air"])
def test_examples_are_not_overloaded(name: str) -> None:
    # feasible examples: nothing needs more than the station has (every figure is a bound)
    data = json.loads((EXAMPLES / f"{name}.json").read_text())
    inst = parse_instance(data)
    assert all(isinstance(ld, Load) and not ld.overloaded for ld in loads(inst))


def _used(inst: Any, sol: Any, load: Load) -> int:
    """What the schedule actually spends on ``load``'s resource for the trains arriving at
    or after its window start."""
    from gaugeopt.rules.reading import skill

    arrival = {t.id: t.arrival for t in inst.trains}
    tasks = [t for t in sol.tasks if arrival[t.train] >= (load.start or 0)]
    if load.unit == "crew-min":
        skills = (
            {load.resource}
            if " " not in load.resource
            else set(load.resource.removeprefix("crews with ").replace(" or ", ", ").split(", "))
        )
        return sum(t.end - t.start for t in tasks if skill(t.op) in skills and t.crew)
    if load.resource == "shunters":
        return sum(t.end - t.start for t in tasks if t.shunter)
    if load.resource == "tracks":
        start = {(t.train, t.block): t.start for t in tasks if t.op == "shunt_in"}
        return sum(t.end - start[t.train, t.block] for t in tasks if t.op == "shunt_out")
    if load.resource == "jack sets":
        methods = {tr.id: tr.method for tr in inst.station.tracks}
        lift = {t.carriage: t.start for t in tasks if t.op == "lift"}
        return sum(
            t.end - lift[t.carriage]
            for t in tasks
            if t.op == "lower" and methods[t.track] == "individual"
        )
    raise AssertionError(load.resource)


@pytest.mark.parametrize(("family", "seed"), [("roles", 1), ("random-skills", 2), ("day", 3)])
def test_needed_never_exceeds_what_a_schedule_spends(family: str, seed: int) -> None:
    # needed is a lower bound and available an upper bound: a real schedule lies between
    from gaugeopt.checker import check
    from gaugeopt.construct import construct
    from gaugeopt.generate import generate

    inst = generate(family, seed, "small")
    sol = construct(inst, time_limit=math.inf, seed=0)
    assert sol is not None and check(inst, sol) == []
    checked = 0
    for load in loads(inst):
        if load.unit not in ("crew-min", "shunter-min") and load.resource not in (
            "tracks",
            "jack sets",
        ):
            continue
        used = _used(inst, sol, load)
        assert load.needed <= used, load.line()
        if load.unit == "crew-min":
            assert used <= load.available, load.line()
        checked += 1
    assert checked >= 10
