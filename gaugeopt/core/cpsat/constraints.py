"""CP-SAT constraints of a :class:`~gaugeopt.core.problem.Problem`, one method per family.

All families are built in one pass each over the problem's lists; resource usages are
grouped by resource once (:func:`resource_usages`) so no family scans all tasks per resource.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ortools.sat.python import cp_model as cp
from ortools.sat.python.cp_model_helper import Literal as CpLit

from gaugeopt.core.cpsat.options import ModelOptions
from gaugeopt.core.cpsat.variables import TaskVars, Variables
from gaugeopt.core.problem import Anchor, BoolConstraint, Problem, Resource


@dataclass
class Usage:
    """A task takes ``amount`` of a resource over ``interval`` when ``literal`` holds."""

    task: int
    interval: cp.IntervalVar
    literal: CpLit | None  # None: always
    amount: int
    size_min: int
    mode: int
    choice: int  # index of the choice in the mode, -1 for a fixed demand


def resource_usages(problem: Problem, variables: Variables) -> list[list[Usage]]:
    """Every (task, mode, demand/choice, resource) usage, grouped by resource, in task order."""
    usages: list[list[Usage]] = [[] for _ in problem.resources]
    for t, (task, tv) in enumerate(zip(problem.tasks, variables.tasks, strict=True)):
        for k, (mode, mv) in enumerate(zip(task.modes, tv.modes, strict=True)):
            if not mv.takes:
                continue
            for d in mode.demands:
                if d.amount:
                    usages[d.resource].append(
                        Usage(t, mv.interval, mv.literal, d.amount, mv.size_min, k, -1)
                    )
            for c, ch in enumerate(mv.choices):
                if not ch.amount:
                    continue
                for r, lit, iv in zip(ch.resources, ch.literals, ch.intervals, strict=True):
                    usages[r].append(Usage(t, iv, lit, ch.amount, mv.size_min, k, c))
    return usages


def window_gaps(
    windows: list[tuple[int, int]], horizon: int
) -> tuple[list[tuple[int, int]], list[int]]:
    """The gaps of ``[0, horizon)`` outside ``windows`` and the points where two windows touch."""
    gaps: list[tuple[int, int]] = []
    touching: list[int] = []
    cursor = 0
    previous_end: int | None = None
    for a, b in sorted(windows):
        if b <= a:
            continue
        if previous_end is not None and a < previous_end:
            raise ValueError(f"overlapping resource windows at {a}")
        if a == previous_end and 0 < a < horizon:
            touching.append(a)
        if a > cursor:
            gaps.append((cursor, min(a, horizon)))
        cursor = max(cursor, b)
        previous_end = b
    if cursor < horizon:
        gaps.append((cursor, horizon))
    return [g for g in gaps if g[0] < g[1]], touching


class Constraints:
    """Adds every constraint family of a problem to the model, in a fixed order."""

    def __init__(
        self,
        model: cp.CpModel,
        problem: Problem,
        variables: Variables,
        options: ModelOptions | None = None,
    ) -> None:
        self.model = model
        self.problem = problem
        self.vars = variables
        self.options = options or ModelOptions()
        self.usages = resource_usages(problem, variables)
        # Usages that must not run across a boundary where two windows touch, by task.
        self._straddles: dict[int, dict[tuple[int, ...], list[Usage]]] = {}
        # (task, literal, boundary) of each "end <= boundary or start >= boundary" split.
        self.window_splits: list[tuple[int, cp.IntVar, int]] = []
        # (literal, operands) of each literal implied by any of its operands.
        self.any_defs: list[tuple[cp.IntVar, list[CpLit]]] = []
        self._any_cache: dict[tuple[int, ...], cp.IntVar] = {}
        # (variable, terms, constant) of each integer defined as constant + Σ coef × lit.
        self.sum_defs: list[tuple[cp.IntVar, list[tuple[CpLit, int]], int]] = []
        # The interval over start and end of each multi-mode task (None: not aggregated).
        self._task_intervals: dict[int, cp.IntervalVar | None] = {}

    def add_all(self) -> None:
        self._bool_constraints()
        for r, resource in enumerate(self.problem.resources):
            if resource.kind == "renewable":
                self._renewable(resource, self.usages[r])
            else:
                self._nonrenewable(resource, self.usages[r])
            self._availability(resource, self.usages[r])
        self._no_straddle()
        self._reservoirs()
        self._precedences()
        self._spans()

    # --- helpers --------------------------------------------------------------------------
    def _anchor(self, task: int, at: Anchor) -> cp.IntVar:
        tv = self.vars.tasks[task]
        return tv.start if at == "start" else tv.end

    @staticmethod
    def _enforce(*lits: CpLit | None) -> list[CpLit]:
        return [x for x in lits if x is not None]

    # --- families -------------------------------------------------------------------------
    def _bool_constraints(self) -> None:
        model, lit = self.model, self.vars.lit
        for c in self.problem.constraints:
            xs = [lit(x) for x in c.lits]
            if c.kind == "clause":
                model.add_bool_or(xs)
            elif c.kind == "exactly_one":
                model.add_exactly_one(xs)
            elif c.kind == "at_most_one":
                model.add_at_most_one(xs)
            elif c.kind == "implies":
                model.add_implication(xs[0], xs[1])
            elif c.kind == "and":
                result, operands = xs[0], xs[1:]
                model.add_bool_and(operands).only_enforce_if(result)
                model.add_bool_or([x.Not() for x in operands] + [result])
            elif c.kind == "linear":
                self._linear(c, xs)
            else:
                raise ValueError(f"unknown Boolean constraint kind {c.kind!r}")

    def _linear(self, c: BoolConstraint, xs: list[CpLit]) -> None:
        coefs = c.coefs or [1] * len(xs)
        self.model.add_linear_constraint(
            sum(k * x for k, x in zip(coefs, xs, strict=True)), c.lo, c.hi
        )

    def _renewable(self, resource: Resource, usages: list[Usage]) -> None:
        model, horizon = self.model, self.problem.horizon
        blocks: list[cp.IntervalVar] = []
        touching: list[int] = []
        if resource.windows is not None:
            gaps, touching = window_gaps(resource.windows, horizon)
            blocks = [model.new_fixed_size_interval_var(a, b - a, f"gap{a}") for a, b in gaps]
        block_demands = [resource.capacity] * len(blocks)
        for a, b, level in resource.profile or []:
            if b > a and level < resource.capacity:
                blocks.append(model.new_fixed_size_interval_var(a, b - a, f"low{a}"))
                block_demands.append(resource.capacity - max(0, level))
        if not usages:
            return
        kept, merged = self._merge_modes(usages)
        intervals = [u.interval for u in kept] + [iv for iv, _ in merged] + blocks
        unary = resource.capacity == 1 and all(u.amount == 1 and u.size_min > 0 for u in kept)
        if unary and not merged and not resource.profile:  # stronger, but no zero sizes
            model.add_no_overlap(intervals)
        else:
            demands = [u.amount for u in kept] + [d for _, d in merged] + block_demands
            model.add_cumulative(intervals, demands, resource.capacity)
        if touching:
            key = tuple(touching)
            for u in usages:
                self._straddles.setdefault(u.task, {}).setdefault(key, []).append(u)

    def _merge_modes(
        self, usages: list[Usage]
    ) -> tuple[list[Usage], list[tuple[cp.IntervalVar, cp.IntVar]]]:
        """Split a resource's usages into those kept as they are and, per multi-mode task
        (``mode_resources="per_task"``), one (task interval, Σ amount × mode literal)."""
        kept: list[Usage] = []
        grouped: dict[int, list[Usage]] = {}
        for u in usages:
            if u.choice < 0 and self._task_interval(u.task) is not None:
                grouped.setdefault(u.task, []).append(u)
            else:
                kept.append(u)
        merged = []
        for task, group in grouped.items():
            interval = self._task_interval(task)
            assert interval is not None
            merged.append((interval, self._mode_demand(task, group)))
        return kept, merged

    def _mode_demand(self, task: int, group: list[Usage]) -> cp.IntVar:
        """``Σ amount × mode literal`` over one task's usages of a resource, as a variable
        whose domain holds only the amounts one mode (or absence) can take."""
        by_mode: dict[int, int] = {}
        for u in group:
            by_mode[u.mode] = by_mode.get(u.mode, 0) + u.amount
        tv = self.vars.tasks[task]
        values = {0} if len(by_mode) < len(tv.modes) or tv.present is not None else set()
        values |= set(by_mode.values())
        var = self.model.new_int_var_from_domain(
            cp.Domain.from_values(sorted(values)), f"t{task}dem"
        )
        terms: list[tuple[CpLit, int]] = []
        for k, a in by_mode.items():
            literal = tv.modes[k].literal
            assert literal is not None  # a task of several modes has a literal per mode
            terms.append((literal, a))
        self.model.add(
            var == cp.LinearExpr.weighted_sum([x for x, _ in terms], [a for _, a in terms])
        )
        self.sum_defs.append((var, terms, 0))
        return var

    def _task_interval(self, task: int) -> cp.IntervalVar | None:
        """One interval over a multi-mode task's start and end whose size is its chosen
        mode's (constant) duration; ``None`` for other tasks or with ``"per_mode"``."""
        if task in self._task_intervals:
            return self._task_intervals[task]
        tv = self.vars.tasks[task]
        interval = None
        terms = [
            (mv.literal, mv.size)
            for mv in tv.modes
            if mv.literal is not None and isinstance(mv.size, int)
        ]
        if self.options.mode_resources == "per_task" and 1 < len(terms) == len(tv.modes):
            values = sorted({c for _, c in terms} | ({0} if tv.present is not None else set()))
            size = self.model.new_int_var_from_domain(cp.Domain.from_values(values), f"t{task}size")
            self.model.add(
                size == cp.LinearExpr.weighted_sum([x for x, _ in terms], [c for _, c in terms])
            )
            self.sum_defs.append((size, terms, 0))
            name = f"t{task}all"
            if tv.present is None:
                interval = self.model.new_interval_var(tv.start, size, tv.end, name)
            else:
                interval = self.model.new_optional_interval_var(
                    tv.start, size, tv.end, tv.present, name
                )
        self._task_intervals[task] = interval
        return interval

    def _no_straddle(self) -> None:
        """No usage may run across a point where two of its resource's windows touch.

        One split literal per (task, boundary), shared by all resources with that boundary
        ("before": end <= boundary, else start >= boundary when a using literal holds);
        splits of one task are chained (before b1 implies before b2 > b1).
        """
        model = self.model
        for task in sorted(self._straddles):
            tv = self.vars.tasks[task]
            users: dict[int, list[CpLit | None]] = {}  # boundary -> using literals
            for boundaries, group in self._straddles[task].items():
                lo = bisect.bisect_right(boundaries, tv.lo)
                hi = bisect.bisect_left(boundaries, tv.hi)
                if lo < hi:
                    used = self._any_use(tv, group)
                    for b in boundaries[lo:hi]:
                        users.setdefault(b, []).append(used)
            previous: cp.IntVar | None = None
            for b in sorted(users):
                before = model.new_bool_var(f"t{task}b{b}")
                model.add(tv.end <= b).only_enforce_if(before)
                used = self._implied_by(users[b])
                model.add(tv.start >= b).only_enforce_if(self._enforce(before.Not(), used))
                if previous is not None:
                    model.add_implication(previous, before)
                previous = before
                self.window_splits.append((task, before, b))

    def _any_use(self, tv: TaskVars, users: list[Usage]) -> CpLit | None:
        """A literal implied by every usage literal in ``users`` (``None``: always)."""
        lits: list[CpLit | None] = []
        by_choice: dict[tuple[int, int], int] = {}
        for u in users:
            by_choice[u.mode, u.choice] = by_choice.get((u.mode, u.choice), 0) + 1
        covered: set[int] = set()  # modes in which the task always uses such a resource
        for (k, c), n in by_choice.items():
            if c < 0 or n == len(tv.modes[k].choices[c].resources):
                covered.add(k)
        for u in users:
            if u.mode not in covered:
                lits.append(u.literal)
        for k in sorted(covered):
            lits.append(tv.modes[k].literal)
        return self._implied_by(lits)

    def _implied_by(self, lits: list[CpLit | None]) -> CpLit | None:
        """A literal implied by each of ``lits`` (``None``, always true, if one is ``None``)."""
        if any(x is None for x in lits):
            return None
        unique = list({x.index: x for x in lits if x is not None}.values())
        if len(unique) == 1:
            return unique[0]
        key = tuple(sorted(x.index for x in unique))
        found = self._any_cache.get(key)
        if found is None:
            found = self.model.new_bool_var("uses")
            for x in unique:
                self.model.add_implication(x, found)
            self.any_defs.append((found, unique))
            self._any_cache[key] = found
        return found

    def _nonrenewable(self, resource: Resource, usages: list[Usage]) -> None:
        fixed = sum(u.amount for u in usages if u.literal is None)
        terms = [u.amount * u.literal for u in usages if u.literal is not None]
        if fixed > resource.capacity:
            self.model.add_bool_or([])
        elif terms:
            self.model.add(sum(terms) <= resource.capacity - fixed)

    def _availability(self, resource: Resource, usages: list[Usage]) -> None:
        model, tasks = self.model, self.vars.tasks
        after = resource.available_after
        for u in usages:
            tv = tasks[u.task]
            enforce = self._enforce(u.literal)
            if resource.available_from > tv.lo:
                model.add(tv.start >= resource.available_from).only_enforce_if(enforce)
            if after is None or after[0] == u.task:
                continue
            other = tasks[after[0]]
            if other.present is not None:  # an absent releasing task never frees it
                if u.literal is None:
                    model.add_bool_or([other.present])
                else:
                    model.add_implication(u.literal, other.present)
            model.add(tv.start >= other.end + after[1]).only_enforce_if(enforce)

    def _reservoirs(self) -> None:
        problem = self.problem
        grouped: list[list[int]] = [[] for _ in problem.reservoirs]
        for e, event in enumerate(problem.events):
            grouped[event.reservoir].append(e)
        for res, events in zip(problem.reservoirs, grouped, strict=True):
            if res.maximum is None:
                self._stock(res, events)
            else:
                self._reservoir(res, events)

    def _active(self, task: int, when: list) -> CpLit | None:
        v = self.vars
        return v.conjunction(self._enforce(v.tasks[task].present, *v.lits(when)))

    def _weighted_sum(self, name: str, terms: list[tuple[CpLit | None, int]]) -> cp.LinearExprT:
        """``Σ coef × lit`` (``None``: always) as a constant or a new integer variable."""
        const = sum(c for x, c in terms if x is None)
        var_terms = [(x, c) for x, c in terms if x is not None]
        if not var_terms:
            return const
        top = const + sum(c for _, c in var_terms)
        var = self.model.new_int_var(const, top, name)
        self.model.add(var == const + sum(c * x for x, c in var_terms))
        self.sum_defs.append((var, var_terms, const))
        return var

    def _stock(self, res, events: list[int]) -> None:
        """A level that must stay >= minimum, as one cumulative (no quadratic expansion).

        Level(t) = initial + Σ returns at or before t − Σ takes at or before t >= minimum
        ⟺ Σ takes at or before t + Σ returns after t <= initial − minimum + Σ returns.
        So a take of b at time T is an interval [T, END) of demand b, a return of b at T an
        interval [0, T) of demand b, and the capacity is the initial slack plus every
        return that happens. Events of one task at one time share an interval whose demand
        sums their active deltas.
        """
        model, problem = self.model, self.problem
        groups: dict[tuple[int, Anchor, int, bool], list[tuple[CpLit | None, int]]] = {}
        for e in events:
            ev = problem.events[e]
            if ev.delta == 0:
                continue
            key = (ev.task, ev.at, ev.offset, ev.delta > 0)
            groups.setdefault(key, []).append((self._active(ev.task, ev.when), abs(ev.delta)))
        end = problem.horizon + max([0, *(k[2] for k in groups)]) + 1
        intervals, demands = [], []
        capacity_terms: list[tuple[CpLit | None, int]] = [(None, res.initial - res.minimum)]
        for (task, at, offset, positive), terms in groups.items():
            time = self._anchor(task, at) + offset
            demand = self._weighted_sum(f"{res.name}:{task}:{at}", terms)
            if positive:
                intervals.append(model.new_interval_var(0, time, time, f"{res.name}:ret"))
                capacity_terms.extend(terms)
            else:
                intervals.append(model.new_interval_var(time, end - time, end, f"{res.name}:take"))
            demands.append(demand)
        capacity = self._weighted_sum(f"{res.name}:capacity", capacity_terms)
        if isinstance(capacity, int) and capacity < 0:
            model.add_bool_or([])
        elif intervals:
            model.add_cumulative(intervals, demands, capacity)

    def _reservoir(self, res, events: list[int]) -> None:
        """A level with both a minimum and a maximum: CP-SAT's reservoir constraint."""
        model, problem, v = self.model, self.problem, self.vars
        # CP-SAT needs min_level <= 0 <= max_level: shift the level by -minimum, and
        # start it with an event at time 0 (events at 0 count together with it).
        times: list[cp.LinearExprT] = [0]
        deltas = [res.initial - res.minimum]
        actives: list[CpLit] = [v.true()]
        for e in events:
            ev = problem.events[e]
            times.append(self._anchor(ev.task, ev.at) + ev.offset)
            deltas.append(ev.delta)
            active = self._active(ev.task, ev.when)
            actives.append(v.true() if active is None else active)
        top = res.maximum - res.minimum
        if top < 0:
            model.add_bool_or([])
            return
        model.add_reservoir_constraint_with_active(times, deltas, actives, 0, top)

    def _precedences(self) -> None:
        model, v = self.model, self.vars
        for p in self.problem.precedences:
            enforce = self._enforce(
                v.tasks[p.before].present, v.tasks[p.after].present, *v.lits(p.when)
            )
            ct = model.add(
                self._anchor(p.after, p.at_after) >= self._anchor(p.before, p.at_before) + p.lag
            )
            if enforce:
                ct.only_enforce_if(enforce)

    def _spans(self) -> None:
        model, tasks = self.model, self.vars.tasks
        for s in self.problem.spans:
            span, first, last = tasks[s.task], tasks[s.first], tasks[s.last]
            enforce = self._enforce(span.present, first.present, last.present)
            model.add(span.start == first.start).only_enforce_if(enforce)
            model.add(span.end == last.end).only_enforce_if(enforce)
