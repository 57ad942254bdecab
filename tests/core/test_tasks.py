"""Tasks: optional tasks, modes, variable durations, zero-duration tasks, objective, bounds."""

from __future__ import annotations

from gaugeopt.core import Problem
from gaugeopt.core.problem import Choice, Demand, Duration, Mode, Resource


def test_optional_tasks_cheapest_present(solve):
    p = Problem(horizon=20)
    unary = p.add_resource(Resource("R", 1))
    pa, pb = p.new_bool("a"), p.new_bool("b")
    a = p.add_task("A", 5, demands=[Demand(unary)], present=pa)
    b = p.add_task("B", 3, demands=[Demand(unary)], present=pb)
    p.add_exactly_one([pa, pb])
    p.add_objective(a, 1)
    p.add_objective(b, 1)
    r = solve(p)
    assert (r.status, r.objective) == ("optimal", 3)
    assert r.tasks[a].present is False and r.tasks[a].mode == -1
    assert r.tasks[b].present is True and r.bools == [False, True]


def test_negated_presence_literal(solve):
    p = Problem(horizon=20)
    x = p.new_bool("x")
    a = p.add_task("A", 4, present=~x, release=2)
    p.add_clause([~x])
    p.add_objective(a, 1)
    r = solve(p)
    assert r.objective == 6 and r.tasks[a].present


def test_modes_with_nonrenewable_budget(solve):
    p = Problem(horizon=30)
    budget = p.add_resource(Resource("N", 1, "nonrenewable"))
    fast_or_slow = [Mode(2, [Demand(budget)]), Mode(5)]
    x = p.add_task("X", modes=fast_or_slow)
    y = p.add_task("Y", modes=[Mode(2, [Demand(budget)]), Mode(5)])
    p.add_precedence(x, y)
    p.add_objective(y, 1)
    r = solve(p)
    assert (r.status, r.objective) == ("optimal", 7)
    assert sorted([r.tasks[x].mode, r.tasks[y].mode]) == [0, 1]


def test_mode_cannot_fit_is_not_chosen(solve):
    p = Problem(horizon=30)
    t = p.add_task("T", modes=[Mode(2), Mode(8)], release=1, deadline=6)
    p.add_objective(t, 0)
    r = solve(p)
    assert r.status == "optimal" and r.tasks[t].mode == 0


def test_duration_depending_on_literals(solve):
    p = Problem(horizon=30)
    helper = p.new_bool("helper")
    t = p.add_task("T", Duration(6, [(helper, -3)]))
    z = p.add_task("Z", 2, present=helper)
    p.add_precedence(z, t, at_after="end", lag=1)  # the helper arrives before T ends
    p.add_objective(t, 1)
    p.add_objective(z, 1)
    r = solve(p)
    # with help: Z [0,2), T [0,3) ends 3 >= 2+1 -> 3 + 2 = 5 < 6 without help
    assert (r.objective, r.bools[helper.index]) == (5, True)
    assert r.tasks[t].end - r.tasks[t].start == 3


def test_objective_weights_and_offset(solve):
    p = Problem(horizon=30)
    unary = p.add_resource(Resource("R", 1))
    a = p.add_task("A", 2, demands=[Demand(unary)])
    b = p.add_task("B", 4, demands=[Demand(unary)])
    p.add_objective(a, 3)
    p.add_objective(b, 1)
    p.objective_offset = 5
    r = solve(p)
    assert (r.objective, r.bound) == (17, 17)  # A first: 3*2 + 6 + 5
    assert r.tasks[a].end == 2


def test_weighted_optional_task_counts_only_when_present(solve):
    p = Problem(horizon=30)
    x = p.new_bool("x")
    a = p.add_task("A", 4, present=x, release=10)
    b = p.add_task("B", 3, present=~x)
    p.add_objective(a, 1)
    p.add_objective(b, 2)
    r = solve(p)
    assert r.objective == 6 and not r.tasks[a].present


def test_infeasible_window_of_task(solve):
    p = Problem(horizon=30)
    p.add_task("T", 3, release=5, deadline=6)
    assert solve(p).status == "infeasible"


def test_infeasible_unary_overload(solve):
    p = Problem(horizon=30)
    unary = p.add_resource(Resource("R", 1, windows=[(0, 5)]))
    p.add_task("A", 3, demands=[Demand(unary)])
    p.add_task("B", 3, demands=[Demand(unary)])
    r = solve(p)
    assert (r.status, r.objective, r.tasks) == ("infeasible", None, [])


def test_zero_duration_tasks_take_nothing(solve):
    p = Problem(horizon=10)
    unary = p.add_resource(Resource("R", 1))
    crew = p.add_resource(Resource("C", 1, windows=[(0, 5)]))
    a = p.add_task("A", 5, demands=[Demand(unary)], choices=[Choice([crew])], deadline=5)
    z = p.add_task("Z", 0, demands=[Demand(unary)], choices=[Choice([crew])], release=7)
    r = solve(p)
    assert r.status == "optimal"
    assert r.tasks[a].resources == [crew] and r.tasks[z].resources == []
    assert r.tasks[z].start == r.tasks[z].end >= 7  # outside the crew's window


def test_zero_duration_mode_takes_nothing(solve):
    p = Problem(horizon=10)
    unary = p.add_resource(Resource("R", 1))
    p.add_task("A", 6, demands=[Demand(unary)])
    t = p.add_task(
        "T", modes=[Mode(4, [Demand(unary)], [Choice([unary])]), Mode(0, [Demand(unary)])]
    )
    p.add_objective(t, 1)
    r = solve(p)
    assert (r.objective, r.tasks[t].mode, r.tasks[t].resources) == (0, 1, [])


def test_upper_bound_and_progress(solve):
    p = Problem(horizon=40)
    unary = p.add_resource(Resource("R", 1))
    tasks = [p.add_task(f"T{i}", d, demands=[Demand(unary)]) for i, d in enumerate([5, 1, 3, 2])]
    for t in tasks:
        p.add_objective(t, 1)
    seen: list[tuple[float, int, float]] = []
    r = solve(p, on_progress=lambda *a: seen.append(a))
    assert r.objective == 1 + 3 + 6 + 11 and r.status == "optimal"
    assert seen and seen[-1][1] == r.objective and r.num_solutions == len(seen)
    assert [s[1] for s in seen] == sorted((s[1] for s in seen), reverse=True)
    assert r.time_to_first is not None and r.time_to_first <= r.time_to_best <= r.wall_time
    assert solve(p, upper_bound=20).status == "infeasible"
    assert solve(p, upper_bound=21).objective == 21
