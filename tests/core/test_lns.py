"""Restricting a problem to a neighbourhood, and large-neighbourhood search over it."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from budget import CLOCK_SLACK, core_budget
from core_check import violations

from gaugeopt.core import solve_problem
from gaugeopt.core.lns import Neighbourhood, improve
from gaugeopt.core.restrict import restrict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from random_instances import random_instance

from gaugeopt.construct import construct
from gaugeopt.gauge.build import build
from gaugeopt.gauge.hint import as_core_result, solution_values


def _incumbent(seed: int):
    """A gauge model (a rich generic problem) and a constructed solution of it."""
    for s in range(seed, seed + 50):
        inst = random_instance(s)
        if len(inst.trains) < 2:
            continue
        sol = construct(inst, time_limit=0)
        if sol is not None:
            model = build(inst)
            return model, as_core_result(model, solution_values(model, sol), sol.objective)
    raise AssertionError("no instance")


@pytest.mark.parametrize("seed", [0, 100, 200, 300, 400])
def test_restricted_solutions_merge_into_valid_whole_solutions(seed: int) -> None:
    model, base = _incumbent(seed)
    problem = model.problem
    assert violations(problem, base) == []
    rng = random.Random(seed)
    for _ in range(3):
        tasks = {t for t in range(len(problem.tasks)) if rng.random() < 0.3}
        bools = {b for b in range(len(problem.bool_names)) if rng.random() < 0.3}
        part = restrict(problem, base, tasks, bools)
        assert len(part.problem.tasks) <= len(problem.tasks)
        result = solve_problem(
            part.problem, hint=part.hint(), upper_bound=base.objective, **core_budget(0.3)
        )
        assert result.objective is not None and result.objective <= base.objective
        merged = part.merge(result)
        assert violations(problem, merged) == []
        base = merged


def test_improve_never_worsens_and_returns_valid_solution() -> None:
    model, base = _incumbent(7)
    problem = model.problem
    n = len(problem.tasks)

    def hood(rng: random.Random, best, intensity: float) -> Neighbourhood:
        k = max(1, int(n * 0.2 * intensity))
        return Neighbourhood(set(rng.sample(range(n), k)), set(), "random")

    # Three neighbourhoods of deterministic time each; the clock only a safety net.
    best, stats = improve(
        problem, base, hood, time_limit=4 * CLOCK_SLACK, workers=1, step_time=0.5, iterations=3
    )
    assert best.objective <= base.objective
    assert violations(problem, best) == []
    assert stats["random:tried"] == 3
