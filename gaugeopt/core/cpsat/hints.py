"""Turn a :class:`~gaugeopt.core.result.CoreHint` into CP-SAT hints.

Besides the hinted tasks and literals, the auxiliary variables that follow from them
(durations, mode and selection literals, conjunctions, objective ends, window splits) are
hinted too, so that a complete hint is a complete solution hint.
"""

from __future__ import annotations

from typing import cast

from ortools.sat.python import cp_model as cp
from ortools.sat.python.cp_model_helper import Literal as CpLit

from gaugeopt.core.cpsat.constraints import Constraints
from gaugeopt.core.cpsat.variables import ModeVars, TaskVars, Variables
from gaugeopt.core.problem import Duration, Mode, Problem, Task
from gaugeopt.core.result import CoreHint, TaskHint


class _Hints:
    """Hinted values by variable index (one value per variable, last write wins)."""

    def __init__(self) -> None:
        self.values: dict[int, tuple[cp.IntVar, int]] = {}

    def set(self, var: cp.IntVar | CpLit | None, value: int | bool | None) -> None:
        if var is None or value is None or isinstance(var, int):
            return
        value = int(value)
        if var.index < 0:  # a negated literal: hint its variable
            var, value = var.Not(), 1 - value
        self.values[var.index] = (cast(cp.IntVar, var), value)  # a positive literal: an IntVar

    def get(self, var: cp.IntVar | CpLit | None) -> int | None:
        if var is None:
            return 1
        if var.index < 0:
            got = self.values.get(-var.index - 1)
            return None if got is None else 1 - got[1]
        got = self.values.get(var.index)
        return None if got is None else got[1]


def _size(mode: Mode, mv: ModeVars, hints: _Hints, variables: Variables) -> int | None:
    """The duration of a mode implied by hinted literals, if known."""
    if isinstance(mv.size, int):
        return mv.size
    duration = mode.duration
    if not isinstance(duration, Duration):
        return None  # a span: follows from start and end
    total = duration.constant
    for lit, coef in duration.terms:
        value = hints.get(variables.lit(lit))
        if value is None:
            return None
        total += coef * value
    return total


def _absent(task: Task, tv: TaskVars, hints: _Hints, variables: Variables) -> None:
    hints.set(tv.present, 0)
    hints.set(tv.start, tv.lo)
    hints.set(tv.end, tv.lo + tv.shortest)
    hints.set(tv.objective_end, 0)
    for k, mv in enumerate(tv.modes):
        if len(tv.modes) > 1:
            hints.set(mv.literal, 0)
        if not isinstance(mv.size, int):
            # A size tied to literals holds even when the task is absent.
            size = _size(task.modes[k], mv, hints, variables)
            hints.set(mv.size, mv.size_min if size is None else size)
        for ch in mv.choices:
            for x in ch.literals:
                if x is not mv.literal:
                    hints.set(x, 0)


def _present(
    task_index: int, h: TaskHint, problem: Problem, variables: Variables, hints: _Hints
) -> int | None:
    """Hint a present task; return its end if known."""
    task, tv = problem.tasks[task_index], variables.tasks[task_index]
    hints.set(tv.present, 1)
    k = h.mode if h.mode is not None else (0 if len(tv.modes) == 1 else None)
    start, end = h.start, h.end
    hints.set(tv.start, start)
    for j, (mode, mv) in enumerate(zip(task.modes, tv.modes, strict=True)):
        chosen = j == k
        if len(tv.modes) > 1 and k is not None:
            hints.set(mv.literal, chosen)
        size = _size(mode, mv, hints, variables)
        if chosen and start is not None:
            if end is None and size is not None:
                end = start + size
            elif size is None and end is not None:
                size = end - start
        if size is None and not chosen and k is not None:
            size = mv.size_min  # an unused span mode: any size in its domain
        if not isinstance(mv.size, int):
            hints.set(mv.size, size)
        for c, ch in enumerate(mv.choices):
            picked = h.resources[c] if chosen and h.resources and c < len(h.resources) else None
            if not chosen and k is None:
                continue
            for r, x in zip(ch.resources, ch.literals, strict=True):
                if x is not mv.literal and (picked is not None or not chosen):
                    hints.set(x, r == picked)
    hints.set(tv.end, end)
    return end


def apply_hint(
    model: cp.CpModel,
    problem: Problem,
    variables: Variables,
    constraints: Constraints,
    hint: CoreHint,
) -> int:
    """Add the hint (and what follows from it) to ``model``; return the number of hints."""
    values = hint_values(problem, variables, constraints, hint)
    for var, value in values.values():
        model.add_hint(var, value)
    return len(values)


def hint_values(
    problem: Problem,
    variables: Variables,
    constraints: Constraints,
    hint: CoreHint,
) -> dict[int, tuple[cp.IntVar, int]]:
    """The value of every variable the hint determines, by CP-SAT variable index."""
    hints = _Hints()
    for index, value in hint.bools.items():
        hints.set(variables.bools[index], value)
    ends: dict[int, int] = {}
    present: dict[int, bool] = {}
    for i, h in hint.tasks.items():
        tv = variables.tasks[i]
        is_present = h.present if h.present is not None else (True if tv.present is None else None)
        if is_present is None:
            continue
        present[i] = is_present
        if not is_present:
            _absent(problem.tasks[i], tv, hints, variables)
            continue
        end = _present(i, h, problem, variables, hints)
        if end is not None:
            ends[i] = end
    for s in problem.spans:  # a span task ends with its last task
        if present.get(s.task) and s.task not in ends and s.last in ends:
            tv = variables.tasks[s.task]
            ends[s.task] = ends[s.last]
            hints.set(tv.end, ends[s.task])
            start = hints.get(tv.start)
            if start is not None:
                for mv in tv.modes:
                    if not isinstance(mv.size, int) and hints.get(mv.literal):
                        hints.set(mv.size, ends[s.task] - start)
    for i, tv in enumerate(variables.tasks):
        if tv.objective_end is not None and present.get(i) and i in ends:
            hints.set(tv.objective_end, ends[i])
    for result, operands in variables.conjunction_defs:
        values = [hints.get(x) for x in operands]
        if None not in values:
            hints.set(result, all(values))
    for result, operands in constraints.any_defs:
        values = [hints.get(x) for x in operands]
        if None not in values:
            hints.set(result, any(values))
    for var, terms, const in constraints.sum_defs:
        known = [v for v in (hints.get(x) for x, _ in terms) if v is not None]
        if len(known) == len(terms):
            hints.set(var, const + sum(c * x for (_, c), x in zip(terms, known, strict=True)))
    for task, before, boundary in constraints.window_splits:
        if present.get(task) is False:
            hints.set(before, 0)
        elif task in ends:
            hints.set(before, ends[task] <= boundary)
    return hints.values
