"""The objective: ``offset + Σ weight × end(task)`` over present tasks."""

from __future__ import annotations

from ortools.sat.python import cp_model as cp

from gaugeopt.core.cpsat.variables import Variables
from gaugeopt.core.problem import Problem


def objective_expression(
    model: cp.CpModel, problem: Problem, variables: Variables
) -> cp.LinearExprT | None:
    """Build the objective expression (``None`` when no task is weighted).

    An optional task contributes through a variable equal to its end when present and 0
    when absent (stored as :attr:`TaskVars.objective_end`).
    """
    weights: dict[int, int] = {}
    for task, weight in problem.objective:
        weights[task] = weights.get(task, 0) + weight
    terms = []
    for task, weight in weights.items():
        if weight == 0:
            continue
        tv = variables.tasks[task]
        if tv.present is None:
            terms.append(weight * tv.end)
            continue
        if tv.objective_end is None:
            oe = model.new_int_var(0, tv.hi, f"t{task}oe")
            model.add(oe == tv.end).only_enforce_if(tv.present)
            model.add(oe == 0).only_enforce_if(tv.present.Not())
            tv.objective_end = oe
        terms.append(weight * tv.objective_end)
    if not terms:
        return None
    return cp.LinearExpr.sum(terms) + problem.objective_offset
