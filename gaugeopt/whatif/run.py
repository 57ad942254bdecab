"""Solving the baseline and every what-if variant, each as one Dask task (:mod:`gaugeopt.sweep`).

Every solve gets the same time limit, CP-SAT workers and seed. The baseline is solved first;
each variant then starts from the baseline's schedule where that schedule still passes the
checker on the variant (always, for one resource more): the search takes it as its warm
start, and it is returned when the search finds nothing better, so one resource more can
never be reported as a loss. Each variant reports its own lower bound. A difference the
bounds do not prove (smaller than the baseline's gap plus the variant's, in minutes) is
``within the gap``, ranked after the proven gains.

A variant whose edit breaks the instance's rules is reported ``infeasible`` with the broken
rule as its reason; an infeasible variant names its root cause (the pre-checks of
``validate``, else the most loaded resource); one whose solve fails is reported ``error``;
none of these stops the sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gaugeopt.diagnose.load import root_cause_line
from gaugeopt.diagnose.precheck import infeasibility_reasons
from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import atomic_write_text, parse_instance
from gaugeopt.model.solution import Solution
from gaugeopt.params import SolveParams
from gaugeopt.sweep import open_pool
from gaugeopt.whatif.variants import variants

log = logging.getLogger(__name__)

#: The ``change`` (and ``kind``) of the unchanged instance's row.
BASELINE = "baseline"

#: Verdicts, in the order the variants are ranked: proven gains, differences the bounds
#: leave open, no difference found, proven losses, then no schedule (its status).
GAIN, OPEN, SAME, LOSS = "gain", "within the gap", "no change", "loss"
VERDICTS = (GAIN, OPEN, SAME, LOSS)

#: Columns of :attr:`WhatIf.table` and of the CSV, in order.
COLUMNS = [
    "change",
    "kind",
    "status",
    "objective",
    "lower_bound",
    "dwell_gained",
    "proven",
    "verdict",
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
    start: Solution | None = None  # the baseline's schedule, where it may still hold
    params: SolveParams | None = None


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
    kept_baseline: bool = False  # the search found nothing better than the baseline's plan


def broken_rule(instance: Instance) -> str | None:
    """Why an edited instance is no longer a valid instance file (None if it is)."""
    try:
        parse_instance(instance.model_dump(mode="json"))
    except InputError as exc:
        return str(exc)
    return None


def root_causes(instance: Instance, reasons: list[str]) -> list[str]:
    """The reasons of an infeasible instance, its root cause first: the pre-checks' (as
    ``validate`` gives them), else the most loaded resource's line (the load analysis)."""
    first = infeasibility_reasons(instance) or [f"root cause: {root_cause_line(instance)}"]
    return [*first, *(r for r in reasons if r not in first)]


def _usable_start(task: Task) -> Solution | None:
    """The baseline's schedule when it passes the checker on this variant."""
    from gaugeopt.checker import check

    if task.start is None or task.start.objective is None:
        return None
    return task.start if not check(task.instance, task.start) else None


def solve_task(task: Task) -> Outcome:
    """Check, solve and check again one instance (runs as a Dask task)."""
    from gaugeopt.checker import check
    from gaugeopt.solver import solve

    broken = broken_rule(task.instance)
    if broken is not None:
        return Outcome(
            task.change, task.kind, task.instance, "infeasible", reasons=[f"invalid: {broken}"]
        )
    start = _usable_start(task)
    res = solve(
        task.instance,
        time_limit=task.time_limit,
        workers=task.workers,
        seed=task.seed,
        start=start,
        params=task.params,
    )
    out = Outcome(
        task.change,
        task.kind,
        task.instance,
        res.status,
        res.objective,
        res.lower_bound,
        res.gap,
        res.runtime,
        None if res.objective is None else not check(task.instance, res.solution),
        list(res.reasons),
        res.solution,
    )
    floor = None if start is None else start.objective
    if start is not None and floor is not None and (out.objective is None or floor < out.objective):
        _keep(out, start)
    if out.status == "infeasible":
        out.reasons = root_causes(task.instance, out.reasons)
    return out


def _keep(out: Outcome, start: Solution) -> None:
    """Fall back on the baseline's schedule (valid here), with the variant's own bound."""
    assert start.objective is not None
    out.status, out.objective, out.solution = "feasible", start.objective, start
    out.valid, out.kept_baseline = True, True
    if out.lower_bound is not None and out.lower_bound >= start.objective:
        out.status = "optimal"
    bound = out.lower_bound
    out.gap = (
        None
        if bound is None or not start.objective
        else (start.objective - bound) / start.objective
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

    def slack(self, outcome: Outcome) -> float | None:
        """The baseline's gap plus this variant's, in minutes (None: a bound is missing)."""
        total = 0.0
        for o in (self.baseline, outcome):
            if o.objective is None or o.lower_bound is None:
                return None
            total += o.objective - o.lower_bound
        return total

    def verdict(self, outcome: Outcome) -> str:
        """``gain`` or ``loss`` where the bounds prove it, ``within the gap`` where they
        leave it open, ``no change`` where the objectives are equal; the status (infeasible,
        unknown, error) for a variant with no schedule."""
        gained = self.gained(outcome)
        if gained is None:
            return outcome.status
        if self.proven(outcome) and gained:
            return GAIN if gained > 0 else LOSS
        return SAME if gained == 0 else OPEN

    def ranked(self) -> list[Outcome]:
        """The variants: proven gains (most dwell gained first), those within the gap, no
        change, proven losses, then those with no schedule."""

        def key(o: Outcome) -> tuple[int, int]:
            v = self.verdict(o)
            group = VERDICTS.index(v) if v in VERDICTS else len(VERDICTS)
            return group, -(self.gained(o) or 0)

        return sorted(self.variants, key=key)

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
                "verdict": None if o is self.baseline else self.verdict(o),
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
    params: SolveParams | None = None,
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
    params : SolveParams, optional
        The tuning of every solve (:class:`~gaugeopt.params.SolveParams`; e.g. its
        ``clock_slack`` for solves of one worker that the clock must not decide).

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
    plan = variants(instance)
    with open_pool(jobs, scheduler, serial=serial) as pool:
        threads = pool.cpsat_workers(workers)
        log.info(
            "what-if: %d solves of %g s, %d CP-SAT workers each", 1 + len(plan), time_limit, threads
        )

        def run(tasks: list[Task]) -> list[Outcome]:
            return pool.map(
                solve_task,
                tasks,
                failed=_failed,
                hard_limit=lambda t: 3 * t.time_limit + 120,
                on_start=None if on_start is None else lambda t: on_start(t.change),
                on_done=None if on_done is None else lambda _t, o: on_done(o),
            )

        (base,) = run([Task(BASELINE, BASELINE, instance, time_limit, threads, seed, None, params)])
        start = base.solution if base.objective is not None else None
        tasks = [
            Task(v.change, v.kind, v.instance, time_limit, threads, seed, start, params)
            for v in plan
        ]
        outcomes = run(tasks)
    return WhatIf(base, outcomes, time_limit, threads, seed)
