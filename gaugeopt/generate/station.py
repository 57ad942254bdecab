"""Drawing a station for a set of trains: tracks, crews, bogie stock, locomotives, durations.

Figures follow docs/sources.md (see :mod:`.ranges`). ``scarce=True`` draws the lean
variant: 1-2 jack sets per individual track, one heavy track, one team per skill group on
narrow 8-hour shifts with no night work, bogie stock of exactly one train's need and no
spare locomotives.
"""

from __future__ import annotations

import math
import random
from typing import Any

from gaugeopt.generate import ranges as R
from gaugeopt.generate.trains import GAUGES, bogie_need

LOCO_CLASS = {1520: "2TE116", 1435: "DF4D"}


def durations(rng: random.Random) -> dict[str, int]:
    """Station durations drawn from the ranges of docs/sources.md."""
    return {
        "detach": R.draw(rng, R.DETACH),
        "attach": R.draw(rng, R.ATTACH),
        "brake_test": R.draw(rng, R.BRAKE_TEST),
        "border_check": R.draw(rng, R.STATION_BORDER_CHECK),
        "shunt": R.draw(rng, R.SHUNT),
        "couple_per_carriage": R.draw(rng, R.COUPLE_PER_CARRIAGE),
        "disconnect": R.draw(rng, R.DISCONNECT),
        "lift": R.draw(rng, R.LIFT),
        "swap_per_bogie": R.draw(rng, R.SWAP_PER_BOGIE),
        "lower": R.draw(rng, R.LOWER),
        "reconnect": R.draw(rng, R.RECONNECT),
        "changer_setup": R.draw(rng, R.CHANGER_SETUP),
        "changer_per_carriage": R.draw(rng, R.CHANGER_PER_CARRIAGE),
        "roll_setup": R.draw(rng, R.ROLL_SETUP),
        "roll_per_bogie": 1,
    }


def tracks(
    rng: random.Random, n: int, heaviest: float, *, scarce: bool = False
) -> list[dict[str, Any]]:
    """``n`` shed tracks; some track always lifts ``heaviest``.

    Scarce: only the first track lifts more than 100 t, and individual tracks have 1-2 jack
    sets.
    """
    out: list[dict[str, Any]] = []
    for i in range(n):
        cap = R.draw(rng, R.TRACK_CAPACITY)
        method = "roll" if rng.random() < (0.25 if scarce else 0.4) else "individual"
        jacks = rng.randint(1, 2) if scarce else rng.randint(max(2, cap // 2), cap)
        if scarce:
            mass = R.MAX_MASS_HEAVY if i == 0 else R.MAX_MASS_NORMAL
        else:
            mass = rng.choice([R.MAX_MASS_NORMAL, R.MAX_MASS_NORMAL, 120.0, R.MAX_MASS_HEAVY])
        out.append(
            {
                "id": f"T{i + 1}",
                "capacity": cap,
                "jack_sets": cap if method == "roll" else jacks,
                "max_mass_t": mass,
                "method": method,
            }
        )
    if max(t["max_mass_t"] for t in out) < heaviest:
        out[0]["max_mass_t"] = R.MAX_MASS_HEAVY
    return out


# Skill groups of the teams: exchange teams share the carriage work; support teams shunt,
# test brakes and (de)couple locomotives; customs teams do the border checks.
EXCHANGE_GROUPS = (
    ["coupling", "lifting"],
    ["lifting", "bogie"],
    ["coupling", "bogie"],
    ["coupling", "lifting", "bogie"],
)
SUPPORT_GROUPS = (["shunting", "brake"], ["coupling", "brake"])


def _shift_pattern(horizon: int, start: int, length: int) -> list[list[int]]:
    """The same shift ``[start, start + length)`` every day of the horizon."""
    out = []
    day = 0
    while day * R.DAY_MINUTES + start < horizon:
        a = day * R.DAY_MINUTES + start
        out.append([a, min(horizon, a + length)])
        day += 1
    return out


def crews(
    rng: random.Random,
    horizon: int,
    exchange_teams: int,
    support_teams: int,
    customs_teams: int,
    *,
    scarce: bool = False,
) -> list[dict[str, Any]]:
    """Teams per shift, every skill held on every shift.

    Normal: a 12 h day / 12 h night rotation (docs/sources.md); scarce: two 8-hour shifts,
    06:00-14:00 and 14:00-22:00, and customs 08:00-20:00 (no night work).
    """
    if scarce:
        length = R.NARROW_SHIFT_MINUTES
        patterns = [
            ("A", _shift_pattern(horizon, 360, length)),
            ("B", _shift_pattern(horizon, 840, length)),
        ]
        customs_shifts = _shift_pattern(horizon, 480, R.SHIFT_MINUTES)
    else:
        length = R.SHIFT_MINUTES
        patterns = [
            ("D", _shift_pattern(horizon, 0, length)),
            ("N", _shift_pattern(horizon, 720, length)),
        ]
        customs_shifts = None
    out = []
    for tag, shifts in patterns:
        for k in range(exchange_teams):
            group = EXCHANGE_GROUPS[k % len(EXCHANGE_GROUPS)]
            out.append({"id": f"{tag}X{k + 1}", "skills": list(group), "shifts": shifts})
        for k in range(support_teams):
            group = SUPPORT_GROUPS[k % len(SUPPORT_GROUPS)]
            if support_teams == 1:
                group = ["shunting", "brake", "coupling"]
            out.append({"id": f"{tag}S{k + 1}", "skills": list(group), "shifts": shifts})
        if customs_shifts is None:
            for k in range(customs_teams):
                out.append({"id": f"{tag}C{k + 1}", "skills": ["customs"], "shifts": shifts})
    if customs_shifts is not None:
        for k in range(customs_teams):
            out.append({"id": f"C{k + 1}", "skills": ["customs"], "shifts": customs_shifts})
    rng.shuffle(out)  # crew order carries no meaning; do not let solvers rely on it
    return out


def bogie_stock(
    rng: random.Random, trains: list[dict[str, Any]], *, scarce: bool = False, cycle: bool = True
) -> list[dict[str, Any]]:
    """Stock per (gauge, type) the trains take.

    At least the largest single train's need (docs/sources.md: "≥ 2 × largest train's cars");
    with ``cycle`` only 40-90 % of a day's need, so the rest must come back from trains of
    the other direction after ``bogie_turnaround``. Scarce: exactly the largest train's need.
    """
    out = []
    for (gauge, btype), per_train in sorted(bogie_need(trains).items()):
        largest, total = max(per_train), sum(per_train)
        if scarce:
            count = largest
        elif cycle:
            count = max(largest + rng.randint(0, 8), math.ceil(total * rng.uniform(0.4, 0.9)))
        else:
            count = math.ceil(largest * rng.uniform(1.0, 2.0))
        out.append({"gauge": gauge, "type": btype, "count": count})
    return out


def locomotives(
    rng: random.Random, trains: list[dict[str, Any]], *, scarce: bool = False
) -> list[dict[str, Any]]:
    """Few station locomotives: inbound ones of the other direction must be reused.

    Per gauge, the station has as many as the outbound trains lack after counting the
    inbound locomotives of that gauge, plus 1-2 spares (none when scarce).
    """
    out = []
    for g in GAUGES:
        need = sum(1 for t in trains if t["to_gauge"] == g)
        inbound = sum(
            1 for t in trains if t.get("inbound_loco") and t["inbound_loco"]["gauge"] == g
        )
        spare = 0 if scarce else rng.randint(1, 2)
        count = max(0, need - inbound) + (spare if need else 0)
        for k in range(count):
            late = rng.random() < 0.3
            out.append(
                {
                    "id": f"{LOCO_CLASS[g]}-{k + 1:02d}",
                    "gauge": g,
                    "available_from": rng.choice([240, 480, 600]) if late else 0,
                }
            )
    return out
