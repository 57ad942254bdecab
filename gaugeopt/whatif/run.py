"""Solving the baseline and every what-if variant, each as one Dask task (:mod:`gaugeopt.sweep`).

Every solve gets the same time limit, CP-SAT workers and seed. A variant whose edit breaks
the instance's rules is reported ``infeasible`` with the broken rule as its reason; one whose
solve fails is reported ``error``; neither stops the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import atomic_write_text, parse_instance
from gaugeopt.model.solution import Solution
from gaugeopt.sweep import open_pool
from gaugeopt.whatif.variants import Variant, variants

log = logging.getLogger(__name__)

#: The ``change`` (and ``kind``) of the unchanged instance's row.
BASELINE = "baseline"

#: Columns of :attr:`WhatIf.table` and of the CSV, in order.
COLUMNS = [
    "change",
    "kind",
    "status",
    "objective",
    "lower_bound",
    "dwell_gained",
    "proven",
    "gap",
    "runtime",
    "valid",
    "reasons",
]


@dataclass(frozen=True)
class Task:
    """One solve of the sweep: the baseline or a variant, with the shared settings."""

    change: str
    kind: str
    instance: Instance
    time_limit: float
    workers: int
    seed: int


@dataclass
class Outcome:
    """What one solve found. ``valid``: the schedule passed the checker (None: no schedule)."""

    change: str
    kind: str
    instance: Instance
    status: str
    objective: int | None = None
    lower_bound: int | float | None = None
    gap: float | None = None
    runtime: float = 0.0
    valid: bool | None = None
    reasons: list[str] = field(default_factory=list)
    solution: Solution | None = None


def broken_rule(instance: Instance) -> str | None:
    """Why an edited instance is no longer a valid instance file (None if it is)."""
    try:
        parse_instance(instance.model_dump(mode="json"))
    except InputError as exc:
        return str(exc)
    return None


def solve_task(task: Task) -> Outcome:
    """Check, solve and check again one instance (runs as a Dask task)."""
    from gaugeopt.checker import check
    from gaugeopt.solver import solve

    broken = broken_rule(task.instance)
    if broken is not None:
        return Outcome(
            task.change, task.kind, task.instance, "infeasible", reasons=[f"invalid: {broken}"]
        )
    res = solve(task.instance, time_limit=task.time_limit, workers=task.workers, seed=task.seed)
    valid = None if res.objective is None else not check(task.instance, res.solution)
    return Outcome(
        task.change,
        task.kind,
        task.instance,
        res.status,
        res.objective,
        res.lower_bound,
        res.gap,
        res.runtime,
        valid,
        list(res.reasons),
        res.solution,
    )


def _failed(task: Task, reason: str) -> Outcome:
    return Outcome(task.change, task.kind, task.instance, "error", reasons=[reason])


@dataclass
class WhatIf:
    """The baseline and every variant; :attr:`table` has them sorted by dwell gained."""

    baseline: Outcome
    variants: list[Outcome]
    time_limit: float
    workers: int
    seed: int

    def gained(self, outcome: Outcome) -> int | None:
        """Baseline objective − this objective (None unless both have a schedule)."""
        if self.baseline.objective is None or outcome.objective is None:
            return None
        return self.baseline.objective - outcome.objective

    def proven(self, outcome: Outcome) -> bool | None:
        """Whether the bounds prove the gain's sign, not just this search's luck.

        True when the variant's schedule beats the baseline's lower bound (a sure gain), its
        lower bound exceeds the baseline's schedule (a sure loss), or both are optimal.
        """
        base = self.baseline
        if self.gained(outcome) is None or base.lower_bound is None:
            return None
        assert base.objective is not None and outcome.objective is not None
        if outcome.objective < base.lower_bound:
            return True
        if outcome.lower_bound is not None and outcome.lower_bound > base.objective:
            return True
        return base.status == "optimal" and outcome.status == "optimal"

    def ranked(self) -> list[Outcome]:
        """The variants, best first: least objective (most dwell gained), no schedule last."""
        return sorted(
            self.variants,
            key=lambda o: (o.objective is None, o.objective if o.objective is not None else 0),
        )

    @property
    def table(self) -> pd.DataFrame:
        """One row per solve: the baseline first, then the variants by dwell gained."""
        rows = [
            {
                "change": o.change,
                "kind": o.kind,
                "status": o.status,
                "objective": o.objective,
                "lower_bound": o.lower_bound,
                "dwell_gained": self.gained(o),
                "proven": None if o is self.baseline else self.proven(o),
                "gap": None if o.gap is None else round(o.gap, 4),
                "runtime": round(o.runtime, 2),
                "valid": o.valid,
                "reasons": "; ".join(o.reasons),
            }
            for o in [self.baseline, *self.ranked()]
        ]
        df = pd.DataFrame(rows, columns=COLUMNS)
        for col in ("objective", "dwell_gained"):
            df[col] = df[col].astype("Int64")
        if all(float(v).is_integer() for v in df["lower_bound"].dropna()):
            df["lower_bound"] = df["lower_bound"].astype("Int64")
        return df

    def write_csv(self, path: str | Path) -> Path:
        """The table as CSV (the baseline's row first), written atomically."""
        atomic_write_text(path, self.table.to_csv(index=False))
        return Path(path)


def whatif(
    instance: Instance | str | Path,
    *,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    serial: bool | None = None,
    on_start: Callable[[str], None] | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> WhatIf:
    """Solve ``instance`` and each of its variants (:func:`~gaugeopt.whatif.variants.variants`):
    one resource more or one less, to see which changes the plan most.

    A script that starts a LocalCluster (``jobs`` > 1 without ``scheduler``) must guard its
    top level with ``if __name__ == "__main__":`` (its worker processes import it).

    Parameters
    ----------
    instance : Instance or path
        The instance whose variants are solved (a path is read with :func:`read_instance`).
    time_limit : float
        Seconds for each solve.
    seed : int
        Random seed of every solve.
    workers : int, optional
        CP-SAT threads per solve (default: the cores left for each, see
        :mod:`gaugeopt.sweep`).
    jobs : int
        Solves at once, on a Dask LocalCluster of that many processes.
    scheduler : str, optional
        Address of a Dask cluster (``tcp://host:8786``) to run the solves on instead.
    serial : bool, optional
        One solve after the other in this process, without Dask (default: when ``jobs`` is
        1 and there is no ``scheduler``).
    on_start : callable, optional
        Called as ``on_start(change)`` when a solve starts.
    on_done : callable, optional
        Called as ``on_done(outcome)`` with each :class:`~gaugeopt.whatif.run.Outcome`.

    Returns
    -------
    WhatIf
        The baseline and every variant; ``.table`` is a DataFrame sorted by dwell gained,
        ``.write_csv(path)`` writes it (:class:`~gaugeopt.whatif.run.WhatIf`).

    Raises
    ------
    InputError
        ``instance`` is a path that cannot be read or is not a valid instance file.
    """
    if serial is None:
        serial = jobs == 1 and scheduler is None
    if not isinstance(instance, Instance):
        from gaugeopt.model.io import read_instance

        instance = read_instance(instance)
    plan: list[Variant] = [Variant(BASELINE, BASELINE, instance), *variants(instance)]
    with open_pool(jobs, scheduler, serial=serial) as pool:
        threads = pool.cpsat_workers(workers)
        tasks = [Task(v.change, v.kind, v.instance, time_limit, threads, seed) for v in plan]
        log.info(
            "what-if: %d solves of %g s, %d CP-SAT workers each", len(tasks), time_limit, threads
        )
        outcomes = pool.map(
            solve_task,
            tasks,
            failed=_failed,
            hard_limit=lambda t: 3 * t.time_limit + 120,
            on_start=None if on_start is None else lambda t: on_start(t.change),
            on_done=None if on_done is None else lambda _t, o: on_done(o),
        )
    return WhatIf(outcomes[0], outcomes[1:], time_limit, threads, seed)
