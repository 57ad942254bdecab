"""A time-indexed relaxation of the trains sharing the station, solved by CP-SAT: a lower
bound that sees which train goes last on a crew pool, the tracks or the bogie stock.

The station bound (:mod:`gaugeopt.bounds.station`) is a linear programme over mean busy
times. It lets a train's departure be an average: two trains that both need the last
bogies of a stock can each take "half" of the wait. Here each train's departure falls in
one *bucket* of Δ minutes (an integer), and the work of every train on every shared
resource is spread over buckets, so one of the two trains must wait whole.

**The relaxation.** Take the resources and jobs of :func:`gaugeopt.bounds.demand.resources`
(the crew pools, the track groups, the shunters, the changer, the locomotives of each
gauge, the bogies of each (gauge, type) in short supply). A job i of train j has least
work (or units) a, release r, tail q and width u: in every schedule its work lies in
[r, D_j − q], at most u units at a time (fluid), or its a units are taken in [r, D_j − q]
(supply). Buckets are [kΔ, (k + 1)Δ). Variables:

* d_j, the bucket of train j's departure (so Δ d_j ≤ D_j < Δ(d_j + 1)), with Booleans
  z_jk = [d_j ≤ k]; D_j ≥ Δ d_j and D_j ≥ arrival + (j's own dwell bound);
* y_ik ≥ 0, the work of job i in bucket k (units taken, for a supply).

Constraints:

1. Σ_k y_ik = a_i.
2. Fluid: y_ik ≤ u_i × (length of bucket k from r_i on); Σ_i y_ik ≤ ∫ K(t) dt over the
   bucket, K the resource's capacity profile.
3. Supply: y_ik = 0 when the bucket ends by r_i; the units taken in buckets 0..k by all
   jobs are at most the units available before (k + 1)Δ (the u-th unit taken is taken no
   earlier than σ_u, the u-th time a unit becomes available).
4. Completion: all work of job i lies before D_j − q_i < Δ(d_j + 1) − q_i, in buckets
   k' ≤ d_j − ⌊q_i / Δ⌋: Σ_{k' ≤ k − ⌊q_i/Δ⌋} y_ik' ≥ a_i z_jk for every k.

**Validity.** Take any schedule and let d_j = ⌊D_j / Δ⌋ and y_ik the work of job i (its
tasks' unit-minutes, or its takes) in bucket k, at least a_i in all (keep the earliest
a_i). Then 1–4 hold by the meaning of a, r, q, u and K (step by step above), and the
objective Σ w_j D_j is that of the schedule. So the optimum of the relaxation is at most
the optimum of the instance, and CP-SAT's proven bound on the relaxation (its
``best_objective_bound``, whatever the time limit) is at most both: the bound is that,
rounded up, minus Σ w_j arrival_j. Every time of a schedule is at most the horizon, so
buckets stop there.

**Which resources.** Any subset of the resources keeps the relaxation valid (fewer rows
only relax it). It takes those the station LP prices (positive duals on its rows
D ≥ X + gap), dearest first, at most ``Effort.resources``: on random-skills-small-0001
the two it prices (the tracks, a bogie stock) give 4,092, as all 28 do, in a fifth of the
time. A crew pool's capacity K(t) is its crews on duty at t, shift by shift, so the work
that must wait for the next shift's crews is seen bucket by bucket.

**Size.** Δ is the shortest of 5, 10, 15, 20, 30, 45, 60, … minutes that keeps Σ_j (the
buckets train j's departure may fall in, from its own bound to the horizon) within
``Effort.buckets``; a job's buckets run from its release to the horizon less its tail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.sat.python import cp_model

from gaugeopt.bounds.demand import resources as shared_resources
from gaugeopt.bounds.sets import Job, Resource
from gaugeopt.model.instance import Instance

#: Bucket lengths tried, shortest first (minutes).
STEPS = (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240)


@dataclass(frozen=True)
class Effort:
    """How big and how long the relaxation may be (from
    :class:`~gaugeopt.params.SolveParams`: ``bucket_bound_*``)."""

    seconds: float
    buckets: int = 600  # train-buckets at most, summed over trains
    resources: int = 6  # bottleneck resources at most
    workers: int = 1
    #: budget CP-SAT in deterministic time (seconds × this rate) instead of the clock, so
    #: that a run with one worker is reproducible; 0: the clock
    deterministic_rate: float = 0.0
    log: bool = False


def _step(inst: Instance, own: list[int], most: int) -> int:
    """The shortest bucket length keeping Σ_j (buckets of j's departure window) ≤ most."""
    for step in STEPS:
        total = sum(
            max(1, inst.horizon // step - (t.arrival + b) // step + 1)
            for t, b in zip(inst.trains, own, strict=True)
        )
        if total <= most:
            return step
    return STEPS[-1]


def _capacity(r: Resource, a: int, b: int) -> int:
    """∫ K(t) dt over [a, b), rounded down (capacity is counted in whole minutes)."""
    total = 0.0
    for s, e, k in r.segments or []:
        lo, hi = max(s, a), min(e, b)
        if hi > lo:
            total += k * (hi - lo)
    return math.floor(total + 1e-9)


def _available(r: Resource, before: int) -> int:
    """Units available before time ``before`` (at a time < before)."""
    return sum(c for t, c in r.supply or [] if t < before)


class _Model:
    """The CP-SAT model of the relaxation (module docstring)."""

    def __init__(self, inst: Instance, own: list[int], step: int) -> None:
        self.inst, self.step = inst, step
        self.m = cp_model.CpModel()
        self.last = inst.horizon // step  # bucket of a departure at the horizon
        self.first = [(t.arrival + b) // step for t, b in zip(inst.trains, own, strict=True)]
        self.z: list[dict[int, cp_model.IntVar]] = []
        deps = []
        for j, (t, b) in enumerate(zip(inst.trains, own, strict=True)):
            dep = self.m.new_int_var(t.arrival + b, inst.horizon, f"D{j}")
            z = {k: self.m.new_bool_var(f"z{j}_{k}") for k in range(self.first[j], self.last)}
            for k in range(self.first[j], self.last - 1):
                self.m.add_implication(z[k], z[k + 1])
            # D >= step × d, d = (buckets before the departure's)
            self.m.add(dep >= step * (self.first[j] + sum(1 - v for v in z.values())))
            self.z.append(z)
            deps.append((t.weight, dep))
        self.m.minimize(sum(w * d for w, d in deps))

    def done_by(self, j: int, k: int) -> cp_model.IntVar | int:
        """z_jk: 1 when train j departs in bucket k or earlier."""
        if k < self.first[j]:
            return 0
        return self.z[j].get(k, 1)

    def add(self, r: Resource) -> None:
        """The jobs of ``r`` and its capacity (fluid) or availability (supply) rows."""
        fluid = r.segments is not None
        prefixes = [self._job(job, fluid) for job in r.jobs]
        buckets = sorted({k for p in prefixes for k in p})
        step = self.step
        for k in buckets:
            if fluid:
                terms = [p[k] - p.get(k - 1, 0) for p in prefixes if k in p]
                self.m.add(sum(terms) <= _capacity(r, k * step, (k + 1) * step))
            else:
                taken = [_at(p, k) for p in prefixes]
                self.m.add(sum(taken) <= _available(r, (k + 1) * step))

    def _job(self, job: Job, fluid: bool) -> dict[int, cp_model.IntVar]:
        """Prefix sums P_k = Σ_{k' ≤ k} y_k' of one job over its buckets, P = a at the
        last, and its completion rows: P_{k − ⌊q/Δ⌋} ≥ a × z_jk."""
        step = self.step
        shift = math.floor(job.tail / step)
        lo, hi = job.release // step, self.last - shift
        prefix: dict[int, cp_model.IntVar] = {}
        before: cp_model.IntVar | int = 0
        for k in range(lo, hi + 1):
            room = (k + 1) * step - max(k * step, job.release)
            top = min(job.amount, job.width * room) if fluid else job.amount
            p = self.m.new_int_var(0, job.amount, "")
            self.m.add(p >= before)
            self.m.add(p <= before + top)
            prefix[k], before = p, p
        self.m.add(before == job.amount)
        for k in range(self.first[job.train], self.last):
            z = self.done_by(job.train, k)
            if isinstance(z, int):
                continue
            if k - shift < lo:  # no work done yet: the train is still there
                self.m.add(z == 0)
            else:
                self.m.add(prefix[k - shift] >= job.amount * z)
        return prefix


def _at(prefix: dict[int, cp_model.IntVar], k: int) -> cp_model.IntVar | int:
    """P_k of a job, 0 before its first bucket, the last prefix after its last."""
    if k in prefix:
        return prefix[k]
    below = [kk for kk in prefix if kk < k]
    return prefix[max(below)] if below else 0


def bottlenecks(resources: list[Resource], prices: dict[str, float], most: int) -> list[Resource]:
    """The resources the station LP prices (its duals on D ≥ X + gap), dearest first, at
    most ``most``. Any subset keeps the relaxation valid: fewer resources only relax it."""
    priced = [r for r in resources if prices.get(r.name, 0.0) > 1e-6]
    priced.sort(key=lambda r: -prices[r.name])
    return priced[:most]


def time_indexed_bound(
    inst: Instance,
    own: list[int | None],
    prices: dict[str, float],
    effort: Effort,
) -> int | None:
    """CP-SAT's proven bound on the relaxation (module docstring) over the bottleneck
    resources, as a bound on Σ weight × dwell; None when some train can never leave, no
    resource is priced, or the solver proves nothing."""
    if any(b is None for b in own):
        return None
    dwell = [b for b in own if b is not None]
    chosen = bottlenecks(shared_resources(inst), prices, effort.resources)
    if not chosen or effort.seconds <= 0:
        return None
    model = _Model(inst, dwell, _step(inst, dwell, effort.buckets))
    for r in chosen:
        model.add(r)
    solver = cp_model.CpSolver()
    if effort.deterministic_rate > 0:
        solver.parameters.max_deterministic_time = effort.seconds * effort.deterministic_rate
    else:
        solver.parameters.max_time_in_seconds = effort.seconds
    solver.parameters.num_workers = effort.workers
    solver.parameters.log_search_progress = effort.log
    # CP-SAT's own SIGINT handler would take Ctrl-C from the solve it runs beside and
    # leave SIGINT at its default afterwards (gaugeopt.core.cpsat.model does the same)
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(model.m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None  # infeasible: no schedule either, which the solve itself reports
    value = solver.best_objective_bound - sum(t.weight * t.arrival for t in inst.trains)
    return math.ceil(value - 1e-6 * max(1.0, abs(value)))
