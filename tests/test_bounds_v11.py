"""The lower bounds stay below what schedules achieve with the v1.1 rules: the ground-air
brake test (``station.ground_air``) and track maintenance windows (``tracks[].unavailable``).

The optimum of tiny instances is enumerated here, independently of the solver code (as
``brute_force.py`` does for v1): every ground-air choice, block cut, order of the blocks on
the one track, gap between windows for each block and precedence-feasible order of the
tasks, each laid out at its earliest. Larger instances are checked against the schedules
of :func:`gaugeopt.construct.construct`, each accepted by :func:`gaugeopt.check`.
"""

from __future__ import annotations

import itertools
import random

from brute_force import _cuts, optimum, tiny_instance
from hypothesis import given, settings
from hypothesis import strategies as st
from random_instances import assert_bounds_below, random_instance

from gaugeopt.bounds import lower_bound, train_dwell_bounds
from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.model.instance import Instance, scaled
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


# ------------------------------------------------------------------ the enumeration


def _gaps(windows: list, horizon: int) -> list[tuple[int, int]]:
    """The spans of the horizon outside every window."""
    out, t = [], 0
    for a, b in sorted(windows):
        if a > t:
            out.append((t, a))
        t = max(t, b)
    if t < horizon:
        out.append((t, horizon))
    return out


def optimum_v11(inst: Instance) -> int:
    """The least weighted dwell of a :func:`tiny_v11` instance, by enumeration.

    With one train only the earliest locomotive needs trying (the attach waits for nothing
    else of it). Given the gap of each block, a block may only start its shunt_in at the
    gap's start or later and must end its shunt_out by the gap's end; moving tasks earlier
    keeps both, so the earliest layouts over all orders still contain an optimum.
    """
    (train,) = inst.trains
    st_ = inst.station
    track = st_.tracks[0]
    gaps = _gaps([list(w) for w in track.unavailable], inst.horizon)
    loco = min(lo.available_from for lo in st_.locomotives)
    best: list[int | None] = [None]
    for ground in (False, True) if st_.ground_air else (False,):
        for blocks in _cuts(len(train.carriages), track.capacity):
            for order in itertools.permutations(range(len(blocks))):
                for chosen in itertools.combinations_with_replacement(
                    range(len(gaps)), len(blocks)
                ):
                    # the blocks follow each other on the track, so their gaps do too
                    gap = {b: gaps[g] for b, g in zip(order, chosen, strict=True)}
                    _enumerate(inst, blocks, order, gap, loco, ground, best)
    assert best[0] is not None
    return (best[0] - train.arrival) * train.weight


def _tasks(inst: Instance, blocks, order, ground: bool) -> dict:
    """name -> (duration, skill, takes the shunter, predecessors), by DESIGN.md §4."""
    (train,) = inst.trains
    d = inst.station.durations
    cars = train.carriages
    border = train.border_check if train.border_check is not None else d.border_check
    tasks: dict[str, tuple[int, str, bool, list[str]]] = {
        "detach": (d.detach, "coupling", False, []),
        "border": (border, "customs", False, []),
    }
    for b, (a, z) in enumerate(blocks):
        tasks[f"in{b}"] = (d.shunt, "shunting", True, ["detach"])
        for j in range(a, z):
            w = cars[j].work_pct
            tasks[f"dis{j}"] = (scaled(d.disconnect, w), "coupling", False, [f"in{b}"])
            tasks[f"lift{j}"] = (scaled(d.lift, w), "lifting", False, [f"dis{j}"])
            swap = scaled(d.swap_per_bogie * cars[j].bogies, w)
            tasks[f"swap{j}"] = (swap, "bogie", False, [f"lift{j}"])
            tasks[f"lower{j}"] = (scaled(d.lower, w), "lifting", False, [f"swap{j}"])
            tasks[f"rec{j}"] = (scaled(d.reconnect, w), "coupling", False, [f"lower{j}"])
        tasks[f"out{b}"] = (d.shunt, "shunting", True, [f"rec{j}" for j in range(a, z)])
    for prev, nxt in itertools.pairwise(order):
        dur, skill, sh, preds = tasks[f"in{nxt}"]
        tasks[f"in{nxt}"] = (dur, skill, sh, [*preds, f"out{prev}"])
    outs = [f"out{b}" for b in range(len(blocks))]
    tasks["couple"] = (d.couple_per_carriage * len(cars), "coupling", False, outs)
    if ground:
        tasks["ground"] = (d.brake_test, "brake", False, ["couple"])
    tasks["attach"] = (d.attach, "coupling", False, ["couple", *(["ground"] if ground else [])])
    tasks["brake"] = (d.brake_test_short if ground else d.brake_test, "brake", False, ["attach"])
    return tasks


def _enumerate(inst: Instance, blocks, order, gap, loco: int, ground: bool, best) -> None:
    """Lay out every precedence-feasible order of the tasks at the earliest, keeping the
    least departure in ``best[0]``."""
    (train,) = inst.trains
    tasks = _tasks(inst, blocks, order, ground)
    release = dict.fromkeys(tasks, 0)
    release["detach"] = release["border"] = train.arrival
    release["attach"] = loco
    deadline = dict.fromkeys(tasks, inst.horizon)
    for b in range(len(blocks)):
        release[f"in{b}"], deadline[f"out{b}"] = gap[b]

    def place(busy: list[tuple[int, int]], start: int, dur: int) -> int:
        while True:
            clash = [e for s, e in busy if s < start + dur and start < e] if dur > 0 else []
            if not clash:
                return start
            start = max(clash)

    def dfs(done: dict[str, tuple[int, int]], busy: dict[str, list[tuple[int, int]]]) -> None:
        if len(done) == len(tasks):
            dep = max(done["brake"][1], done["border"][1], train.earliest_departure or 0)
            if dep <= inst.horizon and (best[0] is None or dep < best[0]):
                best[0] = dep
            return
        if best[0] is not None and max((e for _, e in done.values()), default=0) >= best[0]:
            return
        for name, (dur, skill, sh, preds) in tasks.items():
            if name in done or any(p not in done for p in preds):
                continue
            t = max([release[name], *(done[p][1] for p in preds)])
            while True:
                t1 = place(busy[skill], t, dur)
                t2 = place(busy["shunter"], t1, dur) if sh else t1
                if t2 == t1:
                    break
                t = t2
            if t1 + dur > deadline[name]:
                continue
            done[name] = (t1, t1 + dur)
            busy[skill].append((t1, t1 + dur))
            if sh:
                busy["shunter"].append((t1, t1 + dur))
            dfs(done, busy)
            busy[skill].pop()
            if sh:
                busy["shunter"].pop()
            del done[name]

    skills = ("coupling", "lifting", "bogie", "shunting", "brake", "customs", "shunter")
    dfs({}, {s: [] for s in skills})


def test_the_enumeration_agrees_with_the_v1_one_without_the_v11_rules() -> None:
    for seed in range(6):
        inst = tiny_instance(seed)
        assert optimum_v11(inst) == optimum(inst)


# ------------------------------------------------------------------ validity


@given(seed=st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_bound_below_the_enumerated_optimum(seed: int) -> None:
    inst = tiny_v11(seed)
    best = optimum_v11(inst)
    assert train_dwell_bounds(inst)[0] * inst.trains[0].weight <= best
    assert lower_bound(inst) <= best


def test_bound_below_the_optimum_where_the_ground_air_test_pays() -> None:
    # Not vacuous: on some of these the ground-air test gives a better optimum.
    pays = 0
    for seed in range(24):
        inst = tiny_v11(seed)
        best = optimum_v11(inst)
        pays += best < optimum_v11(_change(inst, ground_air=False))
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
    skills = ("coupling", "lifting", "bogie", "shunting", "brake", "customs")
    return parse_instance(
        {
            "name": "ground-air",
            "horizon": 600,
            "station": {
                "name": "Hand",
                "ground_air": True,
                "tracks": [{"id": "T1", "capacity": 2, "jack_sets": 2, "max_mass_t": 120.0}],
                "shunters": [{"id": "SH1"}],
                "bogie_stock": [],
                "crews": [{"id": f"C-{s}", "skills": [s], "shifts": [[0, 600]]} for s in skills],
                "locomotives": [{"id": "L1", "gauge": 1520, "available_from": 100}],
                "durations": {
                    "detach": 10,
                    "attach": 10,
                    "brake_test": 30,
                    "brake_test_short": 5,
                    "border_check": 20,
                    "shunt": 5,
                    "couple_per_carriage": 1,
                    "disconnect": 5,
                    "lift": 5,
                    "swap_per_bogie": 5,
                    "lower": 5,
                    "reconnect": 5,
                    "changer_setup": 10,
                    "changer_per_carriage": 2,
                    **durations,
                },
            },
            "trains": [
                {
                    "id": "A",
                    "arrival": 0,
                    "from_gauge": 1520,
                    "to_gauge": 1520,
                    "carriages": [{"id": "A1", "mass_t": 50.0, "bogie_type": "std"}],
                }
            ],
        }
    )


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
