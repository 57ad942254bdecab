"""Pre-check phase: reasons an instance is infeasible on its face, before any search."""

from __future__ import annotations

from gaugeopt.diagnose.precheck import infeasibility_reasons
from gaugeopt.model.solution import Solution
from gaugeopt.pipeline.state import SolveState
from gaugeopt.result import Result


def precheck(state: SolveState) -> None:
    """Set ``reasons``; if there are any, the solve ends here as ``infeasible``."""
    state.reasons = infeasibility_reasons(state.instance)
    if state.reasons:
        sol = Solution(instance=state.instance.name, status="infeasible", reasons=state.reasons)
        state.result = Result(
            state.instance,
            sol,
            runtime=state.elapsed(),
            stats=state.stats,
        )
