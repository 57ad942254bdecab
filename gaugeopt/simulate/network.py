"""A plan as the network a simulation propagates delays through (docs/simulation.md).

The plan's tasks become the jobs of :func:`gaugeopt.justify.jobs.build_jobs`: their durations,
releases, predecessors, bogie movements, holds and locomotives come from the rulebook
(:mod:`gaugeopt.rules`), their crews, shunters, tracks and locomotives from the plan. Each
job may start at the latest of:

* its planned start (no task starts before it);
* its train's arrival plus that train's arrival delay, for an operation that waits for the
  arrival;
* the end of each predecessor of the train's task graph (``work order``);
* the end of the task before it on each one-at-a-time resource it uses, in the plan's order
  of start: its crew, its shunter, the changer; for the first task of a block's track
  occupation (shunt_in), the last task of the block before it on that track (shunt_out);
* for an attach that takes a train's inbound locomotive, the end of that train's detach +
  ``loco_turnaround``;
* on a stock (the bogies of one (gauge, type), the jack sets of one ``individual`` track):
  the start of the take before it in the plan's order, and the moment enough units have come
  back (a giver's end + its lag: ``bogie_turnaround``, or 0 for a jack set's lower) for
  every take up to it, counting the stock the station starts with.

Then its crew's shifts: a task due outside every shift of its crew waits for the crew's next
shift, or starts anyway when there is none (:class:`Shifts`). The jobs are put in a
topological order of all these edges, by planned start.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from gaugeopt.justify.jobs import Job, Jobs, build_jobs
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution
from gaugeopt.rules import DEPARTS_AFTER, RULES, stay

#: The label of the edges of a train's own task graph.
WORK_ORDER = "work order"
#: The label of the bound a train's (delayed) arrival sets.
ARRIVAL = "arrival"


class NotSimulable(ValueError):
    """A plan whose tasks do not match the rulebook's task graphs (check it first)."""


@dataclass(frozen=True)
class Shifts:
    """The union of one crew's shifts, as sorted disjoint [start, end) intervals."""

    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, shifts: list[tuple[int, int]]) -> Shifts:
        merged: list[list[int]] = []
        for a, b in sorted(shifts):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        return cls(
            np.array([a for a, _ in merged], dtype=np.int64),
            np.array([b for _, b in merged], dtype=np.int64),
        )

    def start(self, due: np.ndarray) -> np.ndarray:
        """When a task due at ``due`` starts: then, if inside a shift; else at the next
        shift's start; else (no later shift) then."""
        k = np.searchsorted(self.ends, due, side="right")  # first shift ending after due
        later = k < len(self.ends)
        opens = self.starts[np.minimum(k, len(self.ends) - 1)] if len(self.ends) else due
        return np.where(later, np.maximum(due, opens), due)

    def overtime(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Minutes of [start, end) outside every shift."""
        if not len(self.ends):
            return end - start
        xs = np.ravel(np.column_stack([self.starts, self.ends]))
        ys = np.concatenate([[0], np.cumsum(self.ends - self.starts)]).repeat(2)[1:-1]
        inside = np.interp(end, xs, ys) - np.interp(start, xs, ys)
        return (end - start) - np.rint(inside).astype(np.int64)


@dataclass
class Take:
    """A take on stock ``label``: not before the start of the take before it (``after``, -1
    for the first); with ``need`` > 0, not before ``need`` units have come back from
    ``givers`` (job indices, each bringing ``amounts`` at its end + ``lags``)."""

    label: int
    after: int
    need: int = 0
    givers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    amounts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    lags: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


@dataclass
class Node:
    """One job's bounds, besides its planned start."""

    ends: np.ndarray  # jobs whose end (+ lag) bounds its start
    lags: np.ndarray
    labels: np.ndarray  # the resource label of each of those edges
    takes: list[Take] = field(default_factory=list)  # on stocks: bogies, jack sets
    arrival_of: int = -1  # train index, for an operation that waits for the arrival
    crew: int = -1


@dataclass
class Network:
    """Everything one run needs, picklable (it travels to Dask workers)."""

    planned_start: np.ndarray  # per job
    duration: np.ndarray
    order: list[int]  # a topological order of the jobs
    nodes: list[Node]
    labels: list[str]  # resource labels: WORK_ORDER, "crew C1", "track T1", ...
    crews: list[str]
    crew_shifts: list[Shifts]
    shift_labels: list[int]  # per crew: the label of waiting for its next shift
    train_ids: list[str]
    arrival: np.ndarray  # per train, as planned
    weight: np.ndarray
    earliest_departure: np.ndarray  # per train (0: none)
    departs_after: list[list[int]]  # per train: the jobs its departure waits for
    planned_departure: np.ndarray
    job_task: list[int]  # job -> index in the solution's tasks
    job_train: np.ndarray  # job -> train index
    job_op: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.nodes)


class _Labels:
    def __init__(self) -> None:
        self.names: list[str] = [WORK_ORDER, ARRIVAL]
        self.index: dict[str, int] = {WORK_ORDER: 0, ARRIVAL: 1}

    def __call__(self, name: str) -> int:
        if name not in self.index:
            self.index[name] = len(self.names)
            self.names.append(name)
        return self.index[name]


def _chains(members: dict[str, list[int]], key: list[tuple[int, int, int]]) -> dict[str, list[int]]:
    return {name: sorted(jobs, key=lambda j: key[j]) for name, jobs in members.items()}


def _one_at_a_time(jobs: Jobs, key: list[tuple[int, int, int]]) -> dict[str, list[int]]:
    """Crew, shunter and changer -> their jobs in the plan's order."""
    members: dict[str, list[int]] = defaultdict(list)
    for j, job in enumerate(jobs.jobs):
        if job.crew is not None:
            members[f"crew {job.crew}"].append(j)
        for unit in job.units:
            members[unit].append(j)
    return _chains(members, key)


def _stocks(inst: Instance, jobs: Jobs) -> dict[str, tuple[int, list[tuple[int, int, int, int]]]]:
    """Stock label -> (units at t = 0, [(taker, amount) or giver (job, amount, lag)])."""
    start: dict[str, int] = defaultdict(int)
    for b in inst.station.bogie_stock:
        start[f"bogies {b.gauge} {b.type}"] += b.count
    moves: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)  # (kind, job, n, lag)
    turnaround = inst.station.bogie_turnaround
    for j, job in enumerate(jobs.jobs):
        for (gauge, btype), n in job.takes.items():
            moves[f"bogies {gauge} {btype}"].append((0, j, n, 0))
        for (gauge, btype), n in job.gives.items():
            moves[f"bogies {gauge} {btype}"].append((1, j, n, turnaround))
    tracks = {t.id: t for t in inst.station.tracks}
    for hold in jobs.holds:
        if hold.hold.level == "carriage":  # a pool of the track (its jack sets)
            label = f"{hold.hold.resource.replace('_', ' ')}s {hold.track}"
            start[label] = hold.hold.capacity(tracks[hold.track])
            moves[label].append((0, hold.first, 1, 0))
            moves[label].append((1, hold.last, 1, 0))
    return {label: (start[label], m) for label, m in moves.items()}


def _train_index(inst: Instance, sol: Solution, jobs: Jobs) -> np.ndarray:
    index = {t.id: i for i, t in enumerate(inst.trains)}
    return np.array([index[sol.tasks[job.task].train] for job in jobs.jobs], dtype=np.int64)


class _Builder:
    def __init__(self, inst: Instance, sol: Solution, jobs: Jobs) -> None:
        self.inst, self.sol, self.jobs = inst, sol, jobs
        n = len(jobs.jobs)
        self.start = np.array([sol.tasks[j.task].start for j in jobs.jobs], dtype=np.int64)
        self.key = [(int(self.start[k]), *jobs.jobs[k].order) for k in range(n)]
        self.labels = _Labels()
        self.ends: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]
        self.takes: list[list[Take]] = [[] for _ in range(n)]

    def edge(self, src: int, dst: int, lag: int, label: str) -> None:
        self.ends[dst].append((src, lag, self.labels(label)))

    def precedences(self) -> None:
        for j, job in enumerate(self.jobs.jobs):
            for p in job.preds:
                self.edge(p, j, 0, WORK_ORDER)

    def resources(self) -> None:
        for label, chain in _one_at_a_time(self.jobs, self.key).items():
            for a, b in itertools.pairwise(chain):
                self.edge(a, b, 0, label)
        tracks: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for hold in self.jobs.holds:
            if hold.hold == stay():  # a block's stay on its track: one at a time
                tracks[hold.track].append((hold.first, hold.last))
        for track, spans in tracks.items():
            spans.sort(key=lambda s: self.key[s[0]])
            for (_, last), (first, _) in itertools.pairwise(spans):
                self.edge(last, first, 0, f"track {track}")

    def locomotives(self) -> None:
        for j, job in enumerate(self.jobs.jobs):
            ready = self.jobs.loco_ready.get(job.loco) if job.loco is not None else None
            if ready is not None and ready[0] is not None:
                self.edge(ready[0], j, ready[1], f"locomotive {job.loco}")

    def stocks(self) -> None:
        for label, (units, moves) in _stocks(self.inst, self.jobs).items():
            takes = sorted((m for m in moves if m[0] == 0), key=lambda m: self.key[m[1]])
            gives = [m for m in moves if m[0] == 1]
            taken = 0
            before = -1
            for _, j, n, _ in takes:
                taken += n
                take = Take(self.labels(label), before)
                before = j
                self.takes[j].append(take)
                if taken <= units:
                    continue
                mine = [g for g in gives if g[1] != j and self._before(g[1], g[3], j)]
                if not mine:
                    raise NotSimulable(f"{label}: a take the plan's returns never cover")
                take.need = taken - units
                take.givers = np.array([g[1] for g in mine], dtype=np.int64)
                take.amounts = np.array([g[2] for g in mine], dtype=np.int64)
                take.lags = np.array([g[3] for g in mine], dtype=np.int64)

    def _before(self, giver: int, lag: int, taker: int) -> bool:
        """Whether ``giver``'s units may serve ``taker``: it comes first in the plan's
        order, or its units are back by the taker's planned start (a task of 0 minutes)."""
        back = self.start[giver] + self.jobs.jobs[giver].duration + lag
        return self.key[giver] < self.key[taker] or back <= self.start[taker]

    def order(self) -> list[int]:
        """Kahn's algorithm, the earliest planned start first among the ready jobs."""
        n = len(self.jobs.jobs)
        succs: list[list[int]] = [[] for _ in range(n)]
        indegree = [0] * n
        for j in range(n):
            srcs = {src for src, _, _ in self.ends[j]}
            for take in self.takes[j]:
                srcs.update(int(g) for g in take.givers)
                if take.after >= 0:
                    srcs.add(take.after)
            for s in srcs:
                succs[s].append(j)
                indegree[j] += 1
        ready = [(self.key[j], j) for j in range(n) if indegree[j] == 0]
        heapq.heapify(ready)
        out: list[int] = []
        while ready:
            _, j = heapq.heappop(ready)
            out.append(j)
            for s in succs[j]:
                indegree[s] -= 1
                if indegree[s] == 0:
                    heapq.heappush(ready, (self.key[s], s))
        if len(out) != n:
            raise NotSimulable("the plan's orders of tasks on its resources form a cycle")
        return out

    def node(self, j: int, job: Job, crews: dict[str, int], train: int) -> Node:
        ends = self.ends[j]
        op = self.sol.tasks[job.task].op
        return Node(
            np.array([e[0] for e in ends], dtype=np.int64),
            np.array([e[1] for e in ends], dtype=np.int64),
            np.array([e[2] for e in ends], dtype=np.int64),
            self.takes[j],
            train if RULES[op].after_arrival else -1,
            crews[job.crew] if job.crew is not None else -1,
        )


def build_network(instance: Instance, solution: Solution) -> Network:
    """The network of ``solution`` (a schedule of ``instance`` that passes the checker)."""
    jobs = build_jobs(instance, solution)
    if jobs is None:
        raise NotSimulable("the plan's tasks do not match the rulebook's task graphs")
    b = _Builder(instance, solution, jobs)
    b.precedences()
    b.resources()
    b.locomotives()
    b.stocks()
    order = b.order()
    crews = {c.id: i for i, c in enumerate(instance.station.crews)}
    job_train = _train_index(instance, solution, jobs)
    nodes = [b.node(j, job, crews, int(job_train[j])) for j, job in enumerate(jobs.jobs)]
    shift_labels = [b.labels(f"shifts of crew {c}") for c in crews]
    trains = instance.trains
    plans = {p.id: p for p in solution.trains}
    return Network(
        planned_start=b.start,
        duration=np.array([job.duration for job in jobs.jobs], dtype=np.int64),
        order=order,
        nodes=nodes,
        labels=b.labels.names,
        crews=list(crews),
        crew_shifts=[Shifts.of(list(c.shifts)) for c in instance.station.crews],
        shift_labels=shift_labels,
        train_ids=[t.id for t in trains],
        arrival=np.array([t.arrival for t in trains], dtype=np.int64),
        weight=np.array([t.weight for t in trains], dtype=np.int64),
        earliest_departure=np.array([t.earliest_departure or 0 for t in trains], dtype=np.int64),
        departs_after=[
            [jobs.train_jobs[t.id][op] for op in DEPARTS_AFTER if op in jobs.train_jobs[t.id]]
            for t in trains
        ],
        planned_departure=np.array([plans[t.id].departure for t in trains], dtype=np.int64),
        job_task=[job.task for job in jobs.jobs],
        job_train=job_train,
        job_op=[solution.tasks[job.task].op for job in jobs.jobs],
    )
