"""Restrict a problem to a neighbourhood of a solution: a smaller problem over what may change.

Tasks outside the neighbourhood keep their values from the solution. Those that interact
with a free task (a precedence, a span, a resource they share, a stock level they change)
stay in the sub-problem as *fixed* tasks: pinned to their times and holding the resources
they chose. The others vanish, their objective terms becoming a constant. Literals outside
the neighbourhood become constants, and every logical constraint is rewritten as a linear
one over the free literals. A solution of the sub-problem, merged back
(:meth:`Restriction.merge`), is a solution of the whole problem with the same objective.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from gaugeopt.core.problem import (
    Choice,
    Demand,
    Duration,
    Lit,
    Mode,
    Problem,
    ReservoirEvent,
    Task,
)
from gaugeopt.core.result import CoreHint, CoreResult, TaskHint, TaskValue


@dataclass
class Restriction:
    """The sub-problem and how its tasks and literals map to the whole problem's."""

    problem: Problem
    tasks: list[int]  # sub task index -> whole task index
    fixed: set[int]  # whole indices of tasks pinned in the sub-problem
    bools: list[int]  # sub literal index -> whole literal index
    base: CoreResult
    _task_of: dict[int, int] = field(default_factory=dict)

    def hint(self) -> CoreHint:
        """The base solution as a complete hint of the sub-problem."""
        tasks: dict[int, TaskHint] = {}
        for sub, whole in enumerate(self.tasks):
            tv = self.base.tasks[whole]
            if whole in self.fixed:
                tasks[sub] = TaskHint(True, tv.start, 0, [], tv.end)
            elif not tv.present:
                tasks[sub] = TaskHint(False)
            else:
                tasks[sub] = TaskHint(True, tv.start, tv.mode, list(tv.resources), tv.end)
        bools = {sub: self.base.bools[whole] for sub, whole in enumerate(self.bools)}
        return CoreHint(tasks, bools)

    def merge(self, sub: CoreResult) -> CoreResult:
        """The whole problem's solution: the base, with the sub-problem's free values."""
        tasks = list(self.base.tasks)
        for s, whole in enumerate(self.tasks):
            if whole not in self.fixed:
                tasks[whole] = sub.tasks[s]
        bools = list(self.base.bools)
        for s, whole in enumerate(self.bools):
            bools[whole] = sub.bools[s]
        return CoreResult(
            status="feasible",
            objective=sub.objective,
            bound=self.base.bound,
            tasks=tasks,
            bools=bools,
            wall_time=sub.wall_time,
            build_time=sub.build_time,
            time_to_first=sub.time_to_first,
            time_to_best=sub.time_to_best,
            num_solutions=sub.num_solutions,
        )


def restrict(
    problem: Problem,
    base: CoreResult,
    free_tasks: set[int],
    free_bools: set[int],
    window: tuple[int, int] | None = None,
) -> Restriction:
    """The sub-problem of ``problem`` around solution ``base`` (see module docstring).

    ``window`` ``(lo, hi)``: the caller knows that every free task starts at or after
    ``lo`` in every solution, and the sub-problem requires each to end by ``hi`` (at least
    its end in ``base``); a fixed task that shares only a resource with the free ones is
    then kept only if it overlaps ``[lo, hi)``. On a day whose trains arrive far apart a
    train's sub-problem is then that train alone, not every task of the crews it uses."""
    values = base.bools
    bool_map: dict[int, int] = {}
    sub = Problem(horizon=problem.horizon, name=f"{problem.name}:part")
    sub.resources = list(problem.resources)
    sub.reservoirs = list(problem.reservoirs)
    sub_bools: list[int] = []
    for b in sorted(free_bools):
        bool_map[b] = len(sub_bools)
        sub_bools.append(b)
        sub.bool_names.append(problem.bool_names[b])

    def lit_value(lit: Lit) -> bool | None:
        """Constant value of a literal outside the neighbourhood (None: free)."""
        if lit.index in bool_map:
            return None
        return values[lit.index] != lit.negated

    def remap(lit: Lit) -> Lit:
        return Lit(bool_map[lit.index], lit.negated)

    # Which tasks stay: the free ones, plus fixed ones that touch them.
    free = {t for t in free_tasks if _present(problem.tasks[t], base.tasks[t], lit_value)}
    resources_used: set[int] = set()
    for t in free:
        for mode in problem.tasks[t].modes:
            resources_used.update(d.resource for d in mode.demands)
            for ch in mode.choices:
                resources_used.update(ch.resources)
    free_reservoirs = {e.reservoir for e in problem.events if e.task in free}
    keep = set(free)
    for p in problem.precedences:
        if p.before in free or p.after in free:
            keep.update((p.before, p.after))
    for s in problem.spans:
        if {s.task, s.first, s.last} & free:
            keep.update((s.task, s.first, s.last))
    for r in resources_used:
        after = problem.resources[r].available_after
        if after is not None:
            keep.add(after[0])
    lo, hi = window if window is not None else (-1, problem.horizon + 1)
    for t, tv in enumerate(base.tasks):
        if t in keep or not tv.present or tv.end <= lo or tv.start >= hi:
            continue
        if _taken(problem.tasks[t], tv) & resources_used:
            keep.add(t)
    for e in problem.events:
        if e.reservoir in free_reservoirs:
            keep.add(e.task)
    keep = {t for t in keep if t in free or base.tasks[t].present}

    order = sorted(keep)
    task_map = {t: i for i, t in enumerate(order)}
    fixed = keep - free
    for t in order:
        task, tv = problem.tasks[t], base.tasks[t]
        if t in fixed:
            sub.tasks.append(_pinned(task, tv))
        else:
            free_task = _free_task(task, lit_value, remap, base.tasks[t].present)
            if window is not None:
                deadline = hi if task.deadline is None else min(task.deadline, hi)
                free_task = replace(free_task, release=max(task.release, lo), deadline=deadline)
            sub.tasks.append(free_task)
    for r, res in enumerate(sub.resources):
        if res.available_after is not None and res.available_after[0] in task_map:
            a, lag = res.available_after
            sub.resources[r] = replace(res, available_after=(task_map[a], lag))
        elif res.available_after is not None:
            # Its releasing task is absent in the base solution: it never becomes free.
            sub.resources[r] = replace(
                res, available_after=None, available_from=problem.horizon + 1
            )

    for p in problem.precedences:
        if p.before in task_map and p.after in task_map and (p.before in free or p.after in free):
            when = _when(p.when, lit_value, remap)
            if when is not None:
                sub.add_precedence(
                    task_map[p.before],
                    task_map[p.after],
                    p.lag,
                    at_before=p.at_before,
                    at_after=p.at_after,
                    when=when,
                )
    for s in problem.spans:
        ends = (s.task, s.first, s.last)
        if set(ends) & free and all(t in task_map for t in ends):
            sub.add_span(*(task_map[t] for t in ends))
    for e in problem.events:
        if e.reservoir in free_reservoirs and e.task in task_map:
            when = _when(e.when, lit_value, remap)
            if when is not None:
                sub.events.append(
                    ReservoirEvent(e.reservoir, task_map[e.task], e.at, e.delta, e.offset, when)
                )
    for c in problem.constraints:
        _rewrite(sub, c, lit_value, remap)
    sub.objective_offset = problem.objective_offset
    for t, w in problem.objective:
        if t in free:
            sub.add_objective(task_map[t], w)
        elif base.tasks[t].present:
            sub.objective_offset += w * base.tasks[t].end
    return Restriction(sub, order, fixed, sub_bools, base)


def _present(task: Task, tv: TaskValue, lit_value) -> bool:
    """A free task is kept unless its presence is fixed to false."""
    if task.present is None:
        return True
    value = lit_value(task.present)
    return value is None or value


def _taken(task: Task, tv: TaskValue) -> set[int]:
    """Resources a present task holds in the base solution."""
    mode = task.modes[tv.mode] if 0 <= tv.mode < len(task.modes) else task.modes[0]
    return {d.resource for d in mode.demands} | set(tv.resources)


def _pinned(task: Task, tv: TaskValue) -> Task:
    """A task fixed at its base times, holding what it held."""
    mode = task.modes[tv.mode] if 0 <= tv.mode < len(task.modes) else task.modes[0]
    demands = [Demand(d.resource, d.amount) for d in mode.demands]
    demands += [Demand(r, ch.amount) for ch, r in zip(mode.choices, tv.resources, strict=False)]
    return Task(
        task.name,
        [Mode(tv.end - tv.start, demands, [])],
        release=tv.start,
        deadline=tv.end,
        present=None,
    )


def _free_task(task: Task, lit_value, remap, was_present: bool) -> Task:
    modes = []
    for mode in task.modes:
        duration = mode.duration
        if isinstance(duration, Duration):
            const = duration.constant
            terms = []
            for lit, coef in duration.terms:
                v = lit_value(lit)
                if v is None:
                    terms.append((remap(lit), coef))
                elif v:
                    const += coef
            duration = Duration(const, terms) if terms else const
        modes.append(
            Mode(
                duration,
                [Demand(d.resource, d.amount) for d in mode.demands],
                [Choice(list(ch.resources), ch.amount) for ch in mode.choices],
            )
        )
    present = None
    if task.present is not None and lit_value(task.present) is None:
        present = remap(task.present)
    return Task(task.name, modes, task.release, task.deadline, present)


def _when(lits: list[Lit], lit_value, remap) -> list[Lit] | None:
    """Condition literals with constants removed; None if a constant one is false."""
    out = []
    for lit in lits:
        v = lit_value(lit)
        if v is None:
            out.append(remap(lit))
        elif not v:
            return None
    return out


def _rewrite(sub: Problem, c, lit_value, remap) -> None:
    """A logical constraint as ``lo <= Σ coef × lit <= hi`` over the free literals."""
    if c.kind == "and":
        result, rest = c.lits[0], c.lits[1:]
        # result -> each operand; all operands -> result
        for x in rest:
            _linear(sub, [(result, 1), (x, -1)], -1, 0, lit_value, remap)
        _linear(sub, [(x, 1) for x in rest] + [(result, -1)], -1, len(rest) - 1, lit_value, remap)
        return
    terms = [(x, 1) for x in c.lits]
    n = len(c.lits)
    if c.kind == "clause":
        _linear(sub, terms, 1, n, lit_value, remap)
    elif c.kind == "exactly_one":
        _linear(sub, terms, 1, 1, lit_value, remap)
    elif c.kind == "at_most_one":
        _linear(sub, terms, 0, 1, lit_value, remap)
    elif c.kind == "implies":
        _linear(sub, [(c.lits[0], 1), (c.lits[1], -1)], -1, 0, lit_value, remap)
    else:
        _linear(sub, list(zip(c.lits, c.coefs or [], strict=True)), c.lo, c.hi, lit_value, remap)


def _linear(sub: Problem, terms, lo: int, hi: int, lit_value, remap) -> None:
    const = 0
    free: dict[int, int] = {}
    for lit, coef in terms:
        v = lit_value(lit)
        if v is not None:
            const += coef * int(v)
            continue
        # A negated literal is 1 - x.
        if lit.negated:
            const += coef
            coef = -coef
        free[remap(lit).index] = free.get(remap(lit).index, 0) + coef
    free = {i: c for i, c in free.items() if c}
    if not free:
        return  # all constants: the base solution satisfies it
    sub.add_linear([(Lit(i), c) for i, c in free.items()], lo - const, hi - const)
