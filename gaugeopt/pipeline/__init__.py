"""The phases of :func:`gaugeopt.solve`, run in order over one :class:`SolveState`.

1. ``precheck`` — reasons the instance is infeasible on its face (the solve ends there);
2. ``warm_start`` — the constructive scheduler's schedule, first, as early as possible;
3. ``bounds`` — the search-free lower bounds (unless the warm start worked them out);
4. ``decompose`` — a day of separate waves of trains, solved wave by wave;
5. ``build`` — the CP-SAT model, and the warm schedule on it as a hint;
6. ``probe`` — on a single train, a short search over the whole model, which ends the
   searches where it proves its schedule optimal;
7. ``neighbourhood_search`` — large-neighbourhood search from the best schedule so far;
8. ``full_search`` — one search over the whole model from the best schedule so far;
9. ``finish`` — the proven bound, the decoded schedule and its status.

With several workers, on a day, the warm start's constructive restarts go on in a process of
their own from the end of the warm start to the end of the searches
(:mod:`~gaugeopt.pipeline.background`); ``finish`` ends it and keeps its schedule where it
is the best, and the solve never ends with it still running.

Each phase is a function of the state that fills in its own part of it (see
:class:`~gaugeopt.pipeline.state.SolveState`); the wall time of each goes to
``stats.phase_times`` under its name.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# The modules, not their functions: each phase function has its module's name.
from gaugeopt.pipeline import (
    background,
    bounds,
    build,
    decompose,
    finish,
    full_search,
    neighbourhood_search,
    precheck,
    probe,
    warm_start,
)
from gaugeopt.pipeline.state import ProgressCallback, SolveState
from gaugeopt.result import Result

Phase = Callable[[SolveState], None]

#: The phases in the order they run, by name.
PHASES: tuple[tuple[str, Phase], ...] = (
    ("precheck", precheck.precheck),
    ("warm_start", warm_start.warm_start),
    ("bounds", bounds.bounds),
    ("decompose", lambda state: decompose.decompose(state, run_phases)),
    ("build", build.build),
    ("probe", probe.probe),
    ("neighbourhood_search", neighbourhood_search.neighbourhood_search),
    ("full_search", full_search.full_search),
    ("finish", finish.finish),
)


def run_phases(state: SolveState) -> Result:
    """Run the phases until one sets ``state.result`` (``finish`` always does); no bound
    is left working after the call."""
    try:
        for name, phase in PHASES:
            t = time.perf_counter()
            phase(state)
            state.stats.phase_times[name] = time.perf_counter() - t
            if state.result is not None:
                return state.result
    finally:
        background.halt(state)
        bounds.settle_bounds(state)
    raise RuntimeError("no phase settled the result")


__all__ = ["PHASES", "Phase", "ProgressCallback", "SolveState", "run_phases"]
