"""The crew minutes generated trains bring, read from the rulebook: what sizes the teams.

A rough estimate, not a bound: a gauge-changing train is taken in exchange mode on
``individual`` tracks in blocks of about :data:`BLOCK_CARRIAGES` carriages, without the
ground-air test; a train that keeps its gauge goes through. Every operation of
:data:`~gaugeopt.rules.OPS` that exists in that configuration and that the train has counts
its minutes, so an operation the rulebook gains is counted without a change here.

A carriage's minutes are scaled by its ``work_pct`` once per group of its operations (see
:func:`skill_minutes` and :func:`exchange_minutes`), as the generator always rounded them;
the grouping only says where the estimate rounds up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from typing import Any

from gaugeopt.model.instance import SKILLS, Carriage, Durations, Train, scaled
from gaugeopt.rules import OPS, OpRule

#: Carriages per block in the estimate (a planner's usual cut of a long train).
BLOCK_CARRIAGES = 9
#: The track method of the estimate's blocks.
_METHOD = "individual"

#: What groups a carriage's operations before its work_pct scales them.
Group = Callable[[OpRule], Hashable]


def _mode(train: Train) -> str:
    return "through" if train.from_gauge == train.to_gauge else "exchange"


def _rules(train: Train, d: Durations, level: str) -> list[OpRule]:
    """The operations of ``level`` the train has in the estimate's configuration."""
    return [
        r
        for r in OPS
        if r.level == level and r.exists(_mode(train), _METHOD) and r.applies(d, train)
    ]


def _carriage_minutes(d: Durations, train: Train, car: Carriage, group: Group) -> dict[Any, int]:
    """The minutes of one carriage's operations by ``group``, each group's sum scaled by
    the carriage's work_pct once."""
    plain = car.model_copy(update={"work_pct": 100})
    sums: dict[Any, int] = defaultdict(int)
    for rule in _rules(train, d, "carriage"):
        sums[group(rule)] += rule.minutes(d, train, [plain], False)
    return {key: scaled(minutes, car.work_pct) for key, minutes in sums.items()}


def _blocks(train: Train) -> list[list[Carriage]]:
    cars = train.carriages
    return [cars[i : i + BLOCK_CARRIAGES] for i in range(0, len(cars), BLOCK_CARRIAGES)]


def _models(trains: list[dict[str, Any]], dur: dict[str, int]) -> tuple[Durations, list[Train]]:
    return Durations.model_validate(dur), [Train.model_validate(t) for t in trains]


def _by_skill(rule: OpRule) -> Hashable:
    """A carriage's steps of one skill round together; a step only some trains have
    (``present``, e.g. the coupler exchange) rounds on its own."""
    return (rule.skill, rule.present is None)


def skill_minutes(trains: list[dict[str, Any]], dur: dict[str, int]) -> dict[str, int]:
    """The crew minutes per skill the trains bring (module docstring): it only sizes the
    teams, it bounds nothing."""
    d, models = _models(trains, dur)
    need = dict.fromkeys(SKILLS, 0)
    for train in models:
        for rule in _rules(train, d, "train"):
            need[rule.skill] += rule.minutes(d, train, train.carriages, False)
        for rule in _rules(train, d, "block"):
            need[rule.skill] += sum(rule.minutes(d, train, b, False) for b in _blocks(train))
        for car in train.carriages:
            for (skill, _), minutes in _carriage_minutes(d, train, car, _by_skill).items():
                need[skill] += minutes
    return need


def _every_carriage(rule: OpRule) -> Hashable:
    """The steps every exchanged carriage has round together."""
    return rule.present is None


def exchange_minutes(trains: list[dict[str, Any]], dur: dict[str, int]) -> int:
    """Crew minutes of the carriage-level work of every gauge-changing train (the steps
    every carriage has; module docstring)."""
    d, models = _models(trains, dur)
    return sum(
        _carriage_minutes(d, train, car, _every_carriage).get(True, 0)
        for train in models
        if _mode(train) == "exchange"
        for car in train.carriages
    )
