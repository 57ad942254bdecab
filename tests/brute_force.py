"""An independent optimum for tiny single-train instances: enumeration, no solver code.

The instances it accepts (see :func:`tiny_instance`): one train changing gauge, one
`individual` track whose jack sets never bind, one crew per skill on duty all day, one
shunter, ample bogies, station locomotives only; the v1.1 rules may be drawn in (a
ground-air station, maintenance windows on the track: ``bounds/test_bounds_v11.py``). Every
decision is enumerated: the ground-air choice, the block cuts, the order in which the
blocks use the track, the gap between windows for each block, and every
precedence-feasible order of the tasks, each laid out by a serial schedule generation
scheme at the earliest feasible time. For a regular objective the active schedules, which
the serial scheme produces over all orders, contain an optimal one.
"""

from __future__ import annotations

import itertools
import random

from gaugeopt.model.instance import Instance, scaled
from gaugeopt.model.io import parse_instance


def tiny_instance(seed: int) -> Instance:
    """A random instance of the class this module can solve by enumeration."""
    rnd = random.Random(seed)
    n = rnd.choice([1, 2, 2])
    horizon = 600
    skills = ["coupling", "lifting", "bogie", "shunting", "brake", "customs"]
    return parse_instance(
        {
            "name": f"tiny-{seed}",
            "horizon": horizon,
            "station": {
                "name": "Tiny",
                "tracks": [
                    {
                        "id": "T1",
                        "capacity": rnd.choice([1, 2]),
                        "jack_sets": 2,
                        "max_mass_t": 120.0,
                    }
                ],
                "shunters": [{"id": "SH1"}],
                "bogie_stock": [{"gauge": 1520, "type": "std", "count": 20}],
                "crews": [
                    {"id": f"C-{s}", "skills": [s], "shifts": [[0, horizon]]} for s in skills
                ],
                "locomotives": [
                    {"id": "L1", "gauge": 1520, "available_from": rnd.choice([0, 40, 90])},
                    {"id": "L2", "gauge": 1520, "available_from": rnd.choice([0, 60, 120])},
                ],
                "durations": {
                    "detach": rnd.randint(0, 8),
                    "attach": rnd.randint(1, 8),
                    "brake_test": rnd.randint(5, 20),
                    "border_check": rnd.randint(10, 120),
                    "shunt": rnd.randint(1, 10),
                    "couple_per_carriage": rnd.randint(0, 3),
                    "disconnect": rnd.randint(1, 8),
                    "lift": rnd.randint(1, 6),
                    "swap_per_bogie": rnd.randint(1, 6),
                    "lower": rnd.randint(1, 6),
                    "reconnect": rnd.randint(1, 8),
                    "changer_setup": 10,
                    "changer_per_carriage": 2,
                },
            },
            "trains": [
                {
                    "id": "A",
                    "arrival": rnd.randint(0, 30),
                    "from_gauge": 1435,
                    "to_gauge": 1520,
                    "weight": rnd.randint(1, 3),
                    "earliest_departure": rnd.choice([None, None, 150]),
                    "carriages": [
                        {
                            "id": f"A{j}",
                            "mass_t": 50.0,
                            "bogie_type": "std",
                            "work_pct": rnd.choice([100, 150]),
                        }
                        for j in range(n)
                    ],
                }
            ],
        }
    )


def tiny_instance_v12(seed: int) -> Instance:
    """A :func:`tiny_instance` with contract v1.2 drawn in: an arrival inspection (often
    binding: the shunt_in waits for it) by its own crew, and, now and then, the train's
    couplers exchanged beside its bogies."""
    rnd = random.Random(f"v12-{seed}")
    data = tiny_instance(seed).model_dump()
    d = data["station"]["durations"]
    d["inspection"] = rnd.choice([0, 5, 20, 40])
    d["inspection_per_carriage"] = rnd.choice([0, 0, 3])
    d["coupler"] = rnd.choice([0, 4, 15, 30])
    data["station"]["crews"].append(
        {"id": "C-inspection", "skills": ["inspection"], "shifts": [[0, data["horizon"]]]}
    )
    data["trains"][0]["coupler_exchange"] = rnd.random() < 0.6
    if data["trains"][0]["coupler_exchange"]:  # one carriage: the enumeration stays quick
        del data["trains"][0]["carriages"][1:]
    data["name"] = f"tiny-v12-{seed}"
    return parse_instance(data)


def _cuts(n: int, cap: int) -> list[list[tuple[int, int]]]:
    """Every way to cut n carriages into consecutive blocks of at most cap."""
    out = []
    for mask in range(2 ** (n - 1)):
        bounds = [0] + [j + 1 for j in range(n - 1) if mask >> j & 1] + [n]
        blocks = list(itertools.pairwise(bounds))
        if all(b - a <= cap for a, b in blocks):
            out.append(blocks)
    return out


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


def optimum(inst: Instance) -> int:
    """The least weighted dwell of a :func:`tiny_instance`, by enumeration (also of one with
    the v1.1 rules drawn in: a ground-air station, maintenance windows on the track).

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
    n = len(cars)
    border = train.border_check if train.border_check is not None else d.border_check
    tasks: dict[str, tuple[int, str, bool, list[str]]] = {
        "detach": (d.detach, "coupling", False, []),
        "border": (border, "customs", False, []),
    }
    # v1.2: the arrival inspection (when it lasts) comes before every shunt_in; a coupler
    # exchange goes between a carriage's disconnect and its reconnect.
    looked = d.inspection + d.inspection_per_carriage * n
    arrived = ["detach"]
    if looked > 0:
        tasks["inspect"] = (looked, "inspection", False, [])
        arrived.append("inspect")
    for b, (a, z) in enumerate(blocks):
        tasks[f"in{b}"] = (d.shunt, "shunting", True, list(arrived))
        for j in range(a, z):
            w = cars[j].work_pct
            tasks[f"dis{j}"] = (scaled(d.disconnect, w), "coupling", False, [f"in{b}"])
            rec_after = [f"lower{j}"]
            if train.coupler_exchange:
                tasks[f"cpl{j}"] = (scaled(d.coupler, w), "coupling", False, [f"dis{j}"])
                rec_after.append(f"cpl{j}")
            tasks[f"lift{j}"] = (scaled(d.lift, w), "lifting", False, [f"dis{j}"])
            swap = scaled(d.swap_per_bogie * cars[j].bogies, w)
            tasks[f"swap{j}"] = (swap, "bogie", False, [f"lift{j}"])
            tasks[f"lower{j}"] = (scaled(d.lower, w), "lifting", False, [f"swap{j}"])
            tasks[f"rec{j}"] = (scaled(d.reconnect, w), "coupling", False, rec_after)
        tasks[f"out{b}"] = (d.shunt, "shunting", True, [f"rec{j}" for j in range(a, z)])
    # One track: the blocks use it one after another in the given order.
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
    release["detach"] = release["border"] = release["inspect"] = train.arrival
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
        # Every task ends before the departure: a partial schedule already as long as the
        # best one cannot beat it.
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

    skills = (
        "coupling",
        "lifting",
        "bogie",
        "shunting",
        "brake",
        "customs",
        "inspection",
        "shunter",
    )
    dfs({}, {s: [] for s in skills})
