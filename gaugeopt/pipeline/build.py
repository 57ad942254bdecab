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


def too_late(state: SolveState) -> bool:
    """Whether too little time is left to build the model and search it: with a warm
    schedule in hand, less than ``build_min_left_passes`` constructive first passes; without
    one, none at all. Once ``stop`` is set no search would run on it."""
    if state.stop is not None and state.stop.is_set():
        return True
    if state.warm is None:
        return state.left() <= 0
    return state.left() < state.params.build_min_left_passes * state.pass_seconds


def build(state: SolveState) -> None:
    """Set ``model``, ``warm_values`` and ``hint`` (None without a warm schedule, or one the
    model cannot express), and ``cp_params`` (presolve probing off on large models).

    Near the time limit (:func:`too_late`) the model is not built: ``model`` stays None and
    the warm schedule is what the solve returns."""
    if too_late(state):
        return
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
