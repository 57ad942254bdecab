"""Mode choice: every formulation of :class:`ModelOptions` reaches the brute-force optimum."""

from __future__ import annotations

import random

import pytest
from budget import core_budget

from gaugeopt.core import Problem
from gaugeopt.core.cpsat import CpsatModel
from gaugeopt.core.cpsat.options import ModelOptions
from gaugeopt.core.problem import Demand, Mode, Resource

FORMULATIONS = ["per_mode", "per_task"]


def random_problem(seed: int, optional: bool = False) -> Problem:
    """Four tasks of two or three modes on two renewable and one nonrenewable resource."""
    rng = random.Random(seed)
    p = Problem(horizon=9, name=f"modes{seed}")
    p.add_resource(Resource("R1", 2))
    p.add_resource(Resource("R2", 1))
    p.add_resource(Resource("N", rng.randint(4, 6), kind="nonrenewable"))
    presents = [p.new_bool("p0"), p.new_bool("p1")] if optional else []
    for i in range(4):
        modes = []
        for _ in range(rng.randint(2, 3)):
            demands = [Demand(0, rng.randint(1, 2)), Demand(1, rng.randint(0, 1))]
            demands.append(Demand(2, rng.randint(0, 3)))
            duration = rng.choice([0, 1, 2, 3]) if i == 3 else rng.randint(1, 3)
            modes.append(Mode(duration, [d for d in demands if d.amount]))
        present = presents[i] if i < len(presents) else None
        p.add_task(f"a{i}", modes=modes, present=present)
        p.add_objective(i, rng.randint(1, 3))
    if optional:
        p.add_clause(presents)
    p.add_precedence(0, 2)
    p.add_precedence(1, 3, lag=rng.randint(-1, 1), at_before="start")
    return p


def _fits(p: Problem, picked: list[tuple[int, int, int]]) -> bool:
    """Is (task, mode, start) for each present task within resources and precedences?"""
    at = {i: (k, s, s + int(p.tasks[i].modes[k].duration or 0)) for i, k, s in picked}
    if any(e > p.horizon for _, _, e in at.values()):
        return False
    for q in p.precedences:
        if q.before in at and q.after in at:
            b = at[q.before][1 if q.at_before == "start" else 2]
            a = at[q.after][1 if q.at_after == "start" else 2]
            if a < b + q.lag:
                return False
    for r, res in enumerate(p.resources):
        uses = [
            (s, e, d.amount)
            for i, (k, s, e) in at.items()
            for d in p.tasks[i].modes[k].demands
            if d.resource == r and e > s
        ]
        if res.kind == "nonrenewable":
            if sum(a for *_, a in uses) > res.capacity:
                return False
        elif any(sum(a for s, e, a in uses if s <= t < e) > res.capacity for t in range(p.horizon)):
            return False
    return True


def brute_force(p: Problem) -> int | None:
    """The least objective over every presence, mode and start (None: infeasible).

    Depth first over the tasks in order, each present one given a mode and a start; a
    partial assignment is cut when it breaks a rule or cannot beat the best so far.
    """
    weights = dict(p.objective)
    n = len(p.tasks)
    best: list[int | None] = [None]

    def least(i: int) -> int:  # the least cost of task i (0 if it may be absent)
        if p.tasks[i].present is not None:
            return 0
        return weights.get(i, 0) * min(int(m.duration or 0) for m in p.tasks[i].modes)

    def extend(i: int, picked: list[tuple[int, int, int]], cost: int) -> None:
        if best[0] is not None and cost + sum(least(j) for j in range(i, n)) >= best[0]:
            return
        if i == n:
            present = {t for t, _, _ in picked}
            optional = [j for j, t in enumerate(p.tasks) if t.present is not None]
            if not optional or present & set(optional):  # the clause over presences
                best[0] = cost
            return
        if p.tasks[i].present is not None:
            extend(i + 1, picked, cost)
        for k, mode in enumerate(p.tasks[i].modes):
            for s in range(p.horizon + 1):
                trial = [*picked, (i, k, s)]
                if _fits(p, trial):
                    end = s + int(mode.duration or 0)
                    extend(i + 1, trial, cost + weights.get(i, 0) * end)

    extend(0, [], 0)
    return best[0]


def solve_with(p: Problem, formulation: str) -> int | None:
    model = CpsatModel(p, ModelOptions(mode_resources=formulation))  # type: ignore[arg-type]
    result = model.solve(**core_budget(0.6))
    if result.status == "infeasible":
        return None
    assert result.status == "optimal"
    return result.objective


@pytest.mark.parametrize("seed", range(4))
def test_mode_formulations_match_brute_force(seed: int, solve) -> None:
    p = random_problem(seed)
    expected = brute_force(p)
    for formulation in FORMULATIONS:
        assert solve_with(p, formulation) == expected, formulation
    solve(p)  # the default formulation's schedule passes the independent check


@pytest.mark.parametrize("seed", [10, 11])
def test_optional_multi_mode_tasks_match_brute_force(seed: int) -> None:
    p = random_problem(seed, optional=True)
    expected = brute_force(p)
    for formulation in FORMULATIONS:
        assert solve_with(p, formulation) == expected, formulation


def _cumulative_sizes(p: Problem, formulation: str) -> list[int]:
    model = CpsatModel(p, ModelOptions(mode_resources=formulation))  # type: ignore[arg-type]
    return [
        len(c.cumulative.intervals) for c in model.model.proto.constraints if c.has_cumulative()
    ]


def test_per_task_takes_a_resource_once_per_task() -> None:
    """Two tasks of two modes on a resource: per task, one interval each in the cumulative
    (seen before the mode is chosen); per mode, one per mode."""
    p = Problem(horizon=20)
    p.add_resource(Resource("R", 2))
    for i in range(2):
        p.add_task(f"a{i}", modes=[Mode(3, [Demand(0, 1)]), Mode(4, [Demand(0, 2)])])
    assert _cumulative_sizes(p, "per_task") == [2]
    assert _cumulative_sizes(p, "per_mode") == [4]


@pytest.mark.parametrize("optional", [False, True])
def test_complete_hint_covers_the_per_task_variables(optional: bool) -> None:
    from ortools.sat.python import cp_model as cp

    from gaugeopt.core import CoreHint, solve_problem

    p = random_problem(12, optional=optional)
    first = solve_problem(p, **core_budget(0.6))
    model = CpsatModel(p, ModelOptions(mode_resources="per_task"))
    model.add_hint(CoreHint.from_result(first))
    proto = model.model.proto
    free = {i for i, v in enumerate(proto.variables) if v.domain[0] != v.domain[-1]}
    assert free <= set(proto.solution_hint.vars)
    solver = cp.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(model.model) == cp.OPTIMAL
    assert round(solver.objective_value) == first.objective
