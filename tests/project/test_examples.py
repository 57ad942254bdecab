"""The worked examples: valid, stable on round trip, and structurally feasible."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest
from example_files import example_instances
from typer.testing import CliRunner

from gaugeopt.cli import app
from gaugeopt.model.instance import Instance, Train, scaled
from gaugeopt.model.io import read_instance, write_instance

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "instances" / "examples"
NAMES = [
    "brest-couplers",
    "brest-ground-air",
    "brest-passenger",
    "dandong-handover",
    "erenhot-day",
    "erenhot-inspected",
    "khasan-armoured",
]


@pytest.fixture(scope="module", params=NAMES)
def example(request: pytest.FixtureRequest) -> tuple[Path, Instance]:
    path = EXAMPLES_DIR / f"{request.param}.json"
    return path, read_instance(path)


def test_every_example_is_listed(examples_dir: Path) -> None:
    assert sorted(p.stem for p in example_instances(examples_dir)) == NAMES


def test_name_matches_file(example: tuple[Path, Instance]) -> None:
    path, inst = example
    assert inst.name == path.stem


def test_round_trip_is_unchanged(example: tuple[Path, Instance], tmp_path: Path) -> None:
    path, inst = example
    copy = tmp_path / path.name
    write_instance(inst, copy)
    assert read_instance(copy) == inst
    # The shipped file is exactly what write_instance produces: no hand edits drift in.
    assert copy.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_cli_validate_prints_summary(example: tuple[Path, Instance]) -> None:
    path, inst = example
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{inst.name}: valid (horizon {inst.horizon} min)")
    n_car = sum(len(t.carriages) for t in inst.trains)
    assert f"trains       {len(inst.trains)} (" in result.stdout
    assert f"{n_car} carriages" in result.stdout
    assert result.stderr == ""


# --- structural feasibility: necessary conditions a solver relies on ---------------------


def _exchange_possible(train: Train) -> bool:
    return train.from_gauge != train.to_gauge


def _changer_possible(inst: Instance, train: Train) -> bool:
    return (
        _exchange_possible(train)
        and inst.station.changer is not None
        and all(c.variable_gauge for c in train.carriages)
    )


def _skill_tasks(inst: Instance, train: Train) -> dict[str, int]:
    """Longest task per skill this train may need (exchange mode when it changes gauge)."""
    d = inst.station.durations
    check = train.border_check if train.border_check is not None else d.border_check
    need = {"coupling": max(d.detach, d.attach), "brake": d.brake_test, "customs": check}
    need["inspection"] = d.inspection + d.inspection_per_carriage * len(train.carriages)
    if _exchange_possible(train):
        n = len(train.carriages)
        cars = train.carriages
        need["coupling"] = max(
            need["coupling"],
            d.couple_per_carriage * n,
            *(scaled(max(d.disconnect, d.reconnect), c.work_pct) for c in cars),
            *(scaled(d.coupler, c.work_pct) for c in cars if train.coupler_exchange),
        )
        need["lifting"] = max(scaled(max(d.lift, d.lower), c.work_pct) for c in cars)
        need["bogie"] = max(scaled(d.swap_per_bogie * c.bogies, c.work_pct) for c in cars)
        need["shunting"] = d.shunt
    return {skill: minutes for skill, minutes in need.items() if minutes > 0}


def test_every_carriage_fits_some_track(example: tuple[Path, Instance]) -> None:
    _, inst = example
    for train in inst.trains:
        if not _exchange_possible(train) or _changer_possible(inst, train):
            continue
        for car in train.carriages:
            assert any(
                t.max_mass_t >= car.mass_t and t.capacity >= 1 for t in inst.station.tracks
            ), f"{car.id} ({car.mass_t} t) fits no track"


def test_every_needed_skill_has_a_long_enough_shift(example: tuple[Path, Instance]) -> None:
    _, inst = example
    for train in inst.trains:
        for skill, minutes in _skill_tasks(inst, train).items():
            # Some crew with the skill has a shift leaving room for the task after arrival.
            assert any(
                skill in crew.skills and min(b, inst.horizon) - max(a, train.arrival) >= minutes
                for crew in inst.station.crews
                for a, b in crew.shifts
            ), f"{train.id}: no {skill} crew for a {minutes}-minute task"


def test_crew_minutes_cover_the_work(example: tuple[Path, Instance]) -> None:
    """Per skill, crews' shift minutes are at least twice a lower bound on the work.

    A crew with several skills counts for each of them, so this is a necessary condition.
    """
    _, inst = example
    d = inst.station.durations
    demand: Counter[str] = Counter()
    for train in inst.trains:
        check = train.border_check if train.border_check is not None else d.border_check
        demand["coupling"] += d.detach + d.attach
        demand["brake"] += d.brake_test
        demand["customs"] += check
        demand["inspection"] += d.inspection + d.inspection_per_carriage * len(train.carriages)
        if not _exchange_possible(train):
            continue
        cars = train.carriages
        demand["coupling"] += d.couple_per_carriage * len(cars)
        demand["coupling"] += sum(
            scaled(d.disconnect, c.work_pct) + scaled(d.reconnect, c.work_pct) for c in cars
        )
        if train.coupler_exchange:
            demand["coupling"] += sum(scaled(d.coupler, c.work_pct) for c in cars)
        demand["lifting"] += sum(
            scaled(d.lift, c.work_pct) + scaled(d.lower, c.work_pct) for c in cars
        )
        # The cheaper of a swap and a roll's share (roll_setup is per block, left out).
        demand["bogie"] += sum(
            min(scaled(d.swap_per_bogie * c.bogies, c.work_pct), d.roll_per_bogie * c.bogies)
            for c in cars
        )
        demand["shunting"] += 2 * d.shunt  # at least one block
    supply: Counter[str] = Counter()
    for crew in inst.station.crews:
        minutes = sum(min(b, inst.horizon) - a for a, b in crew.shifts if a < inst.horizon)
        for skill in crew.skills:
            supply[skill] += minutes
    for skill, minutes in demand.items():
        # Slack: at least twice the work, since crews share skills and tasks wait on others.
        assert supply[skill] >= 2 * minutes, f"{skill}: {supply[skill]} < 2 x {minutes}"


def test_enough_locomotives_per_outbound_gauge(example: tuple[Path, Instance]) -> None:
    _, inst = example
    needed = Counter(t.to_gauge for t in inst.trains)
    available = Counter(loco.gauge for loco in inst.station.locomotives)
    available.update(t.inbound_loco.gauge for t in inst.trains if t.inbound_loco is not None)
    for gauge, count in needed.items():
        assert available[gauge] >= count, f"gauge {gauge}: {available[gauge]} < {count}"
    # Every train has a locomotive that can take it without waiting for a later arrival.
    for train in inst.trains:
        assert any(loco.gauge == train.to_gauge for loco in inst.station.locomotives) or any(
            o.inbound_loco is not None
            and o.inbound_loco.gauge == train.to_gauge
            and o.arrival <= train.arrival
            for o in inst.trains
        ), f"{train.id}: no {train.to_gauge} locomotive on hand"


def test_bogie_stock_with_returns_covers_demand(example: tuple[Path, Instance]) -> None:
    """In arrival order, what trains so far take <= start stock + what earlier trains return.

    Trains that could use the changer are counted as exchanges (the worst case).
    """
    _, inst = example
    stock: defaultdict[tuple[int, str], int] = defaultdict(int)
    for b in inst.station.bogie_stock:
        stock[(b.gauge, b.type)] += b.count
    taken: Counter[tuple[int, str]] = Counter()
    by_arrival = sorted(inst.trains, key=lambda t: t.arrival)
    for train in by_arrival:
        if not _exchange_possible(train):
            continue
        for car in train.carriages:
            taken[(train.to_gauge, car.bogie_type)] += car.bogies
        returned_before: Counter[tuple[int, str]] = Counter()
        for other in by_arrival:
            if other.arrival >= train.arrival or not _exchange_possible(other):
                continue
            for car in other.carriages:
                returned_before[(other.from_gauge, car.bogie_type)] += car.bogies
        for key, count in taken.items():
            assert count <= stock[key] + returned_before[key], (
                f"{train.id}: {key} needs {count} by now, "
                f"has {stock[key]} + {returned_before[key]} returned"
            )


def test_trains_fit_the_horizon(example: tuple[Path, Instance]) -> None:
    """A crude lower bound on each train's dwell leaves most of the horizon free."""
    _, inst = example
    d = inst.station.durations
    for train in inst.trains:
        check = train.border_check if train.border_check is not None else d.border_check
        chain = d.detach + d.attach + d.brake_test
        if _exchange_possible(train):
            car = max(
                scaled(d.disconnect, c.work_pct)
                + scaled(d.lift, c.work_pct)
                + scaled(d.swap_per_bogie * c.bogies, c.work_pct)
                + scaled(d.lower, c.work_pct)
                + scaled(d.reconnect, c.work_pct)
                for c in train.carriages
            )
            chain += 2 * d.shunt + car + d.couple_per_carriage * len(train.carriages)
        bound = max(chain, check)
        assert train.arrival + 2 * bound <= inst.horizon, (
            f"{train.id}: {bound} min from {train.arrival}"
        )


# --- what each example is meant to show (instances/README.md) ---------------------------


def _load(name: str) -> Instance:
    return read_instance(EXAMPLES_DIR / f"{name}.json")


def test_khasan_is_the_armoured_train_case() -> None:
    inst = _load("khasan-armoured")
    (train,) = inst.trains
    assert len(train.carriages) == 15
    assert (train.from_gauge, train.to_gauge) == (1435, 1520)
    assert train.inbound_loco is not None and train.inbound_loco.gauge != train.to_gauge
    heavy = [c for c in train.carriages if c.bogies == 3]
    assert len(heavy) >= 3 and all(c.work_pct >= 150 for c in heavy)
    # Some carriages are too heavy for the lighter track: track choice matters.
    light_track = min(t.max_mass_t for t in inst.station.tracks)
    assert any(c.mass_t > light_track for c in train.carriages)
    assert len(inst.station.tracks) == 2 and len(inst.station.shunters) == 1


def test_dandong_is_handover_only() -> None:
    inst = _load("dandong-handover")
    assert all(t.from_gauge == t.to_gauge for t in inst.trains)
    assert inst.station.tracks == [] and inst.station.bogie_stock == []
    assert len(inst.station.locomotives) < len(inst.trains)  # an inbound loco must be reused


def test_erenhot_day_mixes_directions_methods_and_changer() -> None:
    inst = _load("erenhot-day")
    st = inst.station
    assert 10 <= len(inst.trains) <= 12
    assert 150 <= sum(len(t.carriages) for t in inst.trains) <= 180
    assert {(t.from_gauge, t.to_gauge) for t in inst.trains} == {(1435, 1520), (1520, 1435)}
    assert Counter(t.method for t in st.tracks) == {"roll": 3, "individual": 1}
    assert st.changer is not None
    assert sum(_changer_possible(inst, t) for t in inst.trains) == 1
    # Start stock alone cannot serve a direction: bogies must cycle.
    stock = {(b.gauge, b.type): b.count for b in st.bogie_stock}
    demand: Counter[tuple[int, str]] = Counter()
    for t in inst.trains:
        for c in t.carriages:
            demand[(t.to_gauge, c.bogie_type)] += c.bogies
    assert any(demand[k] > stock.get(k, 0) for k in demand)
    # Each 12-hour shift covers all six skills.
    for shift in ((0, 720), (720, 1440)):
        skills = {s for c in st.crews if shift in c.shifts for s in c.skills}
        assert len(skills) == 6, shift


def test_a_solution_written_beside_an_example_is_not_taken_for_one(tmp_path: Path) -> None:
    # `gaugeopt solve` writes <instance>.solution.json beside the instance by default: the
    # README's first command leaves one among the examples before the tests run
    for name in ("a.json", "a.solution.json", "b.json"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in example_instances(tmp_path)] == ["a.json", "b.json"]
