"""One reading of a schedule, derived from the rulebook.

Everything that reads a finished :class:`~gaugeopt.model.solution.Solution` — the report, the
utilisation table, the exports, the warm-start hint, the decoder, left-justify — asks this
module what an operation *is* instead of naming operations: its level (:func:`task_key`),
its skill (:func:`skill`), its place in a train's order (:data:`OP_ORDER`), whether it takes
a shunter, the changer, the outbound locomotive or moves bogies (:data:`SHUNTER_OPS`,
:data:`CHANGER_OPS`, :data:`HAUL_OPS`, :data:`BOGIE_OPS`), and which tasks bound each
:data:`~gaugeopt.rules.rulebook.HOLDS` hold (:meth:`Reading.occupancies`: a block on its track,
a lifted carriage on its jack sets). An operation or a hold the rulebook gains is read
everywhere without a change here.

The solution file keeps its own list of operation names (``gaugeopt.model.solution.Op``,
below the rulebook in the layers); importing this module checks that it names the
rulebook's operations in the rulebook's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from gaugeopt.model.solution import Op, Solution, Task
from gaugeopt.rules.rulebook import HOLDS, OPS, RULES, Hold, Level

#: Every operation, in the order a train goes through them (the rulebook's order).
OP_ORDER: tuple[str, ...] = tuple(r.op for r in OPS)
#: Each operation's place in :data:`OP_ORDER`.
OP_RANK: dict[str, int] = {op: i for i, op in enumerate(OP_ORDER)}
#: The operations that take a shunter, the changer, the outbound locomotive (at their
#: start), and the ones whose bogies leave at their start and come back after their end.
SHUNTER_OPS: frozenset[str] = frozenset(r.op for r in OPS if r.shunter)
CHANGER_OPS: frozenset[str] = frozenset(r.op for r in OPS if r.changer)
HAUL_OPS: frozenset[str] = frozenset(r.op for r in OPS if r.locomotive)
BOGIE_OPS: frozenset[str] = frozenset(r.op for r in OPS if r.bogies)

if get_args(Op) != OP_ORDER:  # pragma: no cover - a mismatch is a programming error
    raise ImportError(
        "gaugeopt.model.solution.Op must name the rulebook's operations in its order: "
        f"{get_args(Op)} != {OP_ORDER}"
    )

#: A task's identity in a schedule: (train, op, carriage of a carriage op, block of a
#: block op); the other two are None.
TaskKey = tuple[str, str, str | None, int | None]


def skill(op: str) -> str:
    """The skill the crew of an ``op`` task needs."""
    return RULES[op].skill


def level(op: str) -> Level:
    """Whether ``op`` is done once per train, per block or per carriage."""
    return RULES[op].level


def task_key(task: Task) -> TaskKey:
    """A solution task's identity: carriage tasks by carriage, block tasks by block."""
    lvl = RULES[task.op].level
    return (
        task.train,
        task.op,
        task.carriage if lvl == "carriage" else None,
        task.block if lvl == "block" else None,
    )


@dataclass(frozen=True)
class Occupancy:
    """One instance of a hold in a schedule: ``track`` (or its jack sets) held for the
    block ``block`` of ``train`` (and its carriage ``carriage`` for a carriage-level hold)
    from the start of ``first`` to the end of ``last``."""

    hold: Hold
    train: str
    block: int
    carriage: str | None
    track: str
    first: Task
    last: Task

    @property
    def start(self) -> int:
        return self.first.start

    @property
    def end(self) -> int:
        return self.last.end


class Reading:
    """A schedule indexed once: its tasks by :func:`task_key` (the first task of a key
    where a broken file repeats one) and its holds."""

    def __init__(self, solution: Solution) -> None:
        self.solution = solution
        self.plans = {p.id: p for p in solution.trains}
        self.tasks: dict[TaskKey, Task] = {}
        for t in solution.tasks:
            self.tasks.setdefault(task_key(t), t)

    def task(
        self, train: str, op: str, carriage: str | None = None, block: int | None = None
    ) -> Task | None:
        """The ``op`` task of ``train`` (of its ``carriage`` or ``block`` by the op's level)."""
        lvl = RULES[op].level
        key = (
            train,
            op,
            carriage if lvl == "carriage" else None,
            block if lvl == "block" else None,
        )
        return self.tasks.get(key)

    def carriages_of(self, task: Task) -> list[str]:
        """The carriages ``task`` covers: its own (carriage level), its block's (block
        level) or every carriage of its train's blocks (train level), as the plan lists
        them; none where the plan does not know the task's train or block."""
        lvl = RULES[task.op].level
        if lvl == "carriage":
            return [] if task.carriage is None else [task.carriage]
        plan = self.plans.get(task.train)
        if plan is None:
            return []
        if lvl == "block":
            if task.block is None or not 0 <= task.block < len(plan.blocks):
                return []
            return list(plan.blocks[task.block].carriages)
        return [c for block in plan.blocks for c in block.carriages]

    def occupancies(self, hold: Hold) -> list[Occupancy]:
        """Every instance of ``hold`` in the schedule, train by train, block by block and
        carriage by carriage as the plans list them: its start and end operations' tasks on
        the track of the block, whatever the track's method (a consumer that counts jack
        sets looks at the tracks of ``hold.methods`` only). An instance whose start or end
        task is missing is left out."""
        out: list[Occupancy] = []
        for plan in self.solution.trains:
            for b, block in enumerate(plan.blocks):
                owners = block.carriages if hold.level == "carriage" else [None]
                for car in owners:
                    first = self.task(plan.id, hold.start_op, car, b)
                    last = self.task(plan.id, hold.end_op, car, b)
                    if first is not None and last is not None:
                        out.append(Occupancy(hold, plan.id, b, car, block.track, first, last))
        return out

    def holds(self) -> dict[Hold, list[Occupancy]]:
        """:meth:`occupancies` of every hold of the rulebook."""
        return {h: self.occupancies(h) for h in HOLDS}
