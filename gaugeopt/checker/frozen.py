"""The frozen rule of replanning (docs/replanning.md), independent of the solver.

Every task of ``previous`` with ``start < now`` must appear in the new solution with the
same start, end, crew, shunter, track, locomotive, carriage and block; a train with a
frozen task other than ``detach``/``border_check`` keeps its mode and blocks (cuts and
tracks), and its locomotive once its ``attach`` is frozen; a train with a frozen task is
not cancelled. And a task that had not started by ``now`` cannot start before it: the new
solution's tasks that are not frozen start at ``now`` or later.
"""

from __future__ import annotations

from gaugeopt.checker.expected import key_of
from gaugeopt.checker.violation import Violation, task_label
from gaugeopt.model.solution import Solution, Task

#: Frozen operations that leave a train's mode, blocks and locomotive free.
_LOOSE = frozenset({"detach", "border_check"})
_FIELDS = ("start", "end", "crew", "shunter", "track", "locomotive", "carriage", "block")


def _key(t: Task) -> tuple[str, str, str | None, int | None]:
    return key_of(t.train, t.op, t.carriage, t.block)


def _label(t: Task) -> str:
    return task_label(t.op, t.carriage, t.block)


def check_frozen(previous: Solution, solution: Solution, now: int) -> list[Violation]:
    """Every way ``solution`` breaks the frozen rule for ``previous`` at ``now``."""
    frozen = [t for t in previous.tasks if t.start < now]
    new = {_key(t): t for t in solution.tasks}
    plans = {p.id: p for p in solution.trains}
    old_plans = {p.id: p for p in previous.trains}
    out: list[Violation] = []
    cancelled: set[str] = set()
    for t in frozen:
        if t.train not in plans:
            if t.train not in cancelled:
                cancelled.add(t.train)
                out.append(
                    Violation(
                        "frozen-cancelled",
                        f"train {t.train} has frozen task {_label(t)} but is not planned",
                        train=t.train,
                        task=_label(t),
                    )
                )
            continue
        got = new.get(_key(t))
        if got is None:
            out.append(
                Violation(
                    "frozen-missing",
                    f"frozen task {_label(t)} of train {t.train} is missing",
                    train=t.train,
                    task=_label(t),
                )
            )
            continue
        diffs = [
            f"{f} {getattr(t, f)} -> {getattr(got, f)}"
            for f in _FIELDS
            if getattr(t, f) != getattr(got, f)
        ]
        if diffs:
            out.append(
                Violation(
                    "frozen-changed",
                    f"frozen task {_label(t)} of train {t.train} changed: {', '.join(diffs)}",
                    train=t.train,
                    task=_label(t),
                )
            )
    structure = {t.train for t in frozen if t.op not in _LOOSE}
    attached = {t.train for t in frozen if t.op == "attach"}
    for tid in sorted(structure):
        old, cur = old_plans.get(tid), plans.get(tid)
        if old is None or cur is None:
            continue
        what = []
        if old.mode != cur.mode:
            what.append(f"mode {old.mode} -> {cur.mode}")
        blocks = [(b.track, list(b.carriages)) for b in old.blocks]
        if blocks != [(b.track, list(b.carriages)) for b in cur.blocks]:
            what.append("blocks (cuts or tracks)")
        if tid in attached and old.locomotive != cur.locomotive:
            what.append(f"locomotive {old.locomotive} -> {cur.locomotive}")
        if what:
            out.append(
                Violation(
                    "frozen-structure",
                    f"train {tid} has frozen work but changed its {', '.join(what)}",
                    train=tid,
                )
            )
    frozen_keys = {_key(t) for t in frozen}
    for t in solution.tasks:
        if t.start < now and _key(t) not in frozen_keys:
            out.append(
                Violation(
                    "frozen-past",
                    f"task {_label(t)} of train {t.train} was not started by {now} "
                    f"but starts at {t.start}",
                    train=t.train,
                    task=_label(t),
                )
            )
    return out
