"""A small but rich hand-made instance and a greedy, solver-free layout of a valid schedule.

Used by ``checker/test_checker.py`` and saved as
``tests/data/checker/{instance,solution}.json`` for other tests (report, Gantt). The layout below is a plain serial list scheduler written for
this test only: it places the tasks one by one, in a fixed order, at the earliest minute at
which a crew, a shunter, the changer and the bogie stock allow it. Tracks and jack sets are
respected by construction (extra precedences). It shares no code with the solver.

Trains:

* ``A`` 1435 -> 1520, one block on the ``individual`` track T1 (1 jack set: lifts serialised),
  weight 2, carriage A1 at work_pct 150; its inbound loco ``L-A`` later takes train B out.
* ``B`` 1520 -> 1435, two blocks: [B1, B2] on the ``roll`` track T2, [B3] on T3; its own
  border check is 0 minutes (a duration-0 task); the 1435 stock (2) is too small for the
  roll until A's old bogies return after the 40-minute turnaround.
* ``C`` 1520 -> 1520 (through, a loco handover), earliest_departure binding.
* ``D`` 1435 -> 1520 variable-gauge, through the changer AGC1; takes B's inbound loco ``L-B``.

``INSTANCE_V11``/``PLAN_V11`` (contract v1.1, saved as ``*_v11.json``): a ground-air station
whose track T1 has maintenance windows touching the one block it holds; three trains take a
ground_brake_test (exchange, through, changer) and one does not.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import builders

DATA_DIR = Path(__file__).resolve().parent / "data" / "checker"
#: The minute G1's block leaves T1 in the v1.1 layout: T1's second window starts then.
EDGE = 59
#: Short exchange steps (lifts 4, swaps 3 per bogie) and a slower changer and roll.
DURATIONS = builders.durations(
    lift=4, swap_per_bogie=3, lower=4, changer_per_carriage=3, roll_setup=6, roll_per_bogie=1
)

INSTANCE: dict[str, Any] = {
    "name": "checker-rich",
    "horizon": 600,
    "station": {
        "name": "Testgrenze",
        "tracks": [
            {
                "id": "T1",
                "capacity": 2,
                "jack_sets": 1,
                "max_mass_t": 100.0,
                "method": "individual",
            },
            {"id": "T2", "capacity": 2, "jack_sets": 1, "max_mass_t": 50.0, "method": "roll"},
            {"id": "T3", "capacity": 2, "jack_sets": 2, "max_mass_t": 80.0, "method": "individual"},
        ],
        "shunters": [{"id": "SH1"}, {"id": "SH2"}],
        "changer": {"id": "AGC1"},
        "bogie_stock": [
            {"gauge": 1520, "type": "heavy", "count": 4},
            {"gauge": 1435, "type": "heavy", "count": 2},
        ],
        "bogie_turnaround": 40,
        "loco_turnaround": 20,
        "crews": [
            {
                "id": "C1",
                "skills": ["coupling", "lifting", "bogie", "brake"],
                "shifts": [[0, 100], [100, 600]],
            },
            {
                "id": "C2",
                "skills": ["coupling", "lifting", "bogie", "shunting", "brake"],
                "shifts": [[0, 600]],
            },
            {"id": "C3", "skills": ["customs"], "shifts": [[0, 600]]},
        ],
        "locomotives": [
            {"id": "L-S1", "gauge": 1520, "available_from": 0},
            {"id": "L-S2", "gauge": 1435, "available_from": 500},
            {"id": "L-S3", "gauge": 1520, "available_from": 0},
        ],
        "durations": builders.durations(DURATIONS),
    },
    "trains": [
        {
            "id": "A",
            "arrival": 0,
            "from_gauge": 1435,
            "to_gauge": 1520,
            "weight": 2,
            "inbound_loco": {"id": "L-A", "gauge": 1435},
            "carriages": [
                {"id": "A1", "mass_t": 85.0, "bogie_type": "heavy", "work_pct": 150},
                {"id": "A2", "mass_t": 50.0, "bogie_type": "heavy"},
            ],
        },
        {
            "id": "B",
            "arrival": 20,
            "from_gauge": 1520,
            "to_gauge": 1435,
            "border_check": 0,
            "earliest_departure": 100,
            "inbound_loco": {"id": "L-B", "gauge": 1520},
            "carriages": [
                {"id": "B1", "mass_t": 40.0, "bogie_type": "heavy"},
                {"id": "B2", "mass_t": 45.0, "bogie_type": "heavy"},
                {"id": "B3", "mass_t": 70.0, "bogie_type": "heavy"},
            ],
        },
        {
            "id": "C",
            "arrival": 5,
            "from_gauge": 1520,
            "to_gauge": 1520,
            "earliest_departure": 175,
            "inbound_loco": {"id": "L-C", "gauge": 1520},
            "carriages": [{"id": "C01", "mass_t": 60.0, "bogie_type": "heavy"}],
        },
        {
            "id": "D",
            "arrival": 30,
            "from_gauge": 1435,
            "to_gauge": 1520,
            "carriages": [
                {"id": "D1", "mass_t": 30.0, "bogie_type": "light", "variable_gauge": True},
                {"id": "D2", "mass_t": 30.0, "bogie_type": "light", "variable_gauge": True},
            ],
        },
    ],
}

PLAN: dict[str, dict[str, Any]] = {
    "A": {
        "mode": "exchange",
        "locomotive": "L-S1",
        "blocks": [{"track": "T1", "carriages": ["A1", "A2"]}],
    },
    "B": {
        "mode": "exchange",
        "locomotive": "L-A",
        "blocks": [
            {"track": "T2", "carriages": ["B1", "B2"]},
            {"track": "T3", "carriages": ["B3"]},
        ],
    },
    "C": {"mode": "through", "locomotive": "L-S3", "blocks": []},
    "D": {"mode": "changer", "locomotive": "L-B", "blocks": []},
}

#: Contract v1.1: ground air, the abbreviated brake test and track maintenance windows. T1 is
#: in maintenance until G1's block may enter it, and again from the minute that block leaves;
#: G1, G2 and G3 take a ground_brake_test (after couple, detach and changer_pass), G4 does not.
INSTANCE_V11: dict[str, Any] = {
    "name": "checker-v11",
    "epoch": "2025-09-02T00:00:00+08:00",
    "horizon": 600,
    "station": {
        "name": "Luftgrenze",
        "tracks": [
            {
                "id": "T1",
                "capacity": 2,
                "jack_sets": 2,
                "max_mass_t": 100.0,
                "unavailable": [[0, 15], [EDGE, 120]],
            },
            {
                "id": "T2",
                "capacity": 3,
                "jack_sets": 1,
                "max_mass_t": 100.0,
                "method": "roll",
                "unavailable": [[400, 450]],
            },
        ],
        "shunters": [{"id": "SH1"}],
        "changer": {"id": "AGC1"},
        "ground_air": True,
        "bogie_stock": [
            {"gauge": 1520, "type": "heavy", "count": 8},
            {"gauge": 1435, "type": "heavy", "count": 8},
        ],
        "loco_turnaround": 20,
        "crews": [
            {"id": "C1", "skills": ["coupling", "lifting", "bogie", "brake"], "shifts": [[0, 600]]},
            {
                "id": "C2",
                "skills": ["coupling", "lifting", "bogie", "shunting"],
                "shifts": [[0, 600]],
            },
            {"id": "C3", "skills": ["customs"], "shifts": [[0, 600]]},
            {"id": "C4", "skills": ["brake"], "shifts": [[0, 600]]},
            {"id": "C5", "skills": ["brake"], "shifts": [[500, 600]]},
            {"id": "X1", "skills": ["brake"], "shifts": [[0, 600]]},
            {"id": "C6", "skills": ["customs"], "shifts": [[0, 600]]},
        ],
        "locomotives": [
            {"id": "L1", "gauge": 1520, "available_from": 0},
            {"id": "L2", "gauge": 1520, "available_from": 0},
            {"id": "L3", "gauge": 1520, "available_from": 0},
        ],
        "durations": builders.durations(DURATIONS, brake_test_short=8),
    },
    "trains": [
        {
            "id": "G1",
            "arrival": 0,
            "from_gauge": 1435,
            "to_gauge": 1520,
            "inbound_loco": {"id": "L-G1", "gauge": 1435},
            "carriages": [
                {"id": "G1-1", "mass_t": 60.0, "bogie_type": "heavy"},
                {"id": "G1-2", "mass_t": 60.0, "bogie_type": "heavy"},
            ],
        },
        {
            "id": "G2",
            "arrival": 10,
            "from_gauge": 1520,
            "to_gauge": 1520,
            "carriages": [{"id": "G2-1", "mass_t": 60.0, "bogie_type": "heavy"}],
        },
        {
            "id": "G3",
            "arrival": 20,
            "from_gauge": 1435,
            "to_gauge": 1520,
            "carriages": [
                {"id": "G3-1", "mass_t": 30.0, "bogie_type": "light", "variable_gauge": True},
                {"id": "G3-2", "mass_t": 30.0, "bogie_type": "light", "variable_gauge": True},
            ],
        },
        {
            "id": "G4",
            "arrival": 30,
            "from_gauge": 1520,
            "to_gauge": 1435,
            "carriages": [
                {"id": "G4-1", "mass_t": 50.0, "bogie_type": "heavy"},
                {"id": "G4-2", "mass_t": 50.0, "bogie_type": "heavy"},
            ],
        },
    ],
}

PLAN_V11: dict[str, dict[str, Any]] = {
    "G1": {
        "mode": "exchange",
        "locomotive": "L1",
        "blocks": [{"track": "T1", "carriages": ["G1-1", "G1-2"]}],
        "ground_brake_test": True,
    },
    "G2": {"mode": "through", "locomotive": "L2", "blocks": [], "ground_brake_test": True},
    "G3": {"mode": "changer", "locomotive": "L3", "blocks": [], "ground_brake_test": True},
    "G4": {
        "mode": "exchange",
        "locomotive": "L-G1",
        "blocks": [{"track": "T2", "carriages": ["G4-1", "G4-2"]}],
        "ground_brake_test": False,
    },
}

SKILL = {
    "detach": "coupling",
    "border_check": "customs",
    "shunt_in": "shunting",
    "disconnect": "coupling",
    "lift": "lifting",
    "swap": "bogie",
    "roll": "bogie",
    "lower": "lifting",
    "reconnect": "coupling",
    "shunt_out": "shunting",
    "couple": "coupling",
    "changer_pass": "shunting",
    "ground_brake_test": "brake",
    "attach": "coupling",
    "brake_test": "brake",
    "inspect": "inspection",
    "coupler": "coupling",
}
SHUNTER_OPS = {"shunt_in", "shunt_out", "changer_pass", "roll"}


#: Contract v1.2 (saved as ``*_v12.json``): the v1.1 station inspects every train on arrival
#: (5 min + 2 per carriage) with crew I1 (I2 idle, for the mutations); G1 (individual track,
#: G1-1 at work_pct 150) and G4 (roll track) exchange their couplers (7 min per carriage)
#: with crew K1, beside the bogie work (K2 idle, for the mutations).
INSTANCE_V12: dict[str, Any] = copy.deepcopy(INSTANCE_V11)
INSTANCE_V12["name"] = "checker-v12"
INSTANCE_V12["station"]["durations"] |= {
    "inspection": 5,
    "inspection_per_carriage": 2,
    "coupler": 7,
}
INSTANCE_V12["station"]["crews"] += [
    {"id": "I1", "skills": ["inspection"], "shifts": [[0, 600]]},
    {"id": "I2", "skills": ["inspection"], "shifts": [[0, 600]]},
    {"id": "K1", "skills": ["coupling"], "shifts": [[0, 600]]},
    {"id": "K2", "skills": ["coupling"], "shifts": [[27, 34], [52, 63]]},
]
for _tid in ("G1", "G4"):
    next(t for t in INSTANCE_V12["trains"] if t["id"] == _tid)["coupler_exchange"] = True
INSTANCE_V12["trains"][0]["carriages"][0]["work_pct"] = 150
INSTANCE_V12["station"]["tracks"][0]["unavailable"] = [[0, 15]]  # G1 stays longer on T1
PLAN_V12 = PLAN_V11


def _scaled(x: int, pct: int) -> int:
    return (x * pct + 99) // 100


def _train_tasks(
    inst: dict[str, Any], train: dict[str, Any], plan: dict[str, Any]
) -> list[dict[str, Any]]:
    """The tasks of one train in a topological order, with predecessor keys and lags."""
    st = inst["station"]
    d = st["durations"]
    tid = train["id"]
    cars = {c["id"]: c for c in train["carriages"]}
    tracks = {t["id"]: t for t in st["tracks"]}
    n = len(train["carriages"])
    tasks: list[dict[str, Any]] = []

    def add(op: str, dur: int, preds: list[tuple[tuple, int]], **fields: Any) -> tuple:
        key = (tid, op, fields.get("carriage"), fields.get("block"))
        tasks.append({"key": key, "op": op, "duration": dur, "preds": preds, **fields})
        return key

    bc = train.get("border_check")
    detach = add("detach", d["detach"], [])
    add("border_check", d["border_check"] if bc is None else bc, [])
    # v1.2: the arrival inspection; shunt_in / changer_pass / a through attach wait for it.
    looked = d.get("inspection", 0) + d.get("inspection_per_carriage", 0) * n
    arrived = [(detach, 0)]
    if looked > 0:
        arrived.append((add("inspect", looked, []), 0))
    mode = plan["mode"]
    if mode == "exchange":
        outs = []
        for b, block in enumerate(plan["blocks"]):
            track = tracks[block["track"]]
            roll = track.get("method", "individual") == "roll"
            sin = add("shunt_in", d["shunt"], arrived, block=b, track=track["id"])
            lifts, lowers, recs = [], [], []
            couplers: dict[str, list[tuple[tuple, int]]] = {c: [] for c in block["carriages"]}
            for i, cid in enumerate(block["carriages"]):
                c = cars[cid]
                pct = c.get("work_pct", 100)
                kw = {"carriage": cid, "block": b, "track": track["id"]}
                dis = add("disconnect", _scaled(d["disconnect"], pct), [(sin, 0)], **kw)
                if train.get("coupler_exchange"):  # v1.2: beside the bogie chain
                    cpl = _scaled(d.get("coupler", 15), pct)
                    couplers[cid] = [(add("coupler", cpl, [(dis, 0)], **kw), 0)]
                jack = []
                k = track["jack_sets"]
                if not roll and i >= k:
                    jack = [(lowers[i - k], 0)]
                lifts.append(add("lift", _scaled(d["lift"], pct), [(dis, 0), *jack], **kw))
                if not roll:
                    dur = _scaled(d["swap_per_bogie"] * c.get("bogies", 2), pct)
                    sw = add("swap", dur, [(lifts[-1], 0)], **kw)
                    lowers.append(add("lower", _scaled(d["lower"], pct), [(sw, 0)], **kw))
                else:
                    lowers.append(None)
            if roll:
                nb = sum(cars[c].get("bogies", 2) for c in block["carriages"])
                rl = add(
                    "roll",
                    d["roll_setup"] + d["roll_per_bogie"] * nb,
                    [(x, 0) for x in lifts],
                    block=b,
                    track=track["id"],
                )
                for i, cid in enumerate(block["carriages"]):
                    kw = {"carriage": cid, "block": b, "track": track["id"]}
                    pct = cars[cid].get("work_pct", 100)
                    lowers[i] = add("lower", _scaled(d["lower"], pct), [(rl, 0)], **kw)
            for i, cid in enumerate(block["carriages"]):
                kw = {"carriage": cid, "block": b, "track": track["id"]}
                pct = cars[cid].get("work_pct", 100)
                after = [(lowers[i], 0), *couplers[cid]]
                recs.append(add("reconnect", _scaled(d["reconnect"], pct), after, **kw))
            outs.append(
                add("shunt_out", d["shunt"], [(r, 0) for r in recs], block=b, track=track["id"])
            )
        before_attach = add("couple", d["couple_per_carriage"] * n, [(o, 0) for o in outs])
    elif mode == "changer":
        before_attach = add(
            "changer_pass", d["changer_setup"] + d["changer_per_carriage"] * n, arrived
        )
    else:
        before_attach = detach
    whole = [(before_attach, 0)] if mode != "through" else list(arrived)
    brake = d["brake_test"]
    if plan.get("ground_brake_test"):
        whole.append((add("ground_brake_test", d["brake_test"], [(before_attach, 0)]), 0))
        brake = d.get("brake_test_short", 10)
    att = add("attach", d["attach"], whole, locomotive=plan["locomotive"])
    add("brake_test", brake, [(att, 0)])
    return tasks


def _check_windows(inst: dict[str, Any], placed: dict[tuple, dict[str, Any]]) -> None:
    """The layout only keeps shunt_in out of a window; a block running into one is refused."""
    windows = {t["id"]: t.get("unavailable", []) for t in inst["station"]["tracks"]}
    for (tid, op, _, b), sin in placed.items():
        if op == "shunt_in":
            end = placed[(tid, "shunt_out", None, b)]["end"]
            for a, w in windows[sin["track"]]:
                if sin["start"] < w and a < end:
                    raise RuntimeError(f"block {b} of train {tid} meets window [{a}, {w})")


def build_solution(inst: dict[str, Any] = INSTANCE, plan: dict[str, Any] = PLAN) -> dict:
    """Lay out every task greedily (earliest feasible minute, tasks in a fixed order)."""
    st = inst["station"]
    trains = {t["id"]: t for t in inst["trains"]}
    tracks = {t["id"]: t for t in st["tracks"]}
    inbound_owner = {
        t["inbound_loco"]["id"]: t["id"] for t in inst["trains"] if t.get("inbound_loco")
    }
    station_locos = {lo["id"]: lo for lo in st["locomotives"]}
    stock0 = {(b["gauge"], b["type"]): b["count"] for b in st["bogie_stock"]}
    placed: dict[tuple, dict[str, Any]] = {}
    busy: dict[str, list[tuple[int, int]]] = {}
    bogie_events: list[tuple[int, tuple[int, str], int]] = []
    last_on_track: dict[str, tuple] = {}

    def free(res: str, s: int, e: int) -> bool:
        return all(e <= a or b <= s for a, b in busy.get(res, []))

    def stock_ok(events: list[tuple[int, tuple[int, str], int]]) -> bool:
        allev = sorted(bogie_events + events)
        level = dict(stock0)
        i = 0
        while i < len(allev):
            t = allev[i][0]
            while i < len(allev) and allev[i][0] == t:
                _, key, delta = allev[i]
                level[key] = level.get(key, 0) + delta
                i += 1
            if any(v < 0 for v in level.values()):
                return False
        return True

    for tr in inst["trains"]:
        tplan = plan[tr["id"]]
        for task in _train_tasks(inst, tr, tplan):
            op = task["op"]
            preds = list(task["preds"])
            if op == "shunt_in" and task["track"] in last_on_track:
                preds.append((last_on_track[task["track"]], 0))
            ready = tr["arrival"]
            if op == "attach":
                loco = task["locomotive"]
                if loco in station_locos:
                    ready = max(ready, station_locos[loco]["available_from"])
                else:
                    owner = inbound_owner[loco]
                    preds.append(((owner, "detach", None, None), st.get("loco_turnaround", 0)))
            for key, lag in preds:
                ready = max(ready, placed[key]["end"] + lag)
            dur = task["duration"]
            cars: list[dict[str, Any]] = []
            if op == "swap":
                cars = [c for c in tr["carriages"] if c["id"] == task["carriage"]]
            elif op == "roll":
                ids = tplan["blocks"][task["block"]]["carriages"]
                cars = [c for c in tr["carriages"] if c["id"] in ids]
            t = ready
            while True:
                if t + dur > inst["horizon"]:
                    raise RuntimeError(f"cannot place {task['key']}")
                crew = shunter = None
                ok = not (
                    op == "shunt_in"
                    and any(a <= t < b for a, b in tracks[task["track"]].get("unavailable", []))
                )
                if ok and dur > 0:
                    crew = next(
                        (
                            c["id"]
                            for c in st["crews"]
                            if SKILL[op] in c["skills"]
                            and free(c["id"], t, t + dur)
                            and any(a <= t and t + dur <= b for a, b in c["shifts"])
                        ),
                        None,
                    )
                    ok = crew is not None
                    if ok and op in SHUNTER_OPS:
                        shunter = next(
                            (
                                s["id"]
                                for s in st["shunters"]
                                if free("shunter:" + s["id"], t, t + dur)
                            ),
                            None,
                        )
                        ok = shunter is not None
                    if ok and op == "changer_pass":
                        ok = free("changer", t, t + dur)
                events = []
                for c in cars:
                    btype, nb = c["bogie_type"], c.get("bogies", 2)
                    events.append((t, (tr["to_gauge"], btype), -nb))
                    events.append(
                        (t + dur + st.get("bogie_turnaround", 0), (tr["from_gauge"], btype), nb)
                    )
                if ok and events:
                    ok = stock_ok(events)
                if ok:
                    break
                t += 1
            bogie_events.extend(events)
            if crew:
                busy.setdefault(crew, []).append((t, t + dur))
            if shunter:
                busy.setdefault("shunter:" + shunter, []).append((t, t + dur))
            if op == "changer_pass" and dur > 0:
                busy.setdefault("changer", []).append((t, t + dur))
            if op == "shunt_out":
                last_on_track[task["track"]] = task["key"]
            placed[task["key"]] = {
                "train": tr["id"],
                "op": op,
                "carriage": task.get("carriage"),
                "block": task.get("block"),
                "start": t,
                "end": t + dur,
                "crew": crew,
                "shunter": shunter,
                "track": task.get("track"),
                "locomotive": task.get("locomotive"),
            }
    _check_windows(inst, placed)

    plans = []
    objective = 0
    for tr in inst["trains"]:
        tid = tr["id"]
        ends = [placed[(tid, "brake_test", None, None)]["end"]]
        ends.append(placed[(tid, "border_check", None, None)]["end"])
        if tr.get("earliest_departure") is not None:
            ends.append(tr["earliest_departure"])
        dep = max(ends)
        dwell = dep - tr["arrival"]
        objective += tr.get("weight", 1) * dwell
        p = plan[tid]
        plans.append(
            {
                "id": tid,
                "mode": p["mode"],
                "departure": dep,
                "dwell": dwell,
                "locomotive": p["locomotive"],
                "blocks": copy.deepcopy(p["blocks"]),
            }
            | ({"ground_brake_test": p["ground_brake_test"]} if "ground_brake_test" in p else {})
        )
        assert trains[tid]
    return {
        "instance": inst["name"],
        "status": "feasible",
        "objective": objective,
        "lower_bound": None,
        "trains": plans,
        "tasks": list(placed.values()),
    }


def write_fixture_files() -> None:
    """(Re)write ``tests/data/checker/{instance,solution}.json`` and their ``_v11`` and
    ``_v12`` pairs."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    (DATA_DIR / "instance.json").write_text(json.dumps(INSTANCE, indent=2) + "\n")
    (DATA_DIR / "solution.json").write_text(json.dumps(build_solution(), indent=2) + "\n")
    (DATA_DIR / "instance_v11.json").write_text(json.dumps(INSTANCE_V11, indent=2) + "\n")
    v11 = build_solution(INSTANCE_V11, PLAN_V11)
    (DATA_DIR / "solution_v11.json").write_text(json.dumps(v11, indent=2) + "\n")
    (DATA_DIR / "instance_v12.json").write_text(json.dumps(INSTANCE_V12, indent=2) + "\n")
    v12 = build_solution(INSTANCE_V12, PLAN_V12)
    (DATA_DIR / "solution_v12.json").write_text(json.dumps(v12, indent=2) + "\n")


if __name__ == "__main__":
    write_fixture_files()
