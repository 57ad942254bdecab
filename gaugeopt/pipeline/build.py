"""Build phase: the CP-SAT model, and the warm schedule on it as a hint."""

from __future__ import annotations

import time

from gaugeopt.core.result import CoreHint, TaskHint
from gaugeopt.gauge.build import build as build_model
from gaugeopt.gauge.hint import ModelValues, solution_values
from gaugeopt.pipeline.state import SolveState


def hint_of(values: ModelValues) -> CoreHint:
    """A CP-SAT hint of every task and literal."""
    tasks = {
        i: TaskHint(True, values.start[i], 0, values.resources[i], values.end[i])
        if values.present[i]
        else TaskHint(False)
        for i in range(len(values.present))
    }
    return CoreHint(tasks, dict(values.bools))


def build(state: SolveState) -> None:
    """Set ``model``, ``warm_values`` and ``hint`` (None without a warm schedule, or one the
    model cannot express), and ``cp_params`` (presolve probing off on large models)."""
    t = time.perf_counter()
    model = build_model(state.instance, dwell_bounds=state.dwell_bounds)
    state.stats.build_time = time.perf_counter() - t
    state.model = model
    state.stats.tasks = len(model.problem.tasks)
    state.stats.literals = len(model.problem.bool_names)
    if state.warm is not None:
        try:
            state.warm_values = solution_values(model, state.warm)
        except (KeyError, StopIteration):  # a warm schedule the model cannot express
            state.warm_values = None
    if state.warm_values is not None:
        state.hint = hint_of(state.warm_values)
    if len(model.problem.tasks) > state.params.probing_off_above_tasks:
        state.cp_params["cp_model_probing_level"] = 0
