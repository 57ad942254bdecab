"""Solution-level rules: status, departures, dwells, objective and bound."""

from __future__ import annotations

from gaugeopt.checker.context import Context
from gaugeopt.checker.violation import Violation
from gaugeopt.model.solution import Solution

#: Bounds may be floats from a solver; compare them with this slack.
EPS = 1e-6


def check_empty_status(sol: Solution) -> list[Violation]:
    """``infeasible``/``unknown`` carry no schedule: empty trains and tasks, null objective."""
    if sol.trains or sol.tasks or sol.objective is not None:
        return [
            Violation(
                "status",
                f"status {sol.status} must have empty trains and tasks and a null objective "
                f"(has {len(sol.trains)} trains, {len(sol.tasks)} tasks, "
                f"objective {sol.objective})",
            )
        ]
    return []


def recomputed_departure(ctx: Context, tid: str) -> int | None:
    """max(brake_test end, border_check end, earliest_departure), or None if a task is missing."""
    brake = ctx.get(tid, "brake_test")
    border = ctx.get(tid, "border_check")
    if brake is None or border is None:
        return None
    dep = max(brake.end, border.end)
    earliest = ctx.trains[tid].earliest_departure
    return dep if earliest is None else max(dep, earliest)


def check_summary(ctx: Context) -> None:
    """Departure, dwell, objective, lower bound and optimal status."""
    sol = ctx.sol
    if sol.instance != ctx.inst.name:
        ctx.add("instance", f"solution is for instance {sol.instance}, not {ctx.inst.name}")
    truth: dict[str, int] = {}
    for tid, tr in ctx.trains.items():
        dep = recomputed_departure(ctx, tid)
        if dep is not None:
            truth[tid] = dep
        p = ctx.plans.get(tid)
        if p is None:
            continue
        earliest = tr.earliest_departure
        if earliest is not None and p.departure < earliest:
            ctx.add(
                "earliest-departure",
                f"train {tid} departs at {p.departure}, before its earliest_departure {earliest}",
                tid,
            )
        elif dep is not None and p.departure != dep:
            ctx.add(
                "departure",
                f"train {tid}: departure is {p.departure}, expected {dep} "
                "(max of brake_test end, border_check end, earliest_departure)",
                tid,
            )
        ref = dep if dep is not None else p.departure
        if p.dwell != ref - tr.arrival:
            ctx.add(
                "dwell",
                f"train {tid}: dwell is {p.dwell}, expected {ref - tr.arrival} "
                f"(departure {ref} - arrival {tr.arrival})",
                tid,
            )
    if sol.objective is None:
        ctx.add("objective", f"status {sol.status} needs an objective, got null")
        return
    if len(truth) == len(ctx.trains):
        expected = sum(tr.weight * (truth[tid] - tr.arrival) for tid, tr in ctx.trains.items())
        if sol.objective != expected:
            ctx.add(
                "objective",
                f"objective is {sol.objective}, expected {expected} (sum of weight x dwell)",
            )
    lb = sol.lower_bound
    if lb is not None and lb > sol.objective + EPS:
        ctx.add("bound", f"lower_bound {lb} exceeds the objective {sol.objective}")
    if sol.status == "optimal" and (lb is None or abs(lb - sol.objective) > EPS):
        ctx.add(
            "status",
            f"status optimal needs lower_bound == objective {sol.objective}, got {lb}",
        )
