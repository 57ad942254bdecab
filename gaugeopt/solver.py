"""``gaugeopt.solve``: the solve pipeline (:mod:`gaugeopt.pipeline`) over one instance."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution
from gaugeopt.params import SolveParams
from gaugeopt.pipeline import ProgressCallback, SolveState, run_phases
from gaugeopt.result import Result

__all__ = ["ProgressCallback", "solve"]


def solve(
    instance: Instance | str | os.PathLike[str],
    *,
    time_limit: float = 30.0,
    workers: int = 2,
    seed: int = 0,
    on_progress: ProgressCallback | None = None,
    warm_start: bool = True,
    stop: threading.Event | None = None,
    log: bool = False,
    params: SolveParams | None = None,
    start: Solution | None = None,
) -> Result:
    """Find a schedule of least weighted dwell for ``instance``, with a proven lower bound.

    The constructive scheduler runs first (3 % of the budget for a small train, 30 % for
    a day or a long train); its schedule seeds CP-SAT as a hint and an objective cut-off,
    so the result is never worse than it. Days then go through large-neighbourhood search
    before a last search over the whole model. The search stops at ``time_limit`` seconds,
    or when ``stop`` is set (the best schedule so far is returned). With ``workers=1`` the
    same ``seed`` gives the same schedule (see ``SolveParams.deterministic_rate``).

    Parameters
    ----------
    instance : Instance or path
        The station and its trains: an :class:`~gaugeopt.model.instance.Instance`, or the
        path of an instance file (read with :func:`read_instance`).
    time_limit : float
        Seconds the search may take (the call returns shortly after).
    workers : int
        CP-SAT search threads. With 1 the search is budgeted in deterministic time instead
        of the clock, so that a run is reproducible.
    seed : int
        Random seed of the constructive restarts and of CP-SAT.
    on_progress : callable, optional
        Called as ``on_progress(elapsed_seconds, best_objective, lower_bound)`` on every
        improving schedule.
    warm_start : bool
        Run the constructive scheduler first (off: CP-SAT starts from nothing).
    stop : threading.Event, optional
        Set it (from another thread, or a signal handler) to end the search early.
    log : bool
        Print CP-SAT's search log.
    params : SolveParams, optional
        How the time is shared between the phases (:class:`~gaugeopt.params.SolveParams`;
        default: the measured defaults).
    start : Solution, optional
        A schedule of ``instance`` that passes the checker; the warm start takes it where
        it beats the constructive one, so the result is never worse than it.

    Returns
    -------
    Result
        The schedule (``solution``), its status, objective and lower bound, the reasons
        when infeasible, and ``stats`` (:class:`~gaugeopt.result.SolveStats`):
        ``build_time``, ``warm_start_time``, ``time_to_first`` / ``time_to_best`` (seconds
        from the call to the first / last improving schedule), ``trace`` (every
        improvement) and ``phase_times``.

    Raises
    ------
    InputError
        ``instance`` is a path that cannot be read or is not a valid instance file.
    """
    t0 = time.perf_counter()
    inst = instance if isinstance(instance, Instance) else read_instance(Path(instance))
    state = SolveState(
        inst,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        params=params or SolveParams(),
        t0=t0,
        use_warm_start=warm_start,
        on_progress=on_progress,
        stop=stop,
        log=log,
        start=start,
    )
    return run_phases(state)
