"""Builders for hand-made test stations: durations, crews, a track, a station, a train, an
instance, each as the plain JSON dict of DESIGN.md §3.

Every call returns a fresh dict, so a test may change it before parsing. Keyword arguments
replace a default or add a field, so a test states only what its case is about::

    station(crews=crews_per_skill(600), durations=durations(shunt=5))
    train("B", from_gauge=1520, to_gauge=1435, cars=2)

The module imports nothing of the package: the checker's cases use it too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: The crew skills of DESIGN.md §3, in the contract's order.
SKILLS = ("coupling", "lifting", "bogie", "shunting", "brake", "customs")

#: Round minutes, easy to add up by hand in a test's comment (the hand-made stations).
ROUND: dict[str, int] = {
    "detach": 10,
    "attach": 10,
    "brake_test": 20,
    "border_check": 30,
    "shunt": 10,
    "couple_per_carriage": 2,
    "disconnect": 5,
    "lift": 5,
    "swap_per_bogie": 5,
    "lower": 5,
    "reconnect": 5,
    "changer_setup": 10,
    "changer_per_carriage": 2,
}

#: Minutes of a working shed (a longer border check and bogie swap): the realistic stations.
TYPICAL: dict[str, int] = {
    **ROUND,
    "brake_test": 25,
    "border_check": 45,
    "shunt": 15,
    "disconnect": 8,
    "lift": 6,
    "swap_per_bogie": 7,
    "lower": 6,
    "reconnect": 10,
}

# The order of DESIGN.md §3, so that a built dict reads (and saves) like a written one.
_ORDER = (
    "detach",
    "attach",
    "brake_test",
    "brake_test_short",
    "border_check",
    "shunt",
    "couple_per_carriage",
    "disconnect",
    "lift",
    "swap_per_bogie",
    "lower",
    "reconnect",
    "changer_setup",
    "changer_per_carriage",
    "roll_setup",
    "roll_per_bogie",
)


def durations(base: Mapping[str, int] = ROUND, **changes: int) -> dict[str, int]:
    """``base`` (:data:`ROUND` unless given) with ``changes`` replaced or added."""
    merged = {**base, **changes}
    order = [k for k in _ORDER if k in merged] + [k for k in merged if k not in _ORDER]
    return {k: merged[k] for k in order}


def crews_per_skill(until: int, skills: Sequence[str] = SKILLS) -> list[dict[str, Any]]:
    """One crew per skill, ``C-<skill>``, on duty from 0 to ``until``: no crew contention."""
    return [{"id": f"C-{s}", "skills": [s], "shifts": [[0, until]]} for s in skills]


def track(
    tid: str = "T1",
    *,
    capacity: int = 2,
    jack_sets: int = 1,
    max_mass_t: float = 100.0,
    **extra: Any,
) -> dict[str, Any]:
    """A shed track (``individual`` unless ``method`` is given in ``extra``)."""
    return {
        "id": tid,
        "capacity": capacity,
        "jack_sets": jack_sets,
        "max_mass_t": max_mass_t,
        **extra,
    }


def station(
    *,
    crews: list[dict[str, Any]],
    name: str = "S",
    tracks: list[dict[str, Any]] | None = None,
    shunters: Sequence[str] = ("SH1",),
    bogie_stock: list[dict[str, Any]] | None = None,
    locomotives: list[dict[str, Any]] | None = None,
    durations: dict[str, int] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A station: one track T1 (:func:`track`), one shunter, no bogie stock, one 1520
    locomotive L1, :data:`ROUND` minutes, the given crews and any ``extra`` fields."""
    return {
        "name": name,
        "tracks": [track()] if tracks is None else tracks,
        "shunters": [{"id": s} for s in shunters],
        "bogie_stock": [] if bogie_stock is None else bogie_stock,
        "crews": crews,
        "locomotives": [{"id": "L1", "gauge": 1520}] if locomotives is None else locomotives,
        "durations": dict(ROUND) if durations is None else durations,
        **extra,
    }


def train(
    tid: str,
    *,
    arrival: int = 0,
    from_gauge: int = 1435,
    to_gauge: int = 1520,
    cars: int = 1,
    mass_t: float = 50.0,
    bogie_type: str = "std",
    car_id: str = "{train}{k}",
    first: int = 1,
    **extra: Any,
) -> dict[str, Any]:
    """A train of ``cars`` alike carriages named by ``car_id`` (``k`` counts from
    ``first``), with any ``extra`` train fields (weight, inbound_loco, ...)."""
    carriages = [
        {"id": car_id.format(train=tid, k=k), "mass_t": mass_t, "bogie_type": bogie_type}
        for k in range(first, first + cars)
    ]
    return {
        "id": tid,
        "arrival": arrival,
        "from_gauge": from_gauge,
        "to_gauge": to_gauge,
        **extra,
        "carriages": carriages,
    }


def instance(
    station: dict[str, Any],
    trains: list[dict[str, Any]],
    *,
    name: str = "hand",
    horizon: int = 600,
) -> dict[str, Any]:
    """An instance of ``station`` and ``trains``."""
    return {"name": name, "horizon": horizon, "station": station, "trains": trains}
