"""A simulation: a plan checked, its network built, its runs drawn and propagated in chunks.

Runs are split into chunks of :data:`CHUNK_RUNS`; chunk ``k`` draws its delays from its own
stream (:func:`gaugeopt.simulate.delays.chunk_rng`) and is one task of the Dask sweep
(:mod:`gaugeopt.sweep`), so a simulation gives the same numbers for the same seed whether it
runs in this process, on ``jobs`` local processes or on a cluster. On Dask the chunks are
shared out in one task per worker thread, each with the pickled network.
"""

from __future__ import annotations

import itertools
import logging
import os
import pickle
import time
import uuid
from dataclasses import dataclass
from typing import Any

from gaugeopt.checker import Violation, check
from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance, read_solution
from gaugeopt.model.solution import Solution
from gaugeopt.simulate.delays import DelayModel, chunk_rng, draw_delays, parse_delays, read_delays
from gaugeopt.simulate.network import Network, build_network
from gaugeopt.simulate.propagate import Batch, propagate
from gaugeopt.simulate.stats import Simulation
from gaugeopt.sweep import open_pool

log = logging.getLogger("gaugeopt")

#: Runs per chunk: one Dask task, one random stream. Fixed, so that the draws of a run do
#: not depend on how many processes share the work.
CHUNK_RUNS = 250


class NoPlan(ValueError):
    """A solution without a schedule (infeasible or unknown): nothing to simulate."""


class PlanRefused(ValueError):
    """A plan that breaks a rule of the contract: the checker's violations."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        shown = "; ".join(str(v) for v in violations[:3])
        more = f" (and {len(violations) - 3} more)" if len(violations) > 3 else ""
        super().__init__(f"the plan breaks {len(violations)} rule(s): {shown}{more}")


@dataclass(frozen=True)
class Work:
    """Consecutive chunks of runs for one Dask task. The network travels pickled once
    (``net``, under ``key``), not once per chunk: a worker unpickles it once per simulation."""

    key: str
    net: bytes
    model: DelayModel
    seed: int
    chunks: tuple[tuple[int, int], ...]  # (chunk index, runs)
    scale: float


#: The network a worker process unpickled last, by key.
_NETWORK: dict[str, Network] = {}


def run_chunk(
    net: Network, model: DelayModel, seed: int, index: int, runs: int, scale: float
) -> Batch:
    """Draw and propagate the runs of chunk ``index``."""
    rng = chunk_rng(seed, index)
    arrival, overrun = draw_delays(model, net.train_ids, net.job_op, net.duration, rng, runs, scale)
    return propagate(net, arrival, overrun)


def run_work(work: Work) -> list[Batch]:
    """The chunks of one Dask task, in order."""
    if work.key not in _NETWORK:
        _NETWORK.clear()
        _NETWORK[work.key] = pickle.loads(work.net)
    net = _NETWORK[work.key]
    return [run_chunk(net, work.model, work.seed, k, n, work.scale) for k, n in work.chunks]


def _failed(work: Work, reason: str) -> list[Batch]:
    raise RuntimeError(f"simulation chunks {work.chunks[0][0]}.. failed: {reason}")


def chunk_sizes(runs: int) -> list[tuple[int, int]]:
    """(index, runs) of each chunk of :data:`CHUNK_RUNS` runs (the last may be smaller)."""
    return [(k, min(CHUNK_RUNS, runs - k * CHUNK_RUNS)) for k in range(-(-runs // CHUNK_RUNS))]


def _shares(chunks: list[tuple[int, int]], slots: int) -> list[tuple[tuple[int, int], ...]]:
    """The chunks split into ``slots`` runs of consecutive chunks, as even as they go."""
    n = min(len(chunks), max(1, slots))
    cuts = [round(i * len(chunks) / n) for i in range(n + 1)]
    return [tuple(chunks[a:b]) for a, b in itertools.pairwise(cuts)]


def _model(delays: DelayModel | dict[str, Any] | str | os.PathLike[str] | None) -> DelayModel:
    if delays is None:
        return DelayModel()
    if isinstance(delays, DelayModel):
        return delays
    if isinstance(delays, dict):
        return parse_delays(delays)
    return read_delays(delays)


def _task_rows(sol: Solution, net: Network) -> list[dict[str, Any]]:
    rows = []
    for i in net.job_task:
        t = sol.tasks[i]
        where = (
            t.carriage
            if t.carriage is not None
            else (f"block {t.block}" if t.block is not None else None)
        )
        rows.append(
            {
                "task": " ".join(x for x in (t.train, t.op, where) if x is not None),
                "train": t.train,
                "op": t.op,
                "carriage": t.carriage,
                "block": t.block,
                "crew": t.crew,
            }
        )
    return rows


def prepare(instance: Instance, solution: Solution) -> Network:
    """The network of a plan that passes the checker; :class:`NoPlan` or
    :class:`PlanRefused` otherwise."""
    if solution.status not in ("optimal", "feasible") or not solution.tasks:
        raise NoPlan(f"the solution holds no schedule (status {solution.status})")
    violations = check(instance, solution)
    if violations:
        raise PlanRefused(violations)
    return build_network(instance, solution)


def simulate(
    instance: Instance | str | os.PathLike[str],
    solution: Solution | str | os.PathLike[str],
    *,
    runs: int = 1000,
    seed: int = 0,
    delays: DelayModel | dict[str, Any] | str | os.PathLike[str] | None = None,
    delay_scale: float = 1.0,
    jobs: int = 1,
    scheduler: str | None = None,
    serial: bool | None = None,
) -> Simulation:
    """Carry out ``solution`` ``runs`` times under random delays (docs/simulation.md).

    ``delays``: the delay model (a :class:`DelayModel`, a dict, or a TOML/JSON file; default:
    :class:`DelayModel`'s defaults, see docs/simulation.md); ``delay_scale`` multiplies
    every drawn delay (0: the plan itself). ``jobs`` processes on a LocalCluster, or the Dask
    cluster at ``scheduler``; ``serial`` (default when ``jobs`` is 1 and no scheduler): in
    this process. The same ``seed`` gives the same result however the runs are shared out.
    Raises :class:`NoPlan`, :class:`PlanRefused` (the plan breaks a rule) or
    :class:`~gaugeopt.errors.InputError` (a bad delay model or setting).
    """
    t0 = time.perf_counter()
    inst = instance if isinstance(instance, Instance) else read_instance(instance)
    sol = solution if isinstance(solution, Solution) else read_solution(solution)
    if runs < 1:
        raise InputError(f"must be at least 1, got {runs}", path="runs")
    if not delay_scale >= 0:
        raise InputError(f"must be >= 0, got {delay_scale}", path="delay_scale")
    model = _model(delays)
    model.check_names(inst)
    net = prepare(inst, sol)
    chunks = chunk_sizes(runs)
    if serial is None:
        serial = jobs == 1 and scheduler is None
    with open_pool(jobs, scheduler, serial=serial) as pool:
        if pool.client is None:
            batches = [run_chunk(net, model, seed, k, n, delay_scale) for k, n in chunks]
        else:
            blob, key = pickle.dumps(net), uuid.uuid4().hex
            works = [
                Work(key, blob, model, seed, share, delay_scale)
                for share in _shares(chunks, pool.slots())
            ]
            batches = [b for done in pool.map(run_work, works, failed=_failed) for b in done]
    sim = Simulation.combine(
        batches,
        instance=inst.name,
        runs=runs,
        seed=seed,
        delay_scale=delay_scale,
        delays=model,
        train_ids=net.train_ids,
        arrival=net.arrival,
        weight=net.weight,
        planned_departure=net.planned_departure,
        crews=net.crews,
        labels=net.labels,
        tasks=_task_rows(sol, net),
    )
    sim.runtime = time.perf_counter() - t0
    log.info("simulation: %d runs in %.2f s", runs, sim.runtime)
    return sim
