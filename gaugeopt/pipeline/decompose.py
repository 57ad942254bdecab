"""Decompose phase: a day whose trains come in separate waves, solved wave by wave.

The warm schedule shows when each train leaves. Where no train is still in the station
when the next one arrives, the day splits there into **waves** (:func:`waves`): groups of
trains that never share crew, shunter, track or changer time. Each wave is solved on its
own, a small model that CP-SAT searches far better than the whole day's, in order of
arrival, against the bogies and locomotives the waves before it left
(:func:`~gaugeopt.pipeline.residual.residual_instance`) and ending before the next wave
arrives. The waves' schedules together are a schedule of the day; it replaces the warm
schedule where it is better and passes the checker, and the searches go on from it.

With ``decompose_share`` 0, a single train, or a day of one wave the phase does nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from gaugeopt.checker import check
from gaugeopt.model.instance import Instance, Train
from gaugeopt.model.solution import Solution
from gaugeopt.pipeline.residual import residual_instance, taken_locomotives
from gaugeopt.pipeline.state import SolveState, objective_of
from gaugeopt.result import Result

log = logging.getLogger("gaugeopt")

#: Solves one sub-problem: the pipeline's own phases over a state of its own.
Runner = Callable[[SolveState], Result]


def waves(inst: Instance, sol: Solution) -> list[list[Train]]:
    """The trains in order of arrival, cut wherever a train arrives at or after the
    departure (in ``sol``) of every train before it."""
    departure = {p.id: p.departure for p in sol.trains}
    out: list[list[Train]] = []
    last = -1
    for train in sorted(inst.trains, key=lambda t: (t.arrival, t.id)):
        if not out or train.arrival >= last:
            out.append([])
        out[-1].append(train)
        last = max(last, departure[train.id])
    return out


def _cars(trains: list[Train]) -> int:
    return sum(len(t.carriages) for t in trains)


def _joined(inst: Instance, parts: list[Solution]) -> Solution:
    """The waves' schedules as one schedule of ``inst``."""
    return Solution(
        instance=inst.name,
        status="feasible",
        objective=sum(objective_of(p) for p in parts),
        trains=[plan for p in parts for plan in p.trains],
        tasks=[task for p in parts for task in p.tasks],
    )


def _part(sol: Solution, inst: Instance) -> Solution:
    """``sol`` cut down to the trains of ``inst`` (its objective theirs)."""
    ids = {t.id: t.weight for t in inst.trains}
    plans = [p for p in sol.trains if p.id in ids]
    return Solution(
        instance=inst.name,
        status="feasible",
        objective=sum(ids[p.id] * p.dwell for p in plans),
        trains=plans,
        tasks=[t for t in sol.tasks if t.train in ids],
    )


def _start(state: SolveState, sub: Instance) -> Solution | None:
    """The warm schedule of the wave, where it holds against what the waves before it
    left (then the wave's solve is never worse than it)."""
    if state.warm is None:
        return None
    part = _part(state.warm, sub)
    wrong = check(sub, part)
    if wrong:
        log.debug("decompose: the warm schedule of a wave breaks a rule: %s", wrong[0])
    return None if wrong else part


def _sub_state(state: SolveState, inst: Instance, seconds: float) -> SolveState:
    """A solve of one wave: ``seconds`` of the budget, from the warm schedule's part where
    it holds, no decomposition, background restarts or explanation of its own."""
    start = _start(state, inst)
    return SolveState(
        inst,
        time_limit=seconds,
        workers=state.workers,
        seed=state.seed,
        # the day's own restarts go on beside it, so a wave needs no process of its own; a
        # wave without a schedule only means the day is kept whole: no time to say why
        params=state.params.model_copy(
            update={
                "decompose_share": 0.0,
                "background_restarts": False,
                "explain_min_seconds": 0.0,
            }
        ),
        stop=state.stop,
        start=start,
    )


def _kept(state: SolveState, later: list[list[Train]]) -> set[str]:
    """The locomotives the warm schedule gives the trains of the ``later`` waves."""
    if state.warm is None or not later:
        return set()
    ids = {t.id for part in later for t in part}
    return taken_locomotives(t for t in state.warm.tasks if t.train in ids)


def solve_waves(
    state: SolveState, parts: list[list[Train]], seconds: float, run: Runner
) -> Solution | None:
    """Each wave solved in turn (``seconds`` shared by carriages) and joined; None where
    a wave has no schedule."""
    inst = state.instance
    total = _cars(inst.trains)
    done: list[Solution] = []
    for i, wave in enumerate(parts):
        horizon = parts[i + 1][0].arrival if i + 1 < len(parts) else inst.horizon
        earlier = [t for part in parts[:i] for t in part]
        kept = _kept(state, parts[i + 1 :])
        sub = residual_instance(inst, wave, earlier, _joined(inst, done), horizon, kept)
        result = run(_sub_state(state, sub, seconds * _cars(wave) / total))
        if result.solution.objective is None or result.status not in ("optimal", "feasible"):
            log.debug(
                "decompose: wave %d of %d has no schedule (%s)", i + 1, len(parts), result.status
            )
            return None
        log.debug(
            "decompose: wave %d of %d (%d trains) %s in %.1f s: %s",
            i + 1,
            len(parts),
            len(wave),
            result.status,
            result.runtime,
            result.objective,
        )
        done.append(result.solution)
    return _joined(inst, done)


def splits(state: SolveState, sol: Solution) -> list[list[Train]] | None:
    """The waves of ``sol`` where the day is worth decomposing (switched on, several
    waves, none with more than ``decompose_max_wave`` of the carriages), else None."""
    if state.params.decompose_share <= 0 or len(state.instance.trains) < 2:
        return None
    parts = waves(state.instance, sol)
    largest = max(_cars(part) for part in parts) / _cars(state.instance.trains)
    return parts if len(parts) > 1 and largest <= state.params.decompose_max_wave else None


def decompose(state: SolveState, run: Runner) -> None:
    """Replace ``warm`` by the waves' schedule where the day has several waves, there is
    time for them (``decompose_min_seconds`` a wave) and it is better."""
    stopped = state.stop is not None and state.stop.is_set()
    if state.warm is None or stopped:
        return
    parts = splits(state, state.warm)
    seconds = state.params.decompose_share * state.search_left()
    if not parts or seconds < len(parts) * state.params.decompose_min_seconds:
        return
    joined = solve_waves(state, parts, seconds, run)
    if joined is None or objective_of(joined) >= objective_of(state.warm):
        return
    wrong = check(state.instance, joined)
    if wrong:  # a rule the waves' sub-problems did not see: keep the warm schedule
        log.warning("decompose: the waves' schedule breaks a rule: %s", wrong[0])
        return
    log.debug(
        "decompose: %d waves, %d -> %d", len(parts), objective_of(state.warm), objective_of(joined)
    )
    state.warm = joined
    state.stats.decompose_waves = len(parts)
    state.report(0.0, objective_of(joined), float(state.analytic or 0))
