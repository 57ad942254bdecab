"""Reservoirs, precedences, spans and Boolean constraints."""

from __future__ import annotations

import pytest

from gaugeopt.core import Problem
from gaugeopt.core.problem import Choice, Lit, Reservoir, Resource


def _stock(offset: int = 0) -> tuple[Problem, Lit, list[int]]:
    """Stock 2 (minimum 1): consumers C, D take 1 at start; P (4 long) adds 1 at its end."""
    p = Problem(horizon=30)
    stock = p.add_reservoir(Reservoir("stock", initial=2, minimum=1))
    w = p.new_bool("w")
    c, d, prod = p.add_task("C", 1), p.add_task("D", 1), p.add_task("P", 4)
    p.add_event(stock, c, "start", -1)
    p.add_event(stock, d, "start", -1, when=[w])
    p.add_event(stock, prod, "end", +1, offset=offset)
    p.add_objective(c, 1)
    p.add_objective(d, 1)
    return p, w, [c, d, prod]


def test_reservoir_when_literal_relaxes(solve):
    p, w, _ = _stock()
    r = solve(p)
    assert (r.objective, r.bools[w.index]) == (2, False)


def test_reservoir_minimum_level_waits_for_supply(solve):
    p, w, _ = _stock()
    p.add_clause([w])
    assert solve(p).objective == 1 + 5


def test_reservoir_event_offset(solve):
    p, w, _ = _stock(offset=1)
    p.add_clause([w])
    assert solve(p).objective == 1 + 6


def test_reservoir_optional_task_event_inactive_when_absent(solve):
    p, w, (_, d, _) = _stock()
    p.add_clause([w])
    p.tasks[d].present = p.new_bool("d present")
    r = solve(p)
    assert r.objective == 1 and not r.tasks[d].present


def test_reservoir_maximum_as_occupancy(solve):
    p = Problem(horizon=30)
    track = p.add_reservoir(Reservoir("track", initial=0, minimum=0, maximum=1))
    tasks = [p.add_task("A", 2), p.add_task("B", 3)]
    for t in tasks:
        p.add_event(track, t, "start", +1)
        p.add_event(track, t, "end", -1)
        p.add_objective(t, 1)
    assert solve(p).objective == 2 + 5


def test_reservoir_initial_below_minimum_is_infeasible(solve):
    p = Problem(horizon=30)
    p.add_reservoir(Reservoir("s", initial=0, minimum=1))
    assert solve(p).status == "infeasible"


def test_reservoir_supply_at_time_zero_counts(solve):
    p = Problem(horizon=30)
    s = p.add_reservoir(Reservoir("s", initial=0, minimum=0))
    a, b = p.add_task("A", 0), p.add_task("B", 2)
    p.add_event(s, a, "start", +1)
    p.add_event(s, b, "start", -1)
    p.add_objective(a, 1)
    p.add_objective(b, 1)
    assert solve(p).objective == 2


@pytest.mark.parametrize(
    ("at_before", "at_after", "lag", "end_b"),
    [
        ("end", "start", 2, 7),
        ("start", "start", 1, 3),
        ("end", "end", -1, 2),
        ("start", "end", 4, 4),
    ],
)
def test_precedence_anchors_and_lags(solve, at_before, at_after, lag, end_b):
    p = Problem(horizon=30)
    a, b = p.add_task("A", 3), p.add_task("B", 2)
    p.add_precedence(a, b, lag, at_before=at_before, at_after=at_after)
    p.add_objective(b, 1)
    p.add_objective(a, 0)
    assert solve(p).objective == end_b


def test_precedence_when_literal_and_optional_tasks(solve):
    p = Problem(horizon=30)
    w = p.new_bool("w")
    a, b = p.add_task("A", 3), p.add_task("B", 2)
    p.add_precedence(a, b, 2, when=[w])
    p.add_objective(b, 1)
    assert solve(p).objective == 2
    p.add_clause([w])
    assert solve(p).objective == 7
    p.tasks[a].present = p.new_bool("a present")
    assert solve(p).objective == 2  # the predecessor may be left out


def test_span_takes_a_track(solve):
    p = Problem(horizon=40)
    track = p.add_resource(Resource("track", 1))
    x, y = p.add_task("X", 2), p.add_task("Y", 3)
    p.add_precedence(x, y, 1)
    block = p.add_task("block", None, choices=[Choice([track])])
    p.add_span(block, x, y)
    w = p.add_task("W", 4, choices=[Choice([track])])
    p.add_objective(y, 1)
    p.add_objective(w, 1)
    r = solve(p)
    assert r.objective == 14  # W [0,4), block [4,10)
    assert (r.tasks[block].start, r.tasks[block].end) == (r.tasks[x].start, r.tasks[y].end)


def test_span_not_enforced_when_member_absent(solve):
    p = Problem(horizon=40)
    x = p.add_task("X", 2, release=5, present=p.new_bool("x"))
    y = p.add_task("Y", 3)
    block = p.add_task("block", None)
    p.add_span(block, x, y)
    p.add_objective(block, 1)
    p.add_objective(y, 1)
    r = solve(p)
    assert r.objective == 3 and not r.tasks[x].present


def _priced(n: int = 3) -> tuple[Problem, list[Lit]]:
    """Literal i makes a task of length i+1 present; the objective is their total length."""
    p = Problem(horizon=30)
    lits = [p.new_bool(f"b{i}") for i in range(n)]
    for i, b in enumerate(lits):
        p.add_objective(p.add_task(f"T{i}", i + 1, present=b), 1)
    return p, lits


def _chosen(r, lits: list[Lit]) -> list[int]:
    return [i for i, b in enumerate(lits) if r.bools[b.index]]


def test_bool_clause(solve):
    p, (b0, b1, b2) = _priced()
    p.add_clause([b1, b2])
    r = solve(p)
    assert (r.objective, _chosen(r, [b0, b1, b2])) == (2, [1])


def test_bool_exactly_one(solve):
    p, lits = _priced()
    p.add_exactly_one(lits)
    assert _chosen(solve(p), lits) == [0]


def test_bool_at_most_one_with_linear(solve):
    p, (b0, b1, b2) = _priced()
    p.add_at_most_one([b0, b1])
    p.add_linear([(b0, 1), (b1, 1), (b2, 1)], 2, 2)
    r = solve(p)
    assert (r.objective, _chosen(r, [b0, b1, b2])) == (4, [0, 2])


def test_bool_implication(solve):
    p, (b0, _, b2) = _priced()
    p.add_clause([b0])
    p.add_implication(b0, b2)
    assert solve(p).objective == 4


def test_bool_and_both_directions(solve):
    p, (b0, b1, _) = _priced()
    r_ = p.new_and("r", [b0, b1])
    p.add_clause([r_])
    assert solve(p).objective == 3
    p2, (c0, c1, _) = _priced()
    r2 = p2.new_and("r", [c0, c1])
    p2.add_clause([~r2])
    p2.add_clause([c0])
    r = solve(p2)
    assert (r.objective, r.bools[c1.index]) == (1, False)


def test_bool_linear_with_coefficients_and_negation(solve):
    p, (b0, b1, b2) = _priced()
    p.add_linear([(b0, 2), (b1, 1), (b2, 1)], 2, 4)
    assert _chosen(solve(p), [b0, b1, b2]) == [0]
    p.add_linear([(~b0, 1)], 1, 1)
    r = solve(p)
    assert (r.objective, _chosen(r, [b0, b1, b2])) == (5, [1, 2])


def test_true_literal(solve):
    p, (b0, _, _) = _priced()
    p.add_implication(p.true(), b0)
    assert solve(p).objective == 1
