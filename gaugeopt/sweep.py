"""Independent solves as Dask tasks: on a LocalCluster of ``jobs`` processes, or a cluster.

:func:`open_pool` gives a :class:`Pool`; ``Pool.map(fn, items, failed=...)`` runs ``fn`` on
every item, each as one Dask task, and returns the results in item order. A task that raises,
or whose worker process dies (a crash, memory, or past its ``hard_limit``), becomes
``failed(item, reason)``: one bad item never stops the sweep.

* ``scheduler=None``: a ``LocalCluster`` of ``jobs`` worker processes with one thread each,
  bound to 127.0.0.1, no dashboard, no memory limit; a task whose worker dies is not retried.
* ``scheduler="tcp://host:8786"``: joins that cluster (see docs/cluster.md); the cluster's
  own settings apply. Instance files named by path must be readable there at the same path.
* ``serial=True``: no Dask at all; every item in this process, one after the other.

At most as many tasks are handed to the scheduler as the cluster has worker threads, so that
a task is dispatched when a slot is free (``on_start`` is called then) and no task queued
behind a dying one dies with it.

CP-SAT threads: :meth:`Pool.cpsat_workers` keeps tasks × CP-SAT workers within the cores of
each machine (per host: cores // worker threads on that host); a request above that share
is lowered to it with a logged warning.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from gaugeopt.errors import InputError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: Seconds to wait for the first worker of an existing cluster (e.g. a SLURM job in a queue).
WAIT_FOR_WORKERS = 300.0
#: Exit code of a worker process stopped by its task's hard limit.
HARD_LIMIT_EXIT = 70


def cgroup_cpu_limit(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """The CPU quota of this process's cgroup in whole cores, rounded up (None: no quota).

    A container's CPU limit (Kubernetes ``resources.limits.cpu``, ``docker --cpus``) is a
    quota, not an affinity: ``os.sched_getaffinity`` still reports every core of the node.
    """
    for quota_file, period_file in (
        (root / "cpu.max", None),  # cgroup v2: "<quota> <period>" or "max <period>"
        (root / "cpu" / "cpu.cfs_quota_us", root / "cpu" / "cpu.cfs_period_us"),  # v1
    ):
        try:
            fields = quota_file.read_text().split()
            if period_file is not None:
                fields.append(period_file.read_text().strip())
            quota, period = int(fields[0]), int(fields[1])
        except (OSError, ValueError, IndexError):  # absent, "max", or unreadable
            continue
        if quota > 0 and period > 0:
            return max(1, -(-quota // period))
        return None
    return None


def usable_cores() -> int:
    """The cores this process may use: its CPU affinity (e.g. under SLURM), capped by its
    cgroup's CPU quota (e.g. in a Kubernetes pod); at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    limit = cgroup_cpu_limit()
    return max(1, cores if limit is None else min(cores, limit))


def cpsat_workers(requested: int | None, share: int) -> int:
    """CP-SAT threads per task: ``requested`` if it fits in ``share`` cores, else the share."""
    allowed = max(1, share)
    if requested is None:
        return allowed
    if requested > allowed:
        log.warning(
            "--workers %d would oversubscribe the cores: %d CP-SAT workers per task instead",
            requested,
            allowed,
        )
        return allowed
    return requested


def host_share(threads: dict[str, int], cores: dict[str, int]) -> int:
    """Cores per worker thread on the most crowded host (addresses → threads, → cores)."""
    from distributed.comm import get_address_host

    per_host_threads: dict[str, int] = {}
    per_host_cores: dict[str, int] = {}
    for addr, n in threads.items():
        host = get_address_host(addr)
        per_host_threads[host] = per_host_threads.get(host, 0) + n
        per_host_cores[host] = max(per_host_cores.get(host, 0), cores.get(addr, 1))
    if not per_host_threads:
        return 1
    return min(per_host_cores[h] // max(1, n) for h, n in per_host_threads.items())


def describe(exc: BaseException) -> str:
    """One line saying why a task failed."""
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        return "its worker process died (a crash, out of memory, or past its hard limit)"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _stop_process(limit: float) -> None:
    log.error("task past its hard limit of %.0f s: stopping this worker process", limit)
    os._exit(HARD_LIMIT_EXIT)


def guarded(fn: Callable[[T], R], item: T, hard_limit: float | None) -> R:
    """Run ``fn(item)`` in a Dask worker; past ``hard_limit`` seconds the worker process exits."""
    timer = None
    if hard_limit is not None:
        timer = threading.Timer(hard_limit, _stop_process, args=(hard_limit,))
        timer.daemon = True
        timer.start()
    try:
        return fn(item)
    finally:
        if timer is not None:
            timer.cancel()


class Pool:
    """Where a sweep's tasks run: a Dask client, or this process (``client`` None)."""

    def __init__(self, client: Any | None, share: int) -> None:
        self.client = client
        #: Cores for the CP-SAT threads of one task.
        self.share = share

    def cpsat_workers(self, requested: int | None) -> int:
        """CP-SAT workers per task (see :func:`cpsat_workers`)."""
        return cpsat_workers(requested, self.share)

    def slots(self) -> int:
        """Tasks that may run at once (the cluster's worker threads now; 1 in this process)."""
        if self.client is None:
            return 1
        return max(1, sum(self.client.nthreads().values()))

    def map(
        self,
        fn: Callable[[T], R],
        items: Iterable[T],
        *,
        failed: Callable[[T, str], R],
        hard_limit: Callable[[T], float] | None = None,
        on_start: Callable[[T], None] | None = None,
        on_done: Callable[[T, R], None] | None = None,
    ) -> list[R]:
        """``fn`` on every item, as Dask tasks; the results in item order."""
        todo = list(items)
        results: dict[int, R] = {}

        def finish(i: int, result: R) -> None:
            results[i] = result
            if on_done is not None:
                on_done(todo[i], result)

        if self.client is None:
            for i, item in enumerate(todo):
                if on_start is not None:
                    on_start(item)
                try:
                    result = fn(item)
                except Exception as exc:  # a failed row, never a failed sweep
                    result = failed(item, describe(exc))
                finish(i, result)
        else:
            self._dispatch(fn, todo, failed, hard_limit, on_start, finish)
        return [results[i] for i in range(len(todo))]

    def _dispatch(
        self,
        fn: Callable[[T], R],
        todo: list[T],
        failed: Callable[[T, str], R],
        hard_limit: Callable[[T], float] | None,
        on_start: Callable[[T], None] | None,
        finish: Callable[[int, R], None],
    ) -> None:
        from distributed import as_completed

        client = self.client
        assert client is not None
        pending = deque(enumerate(todo))
        index: dict[str, int] = {}
        running = as_completed()

        def top_up() -> None:
            while pending and len(index) < self.slots():
                i, item = pending.popleft()
                limit = None if hard_limit is None else hard_limit(item)
                future = client.submit(guarded, fn, item, limit, pure=False)
                index[future.key] = i
                running.add(future)
                if on_start is not None:
                    on_start(item)

        top_up()
        for future in running:
            i = index.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # the task raised, or its worker died
                reason = describe(exc)
                log.debug("task %d failed: %s", i, reason)
                result = failed(todo[i], reason)
            future.release()
            finish(i, result)
            top_up()


def _connect(scheduler: str) -> Any:
    from distributed import Client

    try:
        return Client(scheduler)
    except (OSError, ValueError, TypeError) as exc:  # unreachable, refused, bad address
        text = " ".join(str(exc).split())
        raise InputError(
            f"cannot reach a Dask scheduler at {scheduler!r} ({text})", path="--scheduler"
        ) from None


def _cluster_share(client: Any) -> int:
    try:
        client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
    except TimeoutError:
        raise InputError(
            f"no Dask worker joined within {WAIT_FOR_WORKERS:.0f} s", path="--scheduler"
        ) from None
    return host_share(client.nthreads(), client.run(usable_cores))


@contextmanager
def open_pool(
    jobs: int = 1,
    scheduler: str | None = None,
    *,
    serial: bool = False,
    cores: int | None = None,
) -> Iterator[Pool]:
    """A :class:`Pool` for one sweep; its cluster (or connection) is closed at the end.

    ``jobs``: worker processes of the LocalCluster (at most ``cores``, default: the cores
    this process may use). ``scheduler``: the address of an existing cluster instead;
    :class:`~gaugeopt.errors.InputError` if it cannot be reached or no worker joins.
    """
    cores = usable_cores() if cores is None else max(1, cores)
    if serial:
        yield Pool(None, cores)
        return
    if scheduler is not None:
        client = _connect(scheduler)
        try:
            yield Pool(client, _cluster_share(client))
        finally:
            client.close()
        return
    if jobs > cores:
        log.warning("--jobs %d is more than the %d cores: %d jobs instead", jobs, cores, cores)
        jobs = cores
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=jobs,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit=0,  # no memory cap of Dask's own: a large solve is not killed for it
        scheduler_kwargs={
            "allowed_failures": 0,  # a task whose worker dies is not rerun
            "dashboard": False,
            "dashboard_address": "127.0.0.1:0",  # its HTTP endpoint: loopback, a free port
        },
    )
    try:
        with Client(cluster) as client:
            yield Pool(client, cores // jobs)
    finally:
        cluster.close()
