"""Running (instance, method) jobs as Dask tasks (:mod:`gaugeopt.sweep`), and writing the CSV.

Each job is one task on a Dask worker process with one thread: a ``LocalCluster`` of
``--jobs`` processes, or the cluster at ``--scheduler`` (docs/cluster.md). Jobs used to run in
a fresh child process each; what that kept, and what changes:

* Peak memory: the worker's peak-RSS counter is reset when a job starts (Linux,
  ``/proc/self/clear_refs``), so ``peak_memory_mb`` is that job's peak. As in a child forked
  from the preloaded forkserver, it includes what the process already holds (the imported
  solver). Where the counter cannot be reset it is the worker process's peak so far.
* Crash isolation: a job that kills its worker process (a crash, running out of memory) is
  a row with status "error" and the run goes on; the nanny starts a fresh worker. A job past
  ``3 × time_limit + 120`` s stops its worker process the same way. On a LocalCluster such a
  job is not rerun; on a cluster of your own, Dask's ``allowed-failures`` setting applies.
* What a job leaves in its process (imports, caches) is there for the next job on that
  worker; a job no longer pays the import time, but runs are not sealed from each other.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gaugeopt.bench.discover import BenchInstance
from gaugeopt.bench.record import MethodResult
from gaugeopt.model.io import atomic_write_text
from gaugeopt.sweep import Pool, open_pool

log = logging.getLogger(__name__)

#: Leading CSV columns, in order; any further ``extra`` keys follow, sorted.
COLUMNS = [
    "set",
    "instance",
    "kind",
    "method",
    "status",
    "objective",
    "lower_bound",
    "gap",
    "best_known",
    "best_known_lb",
    "best_known_optimal",
    "deviation",
    "time_to_first",
    "time_to_best",
    "build_time",
    "wall_time",
    "peak_memory_mb",
    "valid",
    "time_limit",
    "workers",
    "code",
    "notes",
    "path",
    "trace",
]


@dataclass(frozen=True)
class Job:
    """One method on one instance."""

    instance: BenchInstance
    method: str
    time_limit: float
    workers: int | None  # CP-SAT workers; None: as many as the cores allow (gaugeopt.sweep)
    seed: int = 0
    baselines: Path | None = None  # folder of the benchmark-only baselines (pyjobshop)

    @property
    def hard_limit(self) -> float:
        return 3 * self.time_limit + 120


def reset_peak_memory() -> bool:
    """Restart this process's peak-RSS count (Linux); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def run_job(job: Job) -> MethodResult:
    """One job in this (Dask worker) process, its peak memory counted from its start."""
    from gaugeopt.bench.methods import run_method

    reset_peak_memory()
    inst = job.instance
    workers = 1 if job.workers is None else job.workers
    return run_method(
        job.method, inst.kind, inst.path, job.time_limit, workers, job.seed, job.baselines
    )


def _failed(job: Job, reason: str) -> MethodResult:
    log.warning("%s / %s: %s", job.instance.name, job.method, reason)
    return MethodResult(job.instance.name, job.method, "error", notes=reason)


def annotate(result: MethodResult, job: Job) -> MethodResult:
    """Add the set, kind, path, limits and the deviation from the best-known value."""
    inst = job.instance
    dev = None
    if inst.best_known and result.objective is not None:
        dev = (result.objective - inst.best_known) / inst.best_known
    result.extra.update(
        {
            "set": inst.set,
            "kind": inst.kind,
            "path": str(inst.path),
            "time_limit": job.time_limit,
            "workers": job.workers,
            "best_known": inst.best_known,
            "best_known_lb": inst.best_known_lb,
            "best_known_optimal": inst.best_known_optimal,
            "deviation": dev,
        }
    )
    result.extra.setdefault("trace", "")
    return result


def run_jobs(
    jobs: Iterable[Job],
    parallel: int = 1,
    on_start: Callable[[Job], None] | None = None,
    on_done: Callable[[Job, MethodResult], None] | None = None,
    *,
    scheduler: str | None = None,
    pool: Pool | None = None,
) -> list[MethodResult]:
    """Run every job as a Dask task: on ``pool``, else on the cluster at ``scheduler``, else
    on a LocalCluster of ``parallel`` processes. A job's ``workers`` None becomes the cores
    each job may use; the results (and ``on_done``) carry the jobs as run."""
    if pool is None:
        with open_pool(parallel, scheduler) as opened:
            return run_jobs(jobs, on_start=on_start, on_done=on_done, pool=opened)
    given = list(jobs)
    threads = {w: pool.cpsat_workers(w) for w in {job.workers for job in given}}  # warn once
    todo = [replace(job, workers=threads[job.workers]) for job in given]
    results: list[MethodResult] = []

    def finish(job: Job, result: MethodResult) -> None:
        annotate(result, job)
        results.append(result)
        if on_done is not None:
            on_done(job, result)

    pool.map(
        run_job,
        todo,
        failed=_failed,
        hard_limit=lambda job: job.hard_limit,
        on_start=on_start,
        on_done=finish,
    )
    return results


def code_version() -> str:
    """``git describe --always --dirty`` of the package's repository ("" outside git)."""
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def write_csv(rows: list[dict[str, Any]], path: str | Path) -> None:
    """Write rows (``MethodResult.row()`` dicts) atomically, leading columns first."""
    extra = sorted({k for r in rows for k in r} - set(COLUMNS))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS + extra, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(r.get(k)) for k in COLUMNS + extra})
    atomic_write_text(path, buf.getvalue())


def read_csv(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a results CSV as strings (empty cells as "")."""
    with Path(path).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))
