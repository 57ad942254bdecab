"""The lower bounds stay below what schedules achieve with the v1.1 rules: the ground-air
brake test (``station.ground_air``) and track maintenance windows (``tracks[].unavailable``).

The optimum of tiny instances is enumerated by ``brute_force.py``, independently of the
solver code: every ground-air choice, block cut, order of the blocks on the one track, gap
between windows for each block and precedence-feasible order of the tasks, each laid out at
its earliest. Larger instances are checked against the schedules
of :func:`gaugeopt.construct.construct`, each accepted by :func:`gaugeopt.check`.
"""

from __future__ import annotations

import random

import builders
from brute_force import optimum, tiny_instance
from hypothesis import given, settings
from hypothesis import strategies as st
from random_instances import assert_bounds_below, random_instance

from gaugeopt.bounds import lower_bound, train_dwell_bounds
from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import parse_instance
from gaugeopt.model.solution import Solution

# ------------------------------------------------------------------ v1.1 instances


def _with_v11(inst: Instance, rnd: random.Random, windows: bool = True) -> Instance:
    """``inst`` with a ground-air station (mostly), a drawn ``brake_test_short`` and, when
    ``windows``, a maintenance window on some tracks."""
    data = inst.model_dump()
    station = data["station"]
    station["ground_air"] = rnd.random() < 0.85
    station["durations"]["brake_test_short"] = rnd.choice([0, 3, 5, 10, 40])
    for track in station["tracks"]:
        if windows and rnd.random() < 0.6:
            a = rnd.randint(0, 150)
            track["unavailable"] = [[a, a + rnd.choice([10, 40, 120])]]
    data["name"] = f"{inst.name}-v11"
    return parse_instance(data)


def _change(inst: Instance, **station: object) -> Instance:
    """``inst`` with some station fields replaced."""
    data = inst.model_dump()
    data["station"].update(station)
    return parse_instance(data)


def tiny_v11(seed: int) -> Instance:
    """A :func:`brute_force.tiny_instance` with the v1.1 rules drawn in, its locomotives
    often late (a wait the ground-air test can fill) and a short border check (so that
    the brake tests decide more often)."""
    rnd = random.Random(seed * 7919 + 1)
    inst = _with_v11(tiny_instance(seed), rnd)
    late = rnd.choice([0, 0, 80, 160])
    locos = [{**lo.model_dump(), "available_from": late} for lo in inst.station.locomotives]
    durations = {**inst.station.durations.model_dump(), "border_check": rnd.randint(0, 40)}
    return _change(inst, locomotives=locos, durations=durations)


def random_v11(seed: int) -> Instance:
    """A :func:`random_instance` with the v1.1 rules drawn in, its station locomotives
    often later (a wait the ground-air test can fill)."""
    rnd = random.Random(seed * 104729 + 3)
    inst = _with_v11(random_instance(seed), rnd)
    locos = [
        {**lo.model_dump(), "available_from": lo.available_from + rnd.choice([0, 120, 240])}
        for lo in inst.station.locomotives
    ]
    return _change(inst, locomotives=locos)


def test_the_enumeration_ignores_the_v11_fields_where_they_are_off() -> None:
    # One oracle serves v1 and v1.1: with no ground air, a short brake test changes nothing.
    for seed in range(6):
        inst = tiny_instance(seed)
        durations = {**inst.station.durations.model_dump(), "brake_test_short": 1}
        assert optimum(_change(inst, ground_air=False, durations=durations)) == optimum(inst)


# ------------------------------------------------------------------ validity


@given(seed=st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_bound_below_the_enumerated_optimum(seed: int) -> None:
    inst = tiny_v11(seed)
    best = optimum(inst)
    assert train_dwell_bounds(inst)[0] * inst.trains[0].weight <= best
    assert lower_bound(inst) <= best


def test_bound_below_the_optimum_where_the_ground_air_test_pays() -> None:
    # Not vacuous: on some of these the ground-air test gives a better optimum.
    pays = 0
    for seed in range(24):
        inst = tiny_v11(seed)
        best = optimum(inst)
        pays += best < optimum(_change(inst, ground_air=False))
        assert lower_bound(inst) <= best
    assert pays >= 1


@given(seed=st.integers(0, 100_000))
@settings(max_examples=60, deadline=None)
def test_bound_below_every_constructed_schedule(seed: int) -> None:
    inst = random_v11(seed)
    sol = construct(inst, time_limit=0, seed=seed)
    if sol is not None:
        assert_bounds_below(inst, sol)


@given(seed=st.integers(0, 100_000))
@settings(max_examples=25, deadline=None)
def test_windows_do_not_change_the_bounds(seed: int) -> None:
    # The bounds ignore maintenance windows (a documented choice): windows only forbid
    # schedules, so the bounds of the instance without them, valid there, are valid here.
    inst = random_v11(seed)
    tracks = [{**t.model_dump(), "unavailable": []} for t in inst.station.tracks]
    plain = _change(inst, tracks=tracks)
    assert train_dwell_bounds(inst) == train_dwell_bounds(plain)
    assert lower_bound(inst) == lower_bound(plain)


@given(seed=st.integers(0, 100_000))
@settings(max_examples=25, deadline=None)
def test_the_ground_air_test_can_only_lower_the_bounds(seed: int) -> None:
    # Every schedule without the ground-air test is one of a ground-air station too, so
    # the bound there is the least over both choices: never above the one without.
    inst = random_v11(seed)
    on, off = _change(inst, ground_air=True), _change(inst, ground_air=False)
    for a, b in zip(train_dwell_bounds(on), train_dwell_bounds(off), strict=True):
        assert (a is None) == (b is None) and (a is None or a <= b)


# ------------------------------------------------------------------ a hand-made station


def _handover(**durations: int) -> Instance:
    """One through train arriving at 0, its new locomotive free at 100, one crew per
    skill all day, a ground-air station."""
    station = builders.station(
        name="Hand",
        ground_air=True,
        tracks=[builders.track(jack_sets=2, max_mass_t=120.0)],
        crews=builders.crews_per_skill(600),
        locomotives=[{"id": "L1", "gauge": 1520, "available_from": 100}],
        durations=builders.durations(
            **{
                "brake_test": 30,
                "brake_test_short": 5,
                "border_check": 20,
                "shunt": 5,
                "couple_per_carriage": 1,
                **durations,
            }
        ),
    )
    train = builders.train("A", from_gauge=1520)
    return parse_instance(builders.instance(station, [train], name="ground-air"))


def _checked(inst: Instance, rows: list[tuple[str, int, int, str]], ground: bool) -> int:
    """The objective of the through schedule given as (op, start, end, crew) rows, after
    the checker has accepted it."""
    tasks = [
        {
            "train": "A",
            "op": op,
            "carriage": None,
            "block": None,
            "start": s,
            "end": e,
            "crew": crew,
            "shunter": None,
            "track": None,
            "locomotive": "L1" if op == "attach" else None,
        }
        for op, s, e, crew in rows
    ]
    departure = max(e for _, _, e, _ in rows)
    plan = {"id": "A", "mode": "through", "departure": departure, "dwell": departure}
    plan |= {"locomotive": "L1", "blocks": [], "ground_brake_test": ground}
    sol = Solution.model_validate(
        {
            "instance": inst.name,
            "status": "feasible",
            "objective": departure,
            "trains": [plan],
            "tasks": tasks,
        }
    )
    assert check(inst, sol) == []
    return departure


def test_the_ground_air_test_during_the_wait_for_the_locomotive_is_optimal() -> None:
    # Detach 0-10; the full test on station air 10-40 while the locomotive is awaited;
    # attach 100-110; the abbreviated test 110-115. Without it: 100-110, then 110-140.
    inst = _handover()
    assert train_dwell_bounds(inst) == [115]
    assert lower_bound(inst) == 115
    rows = [
        ("detach", 0, 10, "C-coupling"),
        ("border_check", 0, 20, "C-customs"),
        ("ground_brake_test", 10, 40, "C-brake"),
        ("attach", 100, 110, "C-coupling"),
        ("brake_test", 110, 115, "C-brake"),
    ]
    assert _checked(inst, rows, ground=True) == 115


def test_the_bound_takes_the_better_choice_when_the_test_does_not_pay() -> None:
    # A long abbreviated test: without the ground-air test 100-110, brake test 110-140
    # (140); with it the brake test after attach would end at 110 + 60.
    inst = _handover(brake_test_short=60)
    assert train_dwell_bounds(inst) == [140]
    rows = [
        ("detach", 0, 10, "C-coupling"),
        ("border_check", 0, 20, "C-customs"),
        ("attach", 100, 110, "C-coupling"),
        ("brake_test", 110, 140, "C-brake"),
    ]
    assert _checked(inst, rows, ground=False) == 140
