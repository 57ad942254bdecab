"""Resources: unary crews with windows, cumulative, nonrenewable, availability."""

from __future__ import annotations

from gaugeopt.core import Problem
from gaugeopt.core.problem import Choice, Demand, Resource


def _sum_of_ends(p: Problem, tasks: list[int]) -> None:
    for t in tasks:
        p.add_objective(t, 1)


def test_choice_of_unary_crews_with_windows(solve):
    p = Problem(horizon=30)
    c1 = p.add_resource(Resource("C1", 1, windows=[(0, 10)]))
    c2 = p.add_resource(Resource("C2", 1, windows=[(5, 20)]))
    tasks = [p.add_task(f"T{i}", 4, choices=[Choice([c1, c2])]) for i in range(3)]
    _sum_of_ends(p, tasks)
    r = solve(p)
    assert (r.status, r.objective) == ("optimal", 4 + 8 + 9)
    assert sorted(r.tasks[t].resources[0] for t in tasks) == [c1, c1, c2]


def test_touching_windows_are_not_straddled(solve):
    p = Problem(horizon=30)
    crew = p.add_resource(Resource("C", 1, windows=[(6, 12), (0, 6)]))
    a, b = (p.add_task(n, 4, choices=[Choice([crew])]) for n in "AB")
    _sum_of_ends(p, [a, b])
    r = solve(p)
    assert r.objective == 4 + 10  # [4, 8) would straddle 6


def test_touching_windows_on_cumulative_and_fixed_demand(solve):
    p = Problem(horizon=30)
    team = p.add_resource(Resource("T", 2, windows=[(0, 5), (5, 10), (10, 30)]))
    t = p.add_task("X", 3, demands=[Demand(team, 2)], release=3)
    p.add_objective(t, 1)
    assert solve(p).objective == 8


def test_choice_amount_and_multiple_choices(solve):
    p = Problem(horizon=30)
    big, small = p.add_resource(Resource("big", 3)), p.add_resource(Resource("small", 2))
    crew = [p.add_resource(Resource(f"c{i}", 1)) for i in range(2)]
    tasks = [
        p.add_task(f"T{i}", 2, choices=[Choice([small, big], 2), Choice(crew)]) for i in range(3)
    ]
    _sum_of_ends(p, tasks)
    r = solve(p)
    assert r.objective == 2 + 2 + 4  # two crews: at most two at once
    for t in tasks:
        assert len(r.tasks[t].resources) == 2


def test_cumulative_makespan(solve):
    p = Problem(horizon=30)
    cap = p.add_resource(Resource("R", 2))
    tasks = [p.add_task(n, 3, demands=[Demand(cap)]) for n in "ABC"]
    tasks.append(p.add_task("D", 2, demands=[Demand(cap, 2)]))
    sink = p.add_task("sink", 0)
    for t in tasks:
        p.add_precedence(t, sink)
    p.add_objective(sink, 1)
    r = solve(p)
    assert (r.status, r.objective) == ("optimal", 8)


def test_demand_above_capacity_forces_other_mode(solve):
    p = Problem(horizon=30)
    cap = p.add_resource(Resource("R", 2))
    t = p.add_task("T", choices=[Choice([cap], 3)], duration=2)
    p.add_objective(t, 1)
    assert solve(p).status == "infeasible"


def test_nonrenewable_choice_budget(solve):
    p = Problem(horizon=30)
    cash = p.add_resource(Resource("cash", 2, "nonrenewable"))
    cheap = p.add_resource(Resource("slow", 1, available_from=10))
    tasks = [p.add_task(f"T{i}", 1, choices=[Choice([cash, cheap])]) for i in range(3)]
    _sum_of_ends(p, tasks)
    r = solve(p)
    assert r.objective == 1 + 1 + 11
    assert sorted(r.tasks[t].resources[0] for t in tasks) == [cash, cash, cheap]


def test_available_after_task(solve):
    p = Problem(horizon=40)
    arrive = p.add_task("arrive", 5)
    loco = p.add_resource(Resource("L", 1, available_after=(arrive, 2)))
    t = p.add_task("T", 3, demands=[Demand(loco)])
    p.add_objective(t, 1)
    assert solve(p).objective == 10


def test_available_after_optional_task(solve):
    p = Problem(horizon=40)
    came = p.new_bool("came")
    arrive = p.add_task("arrive", 5, present=came)
    loco = p.add_resource(Resource("L", 1, available_after=(arrive, 2)))
    spare = p.add_resource(Resource("L2", 1, available_from=20))
    t = p.add_task("T", 3, choices=[Choice([loco, spare])])
    p.add_objective(t, 1)
    r = solve(p)
    assert (r.objective, r.tasks[t].resources, r.bools[came.index]) == (10, [loco], True)
    p.add_clause([~came])  # absent: the locomotive never becomes available
    r = solve(p)
    assert (r.objective, r.tasks[t].resources) == (23, [spare])
    p.add_task("U", 1, demands=[Demand(loco)])
    assert solve(p).status == "infeasible"
