"""Running (instance, method) jobs, each in a fresh child process, and writing the CSV.

A fresh process per job keeps measurements apart: the peak memory read in the child is that
job's, and nothing (caches, threads) carries over. Children are forked from a forkserver that
has the solver already imported, so a job does not pay the import time. A child that
overruns ``3 × time_limit + 120`` s is killed and reported with status "error".
"""

from __future__ import annotations

import csv
import io
import math
import multiprocessing as mp
import subprocess
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from gaugeopt.bench.discover import BenchInstance
from gaugeopt.bench.record import MethodResult
from gaugeopt.model.io import atomic_write_text

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


#: Imported once in the forkserver, so that every child starts with them loaded.
PRELOAD = [
    "gaugeopt.bench.methods",
    "gaugeopt.solver",
    "gaugeopt.construct",
    "gaugeopt.checker",
    "gaugeopt.core.psplib",
    "gaugeopt.core.sgs",
]


@dataclass(frozen=True)
class Job:
    """One method on one instance."""

    instance: BenchInstance
    method: str
    time_limit: float
    workers: int
    seed: int = 0

    @property
    def hard_limit(self) -> float:
        return 3 * self.time_limit + 120


def _child(conn: Connection, job: Job) -> None:
    from gaugeopt.bench.methods import run_method

    inst = job.instance
    result = run_method(job.method, inst.kind, inst.path, job.time_limit, job.workers, job.seed)
    conn.send(result)
    conn.close()


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
) -> list[MethodResult]:
    """Run every job in its own child process, at most ``parallel`` at once."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    pending = deque(jobs)
    running: dict[Any, tuple[Any, Job, float]] = {}
    results: list[MethodResult] = []

    def finish(job: Job, result: MethodResult) -> None:
        annotate(result, job)
        results.append(result)
        if on_done is not None:
            on_done(job, result)

    try:
        while pending or running:
            while pending and len(running) < parallel:
                job = pending.popleft()
                parent, child = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_child, args=(child, job), daemon=True)
                proc.start()
                child.close()  # so the parent sees EOF if the child dies without a result
                running[parent] = (proc, job, time.monotonic())
                if on_start is not None:
                    on_start(job)
            for conn in wait(list(running), timeout=1.0):
                proc, job, _ = running.pop(conn)
                try:
                    result = conn.recv()
                except EOFError:
                    proc.join()
                    result = MethodResult(
                        job.instance.name,
                        job.method,
                        "error",
                        notes=f"child process died (exit code {proc.exitcode})",
                    )
                conn.close()
                proc.join()
                finish(job, result)
            now = time.monotonic()
            for conn, (proc, job, started) in list(running.items()):
                if now - started > job.hard_limit:
                    proc.kill()
                    proc.join()
                    running.pop(conn)
                    conn.close()
                    finish(
                        job,
                        MethodResult(
                            job.instance.name,
                            job.method,
                            "error",
                            wall_time=now - started,
                            notes=f"killed after {job.hard_limit:.0f} s",
                        ),
                    )
    finally:
        for proc, _, _ in running.values():
            proc.kill()
            proc.join()
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
