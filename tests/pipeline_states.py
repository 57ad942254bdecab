"""Solve states part-way through the pipeline, for the tests of its phases."""

from __future__ import annotations

from budget import CLOCK_SLACK

from gaugeopt.construct.search import MultiStart
from gaugeopt.gauge.hint import as_core_result, solution_values
from gaugeopt.model.solution import Solution
from gaugeopt.params import SolveParams
from gaugeopt.pipeline import PHASES, SolveState


def state_of(
    inst, *, time_limit: float = 3.0, workers: int = 1, warm: bool = True, **params
) -> SolveState:
    return SolveState(
        inst,
        time_limit=time_limit,
        workers=workers,
        seed=0,
        params=SolveParams(clock_slack=CLOCK_SLACK, **params),
        use_warm_start=warm,
    )


def run_through(state: SolveState, last: str) -> SolveState:
    """Run the phases up to and including ``last``."""
    for name, phase in PHASES:
        phase(state)
        if name == last:
            return state
    raise AssertionError(f"no phase {last!r}")


def from_first_rule(state: SolveState) -> Solution:
    """Put a built state back at the first priority rule's schedule alone, as if the warm
    start had stopped there (its restarts then go on from the second rule)."""
    state.restarts = MultiStart(state.instance, seed=0)
    first = state.restarts.run(time_limit=0.0)
    assert first is not None and first.objective is not None
    model = state.require_model()
    state.warm = first
    state.incumbent = as_core_result(model, solution_values(model, first), first.objective)
    return first
