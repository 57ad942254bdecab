"""A lower bound on the weighted dwell that sees trains queue for shared resources.

The per-train bound (:func:`gaugeopt.bounds.train.train_dwell_bounds`) gives every train
the whole station. Here the trains share it. A linear programme lets each train j leave
no earlier than its own bound, and no earlier than its work on each shared resource
allows when the work of all trains competes for that resource; it minimises Σ w_j D_j
(D_j = departure). Every schedule of the instance gives a feasible point of the LP (shown
below, step by step), so the LP optimum is at most the optimum of the instance.

**Resources.**

* *Fluid* resources, with a capacity profile K(t) (at most K(t) units busy at t): a group
  of tracks (all tracks; and for each mass limit m above the lowest, the tracks lifting at
  least m, which alone can take a carriage heavier than the next lower limit), K = number
  of tracks (a track holds one block at a time); the shunters and the changer, K = their
  number (a track's maintenance windows, v1.1, are ignored: counting it at every time
  only counts room that is not there, so every schedule is still a point of the LP); each
  crew pool of :func:`gaugeopt.rules.crews.crew_pools` (``every=True``):
  every task whose skill is in the pool takes one of its crews, each crew one task at a
  time and only on duty, so K(t) = :meth:`CrewPool.level` (beyond the horizon, where no
  schedule works, its largest level: any value there keeps the bound valid).
* *Supplies* of units: the locomotives of each gauge (each hauls one train and is free
  from ``available_from``, or from its train's arrival + detach + loco_turnaround:
  :func:`gaugeopt.bounds.locos.loco_release_times`) and the bogies of each (gauge, type)
  whose total demand exceeds the stock (stock at time 0, the bogies of each carriage of an
  opposite train returning no earlier than its arrival + detach + shunt + disconnect + lift
  + shortest swap or roll + bogie_turnaround).

**What a train needs** (:mod:`gaugeopt.bounds.demand`). All quantities are minima (maxima
for u_j) over every configuration the train may take (a mode of
:func:`~gaugeopt.rules.possible_modes` with each choice of
:func:`~gaugeopt.rules.ground_options`: with the ground-air test the train has its extra
brake work and the abbreviated brake test), every cut into blocks and every track a block
may go to, and ignore every other resource, so they hold in every schedule. Tasks,
durations, skills, shunters and precedences are the rulebook's
(:mod:`gaugeopt.bounds.skeleton`):

* on a fluid resource, a *job* is a set of the train's tasks on it; ``a`` its least
  total duration; ``r`` no later than its first task starts (arrival + the shortest chain
  of operations before any of them); ``q`` no longer than from the end of any of its
  tasks to departure (shortest chain after it); ``p`` no longer than its shortest task;
  ``u`` at least the units it can hold at once. A train has one job per resource, or two
  when every configuration has carriage work on it (carriage and block tasks; train
  tasks: detach, border_check, couple, the ground-air test, attach, brake_test), which
  gives the carriage work its much longer tail. A train with a configuration using none
  of the resource is left out.
* Per-block work (shunts, rolls, swaps) is the least over the cuts by a dynamic programme,
  each block on its best track. On tracks, a block counts the least time it holds its
  track, from shunt_in start to shunt_out end: two shunts plus the longest carriage chain;
  on an ``individual`` track at least min disconnect + ceil(Σ(lift+swap+lower) /
  jack_sets) + min reconnect between them (the first lift starts after a disconnect, the
  last lower ends before a reconnect, at most ``jack_sets`` carriages hold jacks at once);
  on a ``roll`` track max(disconnect+lift) + roll + max(lower+reconnect) (every lift ends
  before the roll, every lower starts after it).
* On a supply, train j takes ``a`` units (one locomotive at its attach start; its
  bogies of the type at its swap or roll starts), none before ``r``, and leaves at least
  ``q`` after its last take.

**The inequalities.** Take any schedule. For a fluid job, let u(t) be the units its tasks
hold at t, keep its earliest ``a`` unit-minutes (it does at least that much), and let X be
their mean time (Goemans' *mean busy time*), C the end of its last task.

1. X ≤ C − max(a/(2u), p/2): at most u units at a time, ending by C, the mean is largest
   with the work packed right before C; and each task, p long or more, has its mean at
   least p/2 before its end (the kept part is the earliest, so its mean is no later).
   With D ≥ C + q: **D ≥ X + max(a/(2u), p/2) + q**.
2. For every set S of jobs of the resource, **Σ_S a X ≥ f(S)**, where f(S) = ∫ t ρ(t) dt
   when the work of S is done as early as the releases and K(t) allow (fluid, any split):
   Σ_S a X = ∫ t (units held by S at t) dt, and moving work earlier only lowers it. f is
   computed by filling the idle capacity from each release
   (:class:`~gaugeopt.bounds.sets.Idle`): the work done by any time is then as large as
   possible, whatever the order.
3. For a supply, X = the job's last take, D ≥ X + q. Let σ_1 ≤ σ_2 ≤ … be when the units
   become available. When the u-th unit taken by S (in time order) is taken, u units
   have left, so u units were available: its time is ≥ σ_u; and u units of S were
   released by then: ≥ e_(u), the u-th smallest release. Hence **Σ_S a X ≥ Σ_u max(σ_u,
   e_(u))** (:class:`~gaugeopt.bounds.sets.Supply`).
4. **D_j ≥ arrival_j + (per-train bound of j)**, X ≥ r, and every time of a schedule is at
   most the horizon.

**Solving.** GLOP solves the LP; inequalities 2 and 3 are added by separation: for up to
12 release thresholds ρ, the prefixes, in the order of the current X, of the jobs released
at ρ or later (a heuristic: every set added is valid, a set missed only weakens the
bound). At most 40 rounds (the benchmark days need about 20, under half a second).

**Exact arithmetic of the result.** The LP is solved in floating point, so its value is
not trusted. For the rows A x ≥ b, the box lo ≤ x ≤ hi (hi = horizon) and GLOP's duals y
clipped to ≥ 0, ``y·b + Σ_k min(rc_k lo_k, rc_k hi_k)`` with rc = c − Aᵀy is at most
the LP optimum for *any* y ≥ 0, however inexact. The bound is that value, minus
Σ w_j arrival_j, rounded up after a margin of 1e-6 relative for the rounding of the sums.
"""

from __future__ import annotations

import bisect
import math
import time

from ortools.linear_solver import pywraplp

from gaugeopt.bounds.demand import resources as shared_resources
from gaugeopt.bounds.sets import INF, Idle, Resource, Supply
from gaugeopt.bounds.train import train_dwell_bounds
from gaugeopt.model.instance import Instance

#: Rounds of cutting planes at most, and a safety net in seconds. The bound is valid
#: whenever it stops; on the benchmark days it converges well within both, so it is the
#: same from run to run.
MAX_ROUNDS = 40
TIME_LIMIT = 3.0
#: A set is added when violated by more than this (minutes, per unit of work).
VIOLATION = 1e-3
#: Release thresholds tried per resource and round of separation.
THRESHOLDS = 12


# --------------------------------------------------------------------------- the LP


class _LP:
    """min c·x, rows A x >= b, x >= lo; keeps the rows for the Lagrangian bound."""

    def __init__(self, horizon: int) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.solver.Objective().SetMinimization()
        self.vars: list[tuple[pywraplp.Variable, float, float, float]] = []  # v, lo, hi, c
        self.rows: list[tuple[pywraplp.Constraint, list[tuple[int, float]], float]] = []
        self.horizon = float(horizon)

    def var(self, lo: float, cost: float) -> int:
        v = self.solver.NumVar(lo, INF, "")
        self.solver.Objective().SetCoefficient(v, cost)
        self.vars.append((v, lo, max(lo, self.horizon), cost))
        return len(self.vars) - 1

    def row(self, terms: list[tuple[int, float]], rhs: float) -> None:
        c = self.solver.Constraint(rhs, INF)
        for k, a in terms:
            c.SetCoefficient(self.vars[k][0], a)
        self.rows.append((c, terms, rhs))

    def solve(self) -> tuple[list[float], float] | None:
        """The values of the variables and a valid bound (None: not solved)."""
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return [v.solution_value() for v, _, _, _ in self.vars], self._lagrangian()

    def _lagrangian(self) -> float:
        """y·b + Σ_k min(rc_k lo_k, rc_k hi_k) for the duals y clipped to >= 0: at most
        the LP optimum over the box [lo, hi], however inexact y is."""
        rc = [cost for _, _, _, cost in self.vars]
        total = 0.0
        for c, terms, rhs in self.rows:
            y = max(0.0, c.dual_value())
            if y > 0.0:
                total += y * rhs
                for k, a in terms:
                    rc[k] -= y * a
        for (_, lo, hi, _), r in zip(self.vars, rc, strict=True):
            total += r * lo if r >= 0 else r * hi
        return total


def station_bound(
    inst: Instance,
    *,
    own: list[int | None] | None = None,
    prices: dict[str, float] | None = None,
) -> int | None:
    """A lower bound on Σ weight × dwell that accounts for trains sharing the station
    (module docstring). ``own``: :func:`train_dwell_bounds`, if the caller has it. None
    when some train can never leave, or the LP cannot be solved.

    ``prices``, when given, receives for each resource (by name) the sum of the final
    duals of its rows D ≥ X + gap: how much the bound owes to it, which
    :mod:`gaugeopt.bounds.timeindexed` uses to pick the bottlenecks."""
    start = time.perf_counter()
    if own is None:
        own = train_dwell_bounds(inst)
    if any(b is None for b in own):
        return None
    resources = shared_resources(inst)
    lp = _LP(inst.horizon)
    dep = [
        lp.var(float(t.arrival + (b or 0)), float(t.weight))
        for t, b in zip(inst.trains, own, strict=True)
    ]
    xs: list[list[int]] = []
    links: list[list[int]] = []  # rows D >= X + gap of each resource
    for r in resources:
        xs.append([lp.var(float(job.release), 0.0) for job in r.jobs])
        links.append([])
        for job, k in zip(r.jobs, xs[-1], strict=True):
            links[-1].append(len(lp.rows))
            lp.row([(dep[job.train], 1.0), (k, -1.0)], job.gap)
    seen: list[set[frozenset[int]]] = [set() for _ in resources]

    def cut(ri: int, members: list[int]) -> bool:
        r = resources[ri]
        key = frozenset(members)
        total = sum(r.jobs[i].amount for i in members)
        if key in seen[ri] or total <= 0:
            return False
        seen[ri].add(key)
        lp.row([(xs[ri][i], r.jobs[i].amount / total) for i in members], r.bound(members) / total)
        return True

    for ri, r in enumerate(resources):
        for i in range(len(r.jobs)):
            cut(ri, [i])
        cut(ri, list(range(len(r.jobs))))
    solved = lp.solve()
    if solved is None:
        return None
    values, best = solved
    every = set(range(len(resources)))
    active = every
    for _ in range(MAX_ROUNDS):
        if time.perf_counter() - start > TIME_LIMIT:
            break
        # separate on the resources that gave cuts in the last round; on all of them
        # when those give none, and stop when none gives any
        found = set()
        for ri in sorted(active):
            x = [values[k] for k in xs[ri]]
            if sum(cut(ri, m) for m in _separate(resources[ri], x)):
                found.add(ri)
        if not found:
            if active == every:
                break
            active = every
            continue
        active = found
        solved = lp.solve()
        if solved is None:
            break
        values, bound = solved
        best = max(best, bound)
    if prices is not None:
        for r, rows in zip(resources, links, strict=True):
            prices[r.name] = sum(max(0.0, lp.rows[i][0].dual_value()) for i in rows)
    value = best - sum(t.weight * t.arrival for t in inst.trains)
    return math.ceil(value - 1e-6 * max(1.0, abs(value)))


def _thresholds(releases: list[int], most: int) -> list[int]:
    """At most ``most`` of the distinct releases, spread evenly, the first always."""
    values = sorted(set(releases))
    if len(values) <= most:
        return values
    return [values[(i * len(values)) // most] for i in range(most)]


def _separate(r: Resource, x: list[float]) -> list[list[int]]:
    """For each release threshold ρ, the most violated prefix, in the order of x, of the
    jobs released at ρ or later (if any is violated)."""
    order = sorted(range(len(x)), key=lambda i: x[i])
    out = []
    for rho in _thresholds([job.release for job in r.jobs], THRESHOLDS):
        idle = Idle(r.segments) if r.segments is not None else None
        supply = Supply(r.supply or [])
        jobs: list[tuple[int, int]] = []
        f = lhs = total = 0.0
        members: list[int] = []
        top, top_at = VIOLATION, 0
        for i in order:
            job = r.jobs[i]
            if job.release < rho or job.amount <= 0:
                continue
            members.append(i)
            lhs += job.amount * x[i]
            total += job.amount
            if idle is not None:
                f += idle.fill(job.release, job.amount)
            else:
                bisect.insort(jobs, (job.release, job.amount))
                f = supply.matched(jobs)
            if (f - lhs) / total > top:
                top, top_at = (f - lhs) / total, len(members)
        if top_at:
            out.append(members[:top_at])
    return out
