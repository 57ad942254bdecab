"""The search from the replan's floor (gaugeopt.replan.lns): with one worker the same replan
twice gives the same plan, it keeps the frozen work and is never worse than the floor."""

from __future__ import annotations

import math
import random

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.checker.frozen import check_frozen
from gaugeopt.construct import construct
from gaugeopt.generate import generate
from gaugeopt.replan.disrupt import random_disruption


def test_the_search_from_the_floor_is_reproducible_and_never_worse_than_the_floor() -> None:
    inst = generate("day", 4, trains=5)
    plan = construct(inst, time_limit=math.inf, seed=0)
    assert plan is not None
    d = random_disruption(inst, plan, random.Random(4000))
    runs = [
        gaugeopt.replan(d.instance, plan, d.now, time_limit=2, workers=1, seed=0) for _ in range(2)
    ]
    first, second = runs
    assert first.status in ("optimal", "feasible")
    assert first.solution.tasks == second.solution.tasks
    assert first.objective == second.objective
    assert check(d.instance, first.solution) == []
    assert check_frozen(plan, first.solution, d.now) == []
    assert first.repaired is not None
    assert (first.objective or 0) <= (first.repaired.objective or 0)
