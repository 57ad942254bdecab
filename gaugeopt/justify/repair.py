"""Shift a schedule to feasibility: the repair a replan starts from (docs/replanning.md).

:func:`shift_to_feasible` keeps every assignment of a schedule made for an earlier version
of the instance — mode, blocks, tracks, crews, shunters, locomotives, the ground-air choice
— and moves tasks only as needed: frozen tasks stay where they are; every other task goes,
in the schedule's order of start, to the earliest start at or after ``earliest[key]``, its
release (the train's arrival) and its predecessors' ends at which its crew (inside a shift,
one task at a time), shunter, changer, track (with its maintenance windows), jack sets,
bogie stock and locomotive allow (:class:`gaugeopt.justify.place.Placer`). Durations are
the rulebook's for the new instance. Where a kept assignment no longer works — a crew gone,
without the skill or with no shift left that fits, a shunter gone, a locomotive gone or of
another gauge — the task takes another capable one (the previous one whenever it still
fits). A hold is given room for as long as it lasted before; when one, once placed, lasts
longer and runs into another block or a maintenance window, the repair starts again with
room for its real length.
"""

from __future__ import annotations

import heapq
import logging
import math
from collections.abc import Mapping, Sequence, Set

from gaugeopt.justify.jobs import Jobs, TaskKey, build_jobs, task_key
from gaugeopt.justify.place import Choice, NoStart, Placer
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task, TrainPlan
from gaugeopt.rules import DEPARTS_AFTER, departure, dwell, objective, reading

__all__ = ["shift_to_feasible"]

log = logging.getLogger("gaugeopt")

#: Orders of placement tried: by previous start; by the later of it and the earliest start
#: the task's own bounds and predecessors allow (a late train's tasks then come after those
#: of the trains that overtake it); and the tasks that keep their previous start first, the
#: pushed ones after them in the second order.
ORDERS = ("previous", "shifted", "undisturbed")

#: Restarts at most after a hold ran into another one or into a maintenance window.
MAX_RESTARTS = 200


class _Restart(Exception):
    """Hold ``hold`` ran into another or a window: it lasts ``length``, longer than thought."""

    def __init__(self, hold: int, length: int) -> None:
        super().__init__(hold, length)
        self.hold, self.length = hold, length


def _locos(inst: Instance, sol: Solution, jobs: Jobs) -> dict[str, str] | None:
    """Train id -> the locomotive it takes: its own when that still exists with the right
    gauge, else a free one of the right gauge (None: there is none)."""
    gauge = {lo.id: lo.gauge for lo in inst.station.locomotives}
    gauge |= {t.inbound_loco.id: t.inbound_loco.gauge for t in inst.trains if t.inbound_loco}
    out: dict[str, str] = {}
    need = []
    for plan in sol.trains:
        want = inst.train(plan.id).to_gauge
        attach = [j for j in jobs.jobs if j.loco is not None and sol.tasks[j.task].train == plan.id]
        if not attach:
            continue
        loco = attach[0].loco
        if loco in gauge and gauge[loco] == want and loco not in out.values():
            out[plan.id] = loco
        else:
            need.append((plan.id, want))
    for tid, want in need:
        free = [lo for lo, g in gauge.items() if g == want and lo not in out.values()]
        if not free:
            return None
        free.sort(key=lambda lo: jobs.loco_ready[lo][1])
        out[tid] = free[0]
    return out


class _Repair:
    """One run of the repair over a schedule's jobs."""

    def __init__(
        self,
        inst: Instance,
        sol: Solution,
        jobs: Jobs,
        earliest: Mapping[TaskKey, int],
        frozen: Set[TaskKey],
        locos: dict[str, str],
        order: str,
        estimate: list[int],
        flexible: bool | int | Set[TaskKey] = False,
    ) -> None:
        self.inst, self.sol, self.jobs = inst, sol, jobs
        self.order = order
        self.estimate = estimate
        self.flexible = flexible
        self.keys = [task_key(sol.tasks[j.task]) for j in jobs.jobs]
        self.earliest = dict(earliest)
        self.frozen = {k for k, key in enumerate(self.keys) if key in frozen}
        self.locos = locos
        self.crews = {c.id: c for c in inst.station.crews}
        self.shunters = [f"shunter {s.id}" for s in inst.station.shunters]
        self.closes: dict[int, list[int]] = {}
        for h, span in enumerate(jobs.holds):
            self.closes.setdefault(span.last, []).append(h)
        self.choice: dict[int, Choice] = {}

    def _train(self, k: int) -> str:
        return self.sol.tasks[self.jobs.jobs[k].task].train

    def _loco_dep(self, k: int) -> tuple[int | None, int]:
        job = self.jobs.jobs[k]
        if job.loco is None:
            return None, 0
        return self.jobs.loco_ready[self.locos[self._train(k)]]

    def _low(self, p: Placer, k: int) -> int:
        job = self.jobs.jobs[k]
        low = max([job.release, self.earliest.get(self.keys[k], 0)] + [p.end(q) for q in job.preds])
        freed, plus = self._loco_dep(k)
        return max(low, plus if freed is None else p.end(freed) + plus)

    def _options(self, k: int) -> list[Choice]:
        """The kept crew and shunter first, then every other capable pair."""
        job = self.jobs.jobs[k]
        task = self.sol.tasks[job.task]
        skill: str | None = reading.skill(task.op)
        others = [u for u in job.units if not u.startswith("shunter ")]
        shunter = [u for u in job.units if u.startswith("shunter ")]
        crew = job.crew
        keep_crew = (crew is None and job.duration == 0) or (
            crew in self.crews and (skill is None or skill in self.crews[crew].skills)
        )
        keep_shunter = not shunter or shunter[0] in self.shunters
        first = Choice(crew, shunter + others)
        out = [first] if keep_crew and keep_shunter else []
        if job.duration == 0:
            crews: list[str | None] = [crew]
        else:
            crews = [c.id for c in self.crews.values() if skill is None or skill in c.skills]
        units = [[s] for s in self.shunters] if shunter else [[]]
        out += [
            Choice(c, u + others) for c in crews for u in units if Choice(c, u + others) != first
        ]
        return out

    def _patience(self, k: int) -> float:
        """Minutes later than another choice that the kept assignment may start (see
        ``flexible`` of :func:`shift_to_feasible`)."""
        flex = self.flexible
        if isinstance(flex, Set):
            return 0 if self.keys[k] in flex else math.inf
        if isinstance(flex, bool):
            return 0 if flex else math.inf
        return flex

    def _place(self, p: Placer, k: int) -> None:
        low = self._low(p, k)
        patience = self._patience(k)
        best: tuple[int, Choice] | None = None
        kept: tuple[int, Choice] | None = None
        for i, choice in enumerate(self._options(k)):
            try:
                s = p.earliest(k, low, choice)
            except NoStart:
                continue
            if i == 0 and choice.crew == self.jobs.jobs[k].crew:
                kept = (s, choice)
                if patience == math.inf or s == low:
                    best = kept
                    break  # the kept assignment works (and nothing starts sooner): keep it
            if best is None or s < best[0]:
                best = (s, choice)
        if kept is not None and best is not None and kept[0] <= best[0] + patience:
            best = kept
        if best is None:
            raise NoStart(k)
        p.put(k, *best)
        self.choice[k] = best[1]
        self._check_holds(p, k)

    def _check_holds(self, p: Placer, k: int) -> None:
        """A hold that ``k`` closes must fit beside the others and (a track) outside its
        maintenance windows; else the repair starts again knowing how long it lasts."""
        for h in self.closes.get(k, []):
            a = p.start[self.jobs.holds[h].first]
            if p.hold_room(h, a, p.end(k)) > a:
                raise _Restart(h, p.end(k) - a)

    def _priorities(self, deps: dict[int, set[int]]) -> dict[int, tuple[int, int, tuple[int, int]]]:
        """The order of placement (see :data:`ORDERS`)."""
        jobs = self.jobs.jobs
        prev = {k: self.sol.tasks[jobs[k].task].start for k in range(len(jobs))}
        if self.order == "previous":
            return {k: (0, prev[k], jobs[k].order) for k in deps}
        es: dict[int, int] = {}
        for k in sorted(range(len(jobs)), key=lambda k: (prev[k], jobs[k].order)):
            if k in self.frozen:
                es[k] = prev[k]
                continue
            low = max(prev[k], jobs[k].release, self.earliest.get(self.keys[k], 0))
            es[k] = max([low] + [es[q] + jobs[q].duration for q in jobs[k].preds if q in es])
        if self.order == "shifted":
            return {k: (0, es[k], jobs[k].order) for k in deps}
        return {k: (int(es[k] > prev[k]), es[k], jobs[k].order) for k in deps}

    def run(self) -> Placer:
        jobs = self.jobs.jobs
        p = Placer(self.inst, self.jobs, self.estimate)
        for k in sorted(self.frozen):
            task = self.sol.tasks[jobs[k].task]
            choice = Choice(jobs[k].crew, list(jobs[k].units))
            p.put(k, task.start, choice)
            self.choice[k] = choice
        deps = {k: set(j.preds) for k, j in enumerate(jobs) if k not in self.frozen}
        for k in deps:
            freed, _ = self._loco_dep(k)
            if freed is not None:
                deps[k].add(freed)
            deps[k] -= self.frozen
        after: dict[int, list[int]] = {}
        for k, ds in deps.items():
            for d in ds:
                after.setdefault(d, []).append(k)
        prio = self._priorities(deps)
        heap = [(prio[k], k) for k, ds in deps.items() if not ds]
        heapq.heapify(heap)
        while heap:
            _, k = heapq.heappop(heap)
            self._place(p, k)
            for m in after.get(k, []):
                deps[m].discard(k)
                if not deps[m]:
                    heapq.heappush(heap, (prio[m], m))
        if len(p.start) != len(jobs):
            raise NoStart(-1)  # a cycle: the schedule's order cannot be kept
        return p


def _plans(inst: Instance, sol: Solution, jobs: Jobs, end: list[int], locos: dict[str, str]):
    plans = []
    for plan in sol.trains:
        train = inst.train(plan.id)
        own = jobs.train_jobs.get(plan.id, {})
        dep = departure(train, {op: end[own[op]] for op in DEPARTS_AFTER})
        update: dict[str, object] = {"departure": dep, "dwell": dwell(train, dep)}
        if plan.id in locos:
            update["locomotive"] = locos[plan.id]
        plans.append(plan.model_copy(update=update))
    return plans


def _solution(inst: Instance, sol: Solution, jobs: Jobs, run: _Repair, p: Placer) -> Solution:
    tasks = list(sol.tasks)
    end = [p.end(k) for k in range(len(jobs.jobs))]
    for k, job in enumerate(jobs.jobs):
        t = tasks[job.task]
        choice = run.choice[k]
        shunter = next((u[8:] for u in choice.units if u.startswith("shunter ")), t.shunter)
        update: dict[str, object] = {"start": p.start[k], "end": end[k]}
        if job.duration > 0:
            update |= {"crew": choice.crew, "shunter": shunter}
        if t.locomotive is not None and t.train in run.locos:
            update["locomotive"] = run.locos[t.train]
        tasks[job.task] = Task.model_validate(t.model_dump() | update)
    plans: list[TrainPlan] = _plans(inst, sol, jobs, end, run.locos)
    value = objective([inst.train(q.id) for q in plans], [q.departure for q in plans])
    return sol.model_copy(
        update={
            "tasks": tasks,
            "trains": plans,
            "objective": value,
            "status": "feasible",
            "lower_bound": None,  # the previous one bounds the previous instance
        }
    )


def shift_to_feasible(
    instance: Instance,
    solution: Solution,
    earliest: Mapping[TaskKey, int],
    frozen: Set[TaskKey] = frozenset(),
    orders: Sequence[str] = ORDERS,
    *,
    flexible: bool | int | Set[TaskKey] = False,
) -> Solution | None:
    """``solution`` (made for an earlier version of ``instance``) with its tasks moved, as
    little as the rules allow, onto ``instance``; None when its structure does not fit.

    ``earliest`` bounds each task's start from below (by :func:`~gaugeopt.justify.jobs.
    task_key`; for a replan, max(now, its previous start)); the tasks in ``frozen`` stay
    exactly where they are. Each of ``orders`` (:data:`ORDERS`) is tried and the least
    objective kept. ``flexible``: a task takes whichever capable crew and shunter start it
    soonest (the kept ones on a tie), not the kept ones whenever they still fit (a set of
    task keys: those tasks only; a number of minutes: the kept ones unless another choice
    starts the task more than that much sooner). The result
    is not checked here: the caller runs the checker.
    """
    if solution.status not in ("optimal", "feasible") or not solution.tasks:
        return None
    jobs = build_jobs(instance, solution, strict=False)
    if jobs is None:
        log.debug("repair: %s does not match the rulebook's tasks", solution.instance)
        return None
    tracks = {t.id for t in instance.station.tracks}
    changer = instance.station.changer is not None
    if any(h.track not in tracks for h in jobs.holds) or (
        not changer and any("changer" in j.units for j in jobs.jobs)
    ):
        log.debug("repair: a track or the changer of %s is gone", solution.instance)
        return None
    locos = _locos(instance, solution, jobs)
    if locos is None:
        log.debug("repair: too few locomotives of the right gauge")
        return None
    found = [
        s
        for order in orders
        if (s := _attempt(instance, solution, jobs, earliest, frozen, locos, order, flexible))
        is not None
    ]
    return min(found, key=lambda s: s.objective or 0) if found else None


def _attempt(
    instance: Instance,
    solution: Solution,
    jobs: Jobs,
    earliest: Mapping[TaskKey, int],
    frozen: Set[TaskKey],
    locos: dict[str, str],
    order: str,
    flexible: bool | int | Set[TaskKey],
) -> Solution | None:
    """One repair in one order of placement, restarted while a hold turns out longer than
    estimated (at first: as long as in ``solution``) and collides."""
    tasks = solution.tasks
    estimate = [
        tasks[jobs.jobs[h.last].task].end - tasks[jobs.jobs[h.first].task].start for h in jobs.holds
    ]
    for _ in range(MAX_RESTARTS):
        run = _Repair(instance, solution, jobs, earliest, frozen, locos, order, estimate, flexible)
        try:
            placer = run.run()
        except NoStart as e:
            log.debug("repair: no start for %s", e.args)
            return None
        except _Restart as r:
            estimate[r.hold] = max(estimate[r.hold], r.length)
            continue
        return _solution(instance, solution, jobs, run, placer)
    log.debug("repair: holds still collide after %d restarts", MAX_RESTARTS)
    return None
