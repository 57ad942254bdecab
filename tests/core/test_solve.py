"""Solving: determinism, complete hints, upper bounds, the stop event."""

from __future__ import annotations

import threading

from budget import core_budget
from core_check import BENCH_DATA, violations
from ortools.sat.python import cp_model as cp

from gaugeopt.core import CoreHint, Problem, TaskHint, solve_problem
from gaugeopt.core.cpsat import CpsatModel
from gaugeopt.core.problem import Choice, Demand, Duration, Mode, Reservoir, Resource
from gaugeopt.core.psplib import read_psplib


def rich_problem() -> Problem:
    """A small problem using every feature at once."""
    p = Problem(horizon=60, name="rich")
    crews = [p.add_resource(Resource(f"crew{i}", 1, windows=[(0, 12), (12, 40)])) for i in (0, 1)]
    track = p.add_resource(Resource("track", 2))
    budget = p.add_resource(Resource("budget", 2, "nonrenewable"))
    arrive = p.add_task("arrive", 3, present=p.new_bool("arrives"))
    loco = p.add_resource(Resource("loco", 1, available_after=(arrive, 1)))
    stock = p.add_reservoir(Reservoir("stock", initial=1, minimum=0, maximum=3))
    fast = p.new_bool("fast")
    tasks = []
    for i in range(5):
        modes = [
            Mode(Duration(5, [(fast, -2)]), [Demand(track)], [Choice(crews)]),
            Mode(2, [Demand(budget)], [Choice(crews), Choice([loco, track])]),
        ]
        present = p.new_bool(f"p{i}") if i == 4 else None
        tasks.append(p.add_task(f"T{i}", modes=modes, present=present, release=i))
        p.add_event(stock, tasks[-1], "start", -1, when=[fast] if i % 2 else [])
        p.add_event(stock, tasks[-1], "end", +1)
    p.add_clause([p.tasks[tasks[4]].present])
    p.add_precedence(tasks[0], tasks[1], 1)
    p.add_precedence(tasks[2], tasks[3], 0, when=[fast])
    block = p.add_task("block", None, choices=[Choice([track])])
    p.add_span(block, tasks[0], tasks[1])
    p.add_task("marker", 0, choices=[Choice(crews)], release=20)
    for w, t in enumerate(tasks):
        p.add_objective(t, w + 1)
    p.add_objective(arrive, 1)
    return p


def test_rich_problem_solves_validly(solve):
    r = solve(rich_problem())
    assert r.status == "optimal" and r.bound == r.objective


def test_complete_hint_is_a_full_solution():
    p = rich_problem()
    first = solve_problem(p, **core_budget(0.6))
    model = CpsatModel(p)
    model.add_hint(CoreHint.from_result(first))
    proto = model.model.proto
    domains = [list(v.domain) for v in proto.variables]
    free = {i for i, d in enumerate(domains) if d[0] != d[-1]}
    assert free <= set(proto.solution_hint.vars)
    solver = cp.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    assert solver.solve(model.model) == cp.OPTIMAL
    assert round(solver.objective_value) == first.objective


def test_hint_with_upper_bound_never_worse():
    p, _ = read_psplib(BENCH_DATA / "psplib/j120/j12011_1.sm")
    first = solve_problem(p, **core_budget(0.1))
    assert first.status == "feasible"
    hint = CoreHint.from_result(first)
    again = solve_problem(p, hint=hint, upper_bound=first.objective, **core_budget(0.05))
    assert again.status == "feasible" and again.objective <= first.objective
    assert violations(p, again) == []


def test_partial_hint_is_accepted(solve):
    p = Problem(horizon=20)
    unary = p.add_resource(Resource("R", 1))
    a, b = (p.add_task(n, 3, demands=[Demand(unary)]) for n in "AB")
    p.add_objective(b, 1)
    r = solve(p, hint=CoreHint({a: TaskHint(start=3)}, {}))
    assert (r.objective, r.tasks[a].start) == (3, 3)


def test_deterministic_with_one_worker():
    p, _ = read_psplib(BENCH_DATA / "psplib/j30/j305_2.sm")  # many optimal schedules
    runs = [solve_problem(p, seed=7, **core_budget(0.6)) for _ in range(2)]
    assert runs[0].status == "optimal"
    p2 = rich_problem()
    runs2 = [solve_problem(p2, seed=3, **core_budget(0.6)) for _ in range(2)]
    for x, y in (runs, runs2):
        assert x.objective == y.objective and x.tasks == y.tasks and x.bools == y.bools


def test_stop_event_returns_best_so_far():
    p, _ = read_psplib(BENCH_DATA / "psplib/j120/j12011_1.sm")
    stop = threading.Event()
    r = solve_problem(p, time_limit=60, workers=2, stop=stop, on_progress=lambda *_: stop.set())
    assert r.status == "feasible" and r.num_solutions <= 3
    assert violations(p, r) == []
