"""The entry point: every rule of docs/model.md and docs/file-formats.md, independent of the solver."""

from __future__ import annotations

from gaugeopt.checker.context import build_context
from gaugeopt.checker.rules_bogies import check_bogies
from gaugeopt.checker.rules_crews import check_crews
from gaugeopt.checker.rules_locos import check_locos
from gaugeopt.checker.rules_plan import check_plans
from gaugeopt.checker.rules_resources import check_resources
from gaugeopt.checker.rules_summary import check_empty_status, check_summary
from gaugeopt.checker.rules_tasks import check_tasks
from gaugeopt.checker.violation import Violation
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution

STATUSES = ("optimal", "feasible", "infeasible", "unknown")


def _shape_errors(sol: Solution) -> list[Violation]:
    """Top-level fields of the wrong type (only possible for objects built without validation)."""
    errs = []
    if getattr(sol, "status", None) not in STATUSES:
        errs.append(Violation("status", f"status must be one of {', '.join(STATUSES)}"))
    if not isinstance(getattr(sol, "instance", None), str):
        errs.append(Violation("instance", "the solution names no instance"))
    obj = getattr(sol, "objective", None)
    if obj is not None and (not isinstance(obj, int) or isinstance(obj, bool)):
        errs.append(Violation("objective", f"objective must be an integer, got {obj!r}"))
    lb = getattr(sol, "lower_bound", None)
    if lb is not None and (not isinstance(lb, int | float) or isinstance(lb, bool) or lb != lb):
        errs.append(Violation("bound", f"lower_bound must be a number, got {lb!r}"))
    for name in ("trains", "tasks"):
        if not isinstance(getattr(sol, name, None), list):
            errs.append(Violation("status", f"{name} must be a list"))
    return errs


def check(instance: Instance, solution: Solution) -> list[Violation]:
    """Every rule ``solution`` breaks for ``instance``; an empty list means a valid schedule.

    Never raises for a wrong solution: unknown ids, missing or duplicate tasks and the like
    all become :class:`Violation` entries. ``infeasible``/``unknown`` solutions are only
    checked for being empty. The checker reads the contract (docs/model.md and docs/file-formats.md) on its own
    and imports no solver code.

    Parameters
    ----------
    instance : Instance
        The instance the solution claims to schedule.
    solution : Solution
        The schedule to check, e.g. ``gaugeopt.read_solution(path)`` or a
        :class:`~gaugeopt.result.Result`'s ``solution``.

    Returns
    -------
    list of Violation
        One :class:`~gaugeopt.checker.violation.Violation` per broken rule (``rule``, a
        one-line ``message``, and the ``train``, ``task`` and ``resource`` involved); empty
        when the schedule keeps every rule.
    """
    shape = _shape_errors(solution)
    if shape:
        return shape
    if solution.status in ("infeasible", "unknown"):
        return check_empty_status(solution)
    ctx = build_context(instance, solution)
    check_plans(ctx)
    check_tasks(ctx)
    check_resources(ctx)
    check_crews(ctx)
    check_bogies(ctx)
    check_locos(ctx)
    check_summary(ctx)
    return ctx.violations


__all__ = ["Violation", "check"]
