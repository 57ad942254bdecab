"""A schedule's tasks as jobs: durations, predecessors and what each one holds, by the rulebook.

Every task of a solution becomes a :class:`Job` whose duration, release, predecessors,
bogie movements and locomotive come from its train's task graph
(:func:`gaugeopt.rules.task_graph` for the plan's mode, blocks and ground-air choice); the
resources it was given (crew, shunter, track, locomotive) are read from the solution and
are never changed. :data:`gaugeopt.rules.HOLDS` gives the intervals that span two tasks:
a block's occupation of its track and a carriage's jack set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from gaugeopt.model.instance import Carriage, Instance, Train
from gaugeopt.model.solution import Solution, Task, TrainPlan
from gaugeopt.rules import HOLDS, LOCO_FREED_BY, BlockSpec, Hold, TaskNode, task_graph
from gaugeopt.rules.reading import TaskKey, task_key

#: Bogies of one (gauge, type).
BogieKey = tuple[int, str]


@dataclass
class Job:
    """One task of the schedule, as the left-justification pass sees it."""

    task: int  # index in the solution's tasks
    order: tuple[int, int]  # (train index, node index): breaks ties between equal starts
    duration: int
    release: int
    preds: list[int] = field(default_factory=list)  # job indices
    crew: str | None = None  # set only when the task lasts > 0
    units: list[str] = field(default_factory=list)  # shunter, changer: one task at a time
    takes: dict[BogieKey, int] = field(default_factory=dict)  # bogies leaving at its start
    gives: dict[BogieKey, int] = field(default_factory=dict)  # ... joining at end + turnaround
    loco: str | None = None  # the locomotive it takes at its start
    opens: list[int] = field(default_factory=list)  # holds it starts (indices)


@dataclass(frozen=True)
class HoldSpan:
    """``hold`` (a :data:`~gaugeopt.rules.HOLDS` entry: its resource, capacity and
    closures) on ``track``, held from the start of job ``first`` to the end of job
    ``last``."""

    hold: Hold
    track: str
    first: int
    last: int


@dataclass
class Jobs:
    """Every job of a schedule, with the holds and locomotive releases they imply."""

    jobs: list[Job] = field(default_factory=list)
    holds: list[HoldSpan] = field(default_factory=list)
    #: Locomotive id -> (the job whose end frees it, or None, and minutes added).
    loco_ready: dict[str, tuple[int | None, int]] = field(default_factory=dict)
    #: Train id -> op -> job, for the train-level jobs (departure waits for some).
    train_jobs: dict[str, dict[str, int]] = field(default_factory=dict)


def _node_key(train: Train, node: TaskNode) -> TaskKey:
    level = node.rule.level
    car = train.carriages[node.carriage].id if node.carriage is not None else None
    return (
        train.id,
        node.op,
        car if level == "carriage" else None,
        node.block if level == "block" else None,
    )


def block_specs(inst: Instance, train: Train, plan: TrainPlan) -> list[BlockSpec] | None:
    """The plan's blocks as the rulebook's BlockSpecs (None: a block names something unknown)."""
    index = {c.id: j for j, c in enumerate(train.carriages)}
    method = {t.id: t.method for t in inst.station.tracks}
    specs = []
    for b in plan.blocks:
        if b.track not in method or any(c not in index for c in b.carriages):
            return None
        specs.append(BlockSpec(tuple(index[c] for c in b.carriages), method[b.track]))
    return specs


def _covered(train: Train, node: TaskNode, specs: Sequence[BlockSpec]) -> list[Carriage]:
    """The carriages one task covers: its own, its block's, or the whole train's."""
    if node.rule.level == "carriage" and node.carriage is not None:
        return [train.carriages[node.carriage]]
    if node.rule.level == "block" and node.block is not None:
        return [train.carriages[j] for j in specs[node.block].carriages]
    return list(train.carriages)


def _bogies(train: Train, cars: list[Carriage]) -> tuple[dict[BogieKey, int], dict[BogieKey, int]]:
    """Bogies of the new gauge that leave the stock, and of the old one that join it."""
    takes: dict[BogieKey, int] = defaultdict(int)
    gives: dict[BogieKey, int] = defaultdict(int)
    for c in cars:
        takes[(train.to_gauge, c.bogie_type)] += c.bogies
        gives[(train.from_gauge, c.bogie_type)] += c.bogies
    return dict(takes), dict(gives)


def _job(t: Task, i: int, order: tuple[int, int], node: TaskNode) -> Job:
    """The job of solution task ``t`` (index ``i``), on the rulebook's ``node``."""
    rule = node.rule
    job = Job(i, order, node.duration, node.release)
    if node.duration > 0:
        job.crew = t.crew
        if rule.shunter and t.shunter is not None:
            job.units.append(f"shunter {t.shunter}")
        if rule.changer:
            job.units.append("changer")
    if rule.locomotive:
        job.loco = t.locomotive
    return job


def _hold_spans(
    hold: Hold, nodes: list[TaskNode], first: int, plan: TrainPlan, specs: Sequence[BlockSpec]
) -> list[HoldSpan]:
    """Every instance of ``hold`` in one train's graph (its jobs numbered from ``first``),
    on blocks whose track's method the hold applies to."""

    def where(n: TaskNode) -> int | None:
        return n.carriage if hold.level == "carriage" else n.block

    ends = {(n.op, where(n)): first + k for k, n in enumerate(nodes)}
    spans = []
    for k, n in enumerate(nodes):
        if n.op != hold.start_op or n.block is None or specs[n.block].method not in hold.methods:
            continue
        last = ends.get((hold.end_op, where(n)))
        if last is not None:
            spans.append(HoldSpan(hold, plan.blocks[n.block].track, first + k, last))
    return spans


def _add_train(
    inst: Instance,
    ti: int,
    plan: TrainPlan,
    tasks: list[Task],
    at: dict[TaskKey, int],
    out: Jobs,
    strict: bool = True,
) -> bool:
    """Add one train's jobs to ``out``; False when the solution lacks one of its tasks or
    (``strict``) gives one a duration other than the rulebook's (the schedule is then left
    alone)."""
    train = inst.train(plan.id)
    specs = block_specs(inst, train, plan)
    if specs is None:
        return False
    nodes = task_graph(inst, train, plan.mode, specs, ground=plan.ground_brake_test)
    found = [at.get(_node_key(train, n)) for n in nodes]
    if any(
        i is None or (strict and tasks[i].end - tasks[i].start != n.duration)
        for i, n in zip(found, nodes, strict=True)
    ):
        return False
    first = len(out.jobs)
    for k, (node, i) in enumerate(zip(nodes, found, strict=True)):
        assert i is not None  # checked above
        job = _job(tasks[i], i, (ti, k), node)
        job.preds = [first + p for p in node.preds]
        if node.rule.bogies:
            job.takes, job.gives = _bogies(train, _covered(train, node, specs))
        if node.rule.level == "train":
            out.train_jobs.setdefault(train.id, {})[node.op] = first + k
        out.jobs.append(job)
    for hold in HOLDS:
        for span in _hold_spans(hold, nodes, first, plan, specs):
            out.jobs[span.first].opens.append(len(out.holds))
            out.holds.append(span)
    return True


def _loco_ready(inst: Instance, out: Jobs) -> None:
    """When each locomotive is free: a station one from ``available_from``, a train's
    inbound one from the end of that train's :data:`LOCO_FREED_BY` + loco_turnaround."""
    for loco in inst.station.locomotives:
        out.loco_ready[loco.id] = (None, loco.available_from)
    for train in inst.trains:
        freed = out.train_jobs.get(train.id, {}).get(LOCO_FREED_BY)
        if train.inbound_loco is not None and freed is not None:
            out.loco_ready[train.inbound_loco.id] = (freed, inst.station.loco_turnaround)


def build_jobs(inst: Instance, sol: Solution, *, strict: bool = True) -> Jobs | None:
    """Every task of ``sol`` as a job, or None when the solution does not match the
    rulebook's task graphs one to one (then there is nothing safe to move). Not ``strict``:
    a task may last other than the rulebook says (its job takes the rulebook's duration)."""
    at = {task_key(t): i for i, t in enumerate(sol.tasks)}
    if len(at) != len(sol.tasks):
        return None
    order = {t.id: ti for ti, t in enumerate(inst.trains)}
    out = Jobs()
    for plan in sol.trains:
        if plan.id not in order or not _add_train(
            inst, order[plan.id], plan, sol.tasks, at, out, strict
        ):
            return None
    if len(out.jobs) != len(sol.tasks):
        return None
    _loco_ready(inst, out)
    return out
