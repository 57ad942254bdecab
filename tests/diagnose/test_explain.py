"""Reasons for infeasibility beyond the pre-checks: the smallest group of rules to blame.

Each instance here passes every pre-check, yet has no schedule; the explanation must name
the group of rules at fault and leave out groups that play no part.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import builders
import pytest

import gaugeopt
from gaugeopt.diagnose.explain import explain_infeasibility, groups
from gaugeopt.diagnose.precheck import infeasibility_reasons
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import parse_instance

BASE: dict[str, Any] = {
    "name": "explain",
    "horizon": 600,
    "station": {
        "name": "S",
        "tracks": [{"id": "T1", "capacity": 4, "jack_sets": 2, "max_mass_t": 100.0}],
        "shunters": [{"id": "SH1"}],
        "bogie_stock": [{"gauge": 1520, "type": "p", "count": 16}],
        "crews": [
            {
                "id": "C1",
                "skills": ["coupling", "shunting", "brake", "customs"],
                "shifts": [[0, 600]],
            },
            {"id": "L1", "skills": ["lifting", "bogie"], "shifts": [[0, 600]]},
        ],
        "locomotives": [{"id": "LOC1", "gauge": 1520, "available_from": 0}],
        "durations": builders.durations(lift=6, swap_per_bogie=4, lower=6),
    },
    "trains": [
        builders.train(
            "K1",
            cars=4,
            mass_t=60.0,
            bogie_type="p",
            car_id="{train}-{k}",
            first=0,
            inbound_loco={"id": "IN1", "gauge": 1435},
        )
    ],
}


def instance(change: Callable[[dict[str, Any]], None]) -> Instance:
    data = copy.deepcopy(BASE)
    change(data)
    inst = parse_instance(data)
    assert infeasibility_reasons(inst) == []  # the pre-checks see nothing wrong
    return inst


def lifting_shift_too_short(d: dict[str, Any]) -> None:
    # Lifting could start at 25 at the earliest; lowering after the swaps needs past 45.
    d["station"]["crews"][1]["shifts"] = [[0, 45]]


def stock_too_small(d: dict[str, Any]) -> None:
    # Two bogies fit one carriage at a time, but nothing ever refills the 1520 stock.
    d["station"]["bogie_stock"][0]["count"] = 4


def horizon_too_short(d: dict[str, Any]) -> None:
    d["horizon"] = 120
    for crew in d["station"]["crews"]:
        crew["shifts"] = [[0, 120]]


def returns_too_late(d: dict[str, Any]) -> None:
    """K1 needs the 1520 bogies B1 brings in, which return 200 min after each swap: by
    then K1 cannot finish before the horizon. A customs crew on a short shift is spare."""
    horizon_end = 330
    d["horizon"] = horizon_end
    for crew in d["station"]["crews"]:
        crew["shifts"] = [[0, horizon_end]]
    d["station"]["crews"].append({"id": "X9", "skills": ["customs"], "shifts": [[0, 200]]})
    d["station"]["bogie_turnaround"] = 200
    d["station"]["bogie_stock"] = [
        {"gauge": 1520, "type": "p", "count": 2},
        {"gauge": 1435, "type": "p", "count": 8},
    ]
    d["station"]["locomotives"].append({"id": "LOC2", "gauge": 1435, "available_from": 0})
    d["trains"].append(
        builders.train(
            "B1",
            from_gauge=1520,
            to_gauge=1435,
            cars=4,
            mass_t=60.0,
            bogie_type="p",
            car_id="{train}-{k}",
            first=0,
        )
    )


def late_locomotive(d: dict[str, Any]) -> None:
    # The only 1520 loco arrives 20 min before the horizon: attach and brake test need 30.
    d["station"]["locomotives"][0]["available_from"] = 580


def named(reasons: list[str], text: str) -> bool:
    return any(r.startswith(text) for r in reasons)


@pytest.mark.parametrize(
    ("change", "expected", "absent"),
    [
        (lifting_shift_too_short, ["the shifts of crew L1"], ["the bogie stock", "the horizon"]),
        (
            stock_too_small,
            ["the bogie stock of gauge 1520 type 'p'"],
            ["the shifts", "the horizon"],
        ),
        (horizon_too_short, ["the horizon"], ["the shifts", "the bogie stock"]),
        pytest.param(  # its proofs take 5-15 s on a loaded machine
            returns_too_late,
            ["the horizon", "the bogie stock of gauge 1520 type 'p'", "the bogie turnaround"],
            ["the shifts of crew X9", "the bogie stock of gauge 1435", "the locomotive pool"],
            marks=pytest.mark.slow,
        ),
        (late_locomotive, ["the locomotive pool of gauge 1520", "the horizon"], ["the shifts"]),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_explanation_names_the_cause(
    change: Callable[[dict[str, Any]], None], expected: list[str], absent: list[str]
) -> None:
    inst = instance(change)
    reasons = explain_infeasibility(inst, time_limit=60)
    for text in expected:
        assert named(reasons, text), reasons
    for text in absent:
        assert not named(reasons, text), reasons
    assert len(reasons) == len(expected), reasons  # nothing else: the cause is minimal


def test_solve_reports_the_cause() -> None:
    result = gaugeopt.solve(instance(lifting_shift_too_short), time_limit=20)
    assert result.status == "infeasible"
    assert result.reasons == [
        "the shifts of crew L1 (lifting, bogie): on duty day 1 00:00–00:45 only"
    ]
    assert result.solution.tasks == []


def test_feasible_instance_has_no_explanation() -> None:
    assert explain_infeasibility(instance(lambda d: None), time_limit=10) == []


@pytest.mark.slow
@pytest.mark.parametrize("change", [returns_too_late, late_locomotive, lifting_shift_too_short])
def test_every_relaxation_gives_a_valid_feasible_instance(
    change: Callable[[dict[str, Any]], None],
) -> None:
    """Relaxing every group at once leaves a valid instance that has a schedule."""
    inst = instance(change)
    relaxed = inst.model_copy(deep=True)
    every = groups(inst)
    assert every
    for g in every:
        g.relax(relaxed)
    relaxed = parse_instance(relaxed.model_dump(mode="json"))  # still a valid instance
    result = gaugeopt.solve(relaxed, time_limit=10)
    assert result.status in ("optimal", "feasible"), result.summary()
    assert gaugeopt.check(relaxed, result.solution) == []


def test_shifts_past_the_horizon_are_usable() -> None:
    """A shift that runs past the horizon still serves up to it (no false pre-check)."""

    def late_shifts(d: dict[str, Any]) -> None:
        for crew in d["station"]["crews"]:
            crew["shifts"] = [[0, 700]]

    result = gaugeopt.solve(instance(late_shifts), time_limit=10)
    assert result.status in ("optimal", "feasible"), result.reasons


# ---- contract v1.1: track maintenance windows -----------------------------------------------


def _closed(window: list[int]) -> Instance:
    data = copy.deepcopy(BASE)
    data["station"]["tracks"][0]["unavailable"] = [window]
    return parse_instance(data)


def test_precheck_names_a_track_closed_too_long_for_any_block() -> None:
    # The one track is open only [0, 40): too short for even one carriage's stay (shunt in
    # at 10, then 50 min of that carriage's own chain).
    reasons = infeasibility_reasons(_closed([40, 600]))
    assert reasons == [
        "train K1: carriage K1-0 (60 t) finds no track that lifts it open long enough for "
        "its exchange before the horizon ends at day 1 10:00 (closed for maintenance: "
        "T1 day 1 00:40–10:00)"
    ]
    result = gaugeopt.solve(_closed([40, 600]), time_limit=5)
    assert result.status == "infeasible" and result.reasons == reasons
    assert infeasibility_reasons(_closed([0, 10])) == []  # closed before the train needs it
    assert infeasibility_reasons(_closed([300, 600])) == []  # open long enough before


def test_explanation_names_the_maintenance_window() -> None:
    # Open [0, 100): enough for one carriage's chain (the pre-check passes), not for the
    # whole train, whose lifts, swaps and lowers one crew does one after another.
    inst = _closed([100, 600])
    assert infeasibility_reasons(inst) == []
    reasons = explain_infeasibility(inst, time_limit=20)
    assert named(reasons, "the maintenance windows of track T1: closed day 1 01:40–10:00")
    assert named(reasons, "the horizon")
    assert len(reasons) == 2, reasons
