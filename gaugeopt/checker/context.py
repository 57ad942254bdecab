"""What every rule needs: instance lookups, the solution's plans and tasks, checked for shape.

A :class:`~gaugeopt.model.solution.Solution` read from a file is well typed, but one built in
code (``model_construct``) may hold anything. Malformed entries are reported here once and left
out, so that the rules can rely on types and never raise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

from gaugeopt.checker.expected import ExpectedTask, Key, expected_tasks, key_of
from gaugeopt.checker.violation import Violation, task_label
from gaugeopt.model.instance import Carriage, Instance, Train
from gaugeopt.model.solution import Op, Solution, Task, TrainPlan

OPS = frozenset(get_args(Op))
MODES = frozenset({"through", "exchange", "changer"})


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _opt_str(x: Any) -> bool:
    return x is None or isinstance(x, str)


def _task_ok(t: Any) -> bool:
    get = lambda name: getattr(t, name, ...)  # noqa: E731 - `...` marks a missing attribute
    return (
        isinstance(get("train"), str)
        and get("op") in OPS
        and _is_int(get("start"))
        and _is_int(get("end"))
        and (get("block") is None or _is_int(get("block")))
        and all(_opt_str(get(n)) for n in ("carriage", "crew", "shunter", "track", "locomotive"))
    )


def _plan_ok(p: Any) -> bool:
    blocks = getattr(p, "blocks", None)
    return (
        isinstance(getattr(p, "id", None), str)
        and getattr(p, "mode", None) in MODES
        and _is_int(getattr(p, "departure", None))
        and _is_int(getattr(p, "dwell", None))
        and _opt_str(getattr(p, "locomotive", ...))
        and isinstance(getattr(p, "ground_brake_test", False), bool)
        and isinstance(blocks, list)
        and all(
            isinstance(getattr(b, "track", None), str)
            and isinstance(getattr(b, "carriages", None), list)
            and all(isinstance(c, str) for c in b.carriages)
            for b in blocks
        )
    )


@dataclass
class Context:
    """The instance and solution, indexed for the rules."""

    inst: Instance
    sol: Solution
    violations: list[Violation] = field(default_factory=list)
    trains: dict[str, Train] = field(default_factory=dict)
    carriages: dict[str, tuple[Train, Carriage]] = field(default_factory=dict)
    #: The (first) plan of each instance train, when well formed.
    plans: dict[str, TrainPlan] = field(default_factory=dict)
    #: All well-formed tasks, in file order.
    all_tasks: list[Task] = field(default_factory=list)
    #: The first task of each key, for tasks of instance trains.
    tasks: dict[Key, Task] = field(default_factory=dict)
    #: Whether each planned train takes a ground-air brake test (its plan's ground_brake_test).
    ground: dict[str, bool] = field(default_factory=dict)
    #: Expected tasks of each train that has a plan.
    expected: dict[str, dict[Key, ExpectedTask]] = field(default_factory=dict)

    def add(
        self,
        rule: str,
        message: str,
        train: str | None = None,
        task: str | None = None,
        resource: str | None = None,
    ) -> None:
        self.violations.append(Violation(rule, message, train, task, resource))

    def get(self, train: str, op: str, carriage: str | None = None, block: int | None = None):
        """The canonical task of that key, or None."""
        return self.tasks.get(key_of(train, op, carriage, block))

    def duration(self, t: Task) -> int:
        """The duration the task must have (expected), else the one it has."""
        exp = self.expected.get(t.train, {}).get(key_of(t.train, t.op, t.carriage, t.block))
        return exp.duration if exp is not None else t.end - t.start


def label(t: Task) -> str:
    """``lift A1`` / ``shunt_in block 0`` / ``attach`` for a solution task."""
    _, op, carriage, block = key_of(t.train, t.op, t.carriage, t.block)
    return task_label(op, carriage, block)


def build_context(inst: Instance, sol: Solution) -> Context:
    """Index instance and solution; report malformed entries under ``task-fields``/``train-set``."""
    ctx = Context(inst, sol)
    for tr in inst.trains:
        ctx.trains[tr.id] = tr
        for c in tr.carriages:
            ctx.carriages[c.id] = (tr, c)

    plans = sol.trains if isinstance(sol.trains, list) else []
    for i, p in enumerate(plans):
        if not _plan_ok(p):
            ctx.add(
                "train-set",
                f"trains[{i}] is malformed (id, mode, departure, dwell, blocks, ground_brake_test)",
            )
            continue
        if p.id not in ctx.trains:
            ctx.add("train-set", f"trains[{i}] names unknown train {p.id}", train=p.id)
        elif p.id in ctx.plans:
            ctx.add("train-set", f"train {p.id} is listed more than once in trains", train=p.id)
        else:
            ctx.plans[p.id] = p
    for tid in ctx.trains:
        if tid not in ctx.plans:
            ctx.add("train-set", f"train {tid} has no entry in the solution's trains", train=tid)

    for tid, p in ctx.plans.items():
        ctx.ground[tid] = getattr(p, "ground_brake_test", False)
        ctx.expected[tid] = expected_tasks(inst, ctx.trains[tid], p.mode, p.blocks, ctx.ground[tid])

    tasks = sol.tasks if isinstance(sol.tasks, list) else []
    for i, t in enumerate(tasks):
        if not _task_ok(t):
            ctx.add("task-fields", f"tasks[{i}] is malformed (train, op, start, end or ids)")
            continue
        ctx.all_tasks.append(t)
        if t.train in ctx.trains:
            ctx.tasks.setdefault(key_of(t.train, t.op, t.carriage, t.block), t)
    return ctx
