"""Sweeps on Dask: a LocalCluster of 2 processes gives what a serial run gives; a task that
fails or kills its worker becomes one failed row; CP-SAT threads never oversubscribe."""

from __future__ import annotations

import logging
import math
import time
from pathlib import Path

import dask
import pytest
from budget import DETERMINISTIC
from random_instances import random_instance

from gaugeopt import sweep
from gaugeopt.bench.discover import discover
from gaugeopt.bench.runner import Job, run_jobs
from gaugeopt.errors import InputError
from gaugeopt.generate import generate
from gaugeopt.model.io import write_instance
from gaugeopt.sweep import cpsat_workers, host_share, open_pool
from gaugeopt.whatif.run import whatif


@pytest.fixture(scope="module")
def pool():
    with open_pool(2, cores=2) as opened:
        yield opened


def test_local_cluster_of_two_processes(pool) -> None:
    nthreads = pool.client.nthreads()
    assert list(nthreads.values()) == [1, 1]  # two worker processes, one thread each
    assert all(addr.startswith("tcp://127.0.0.1:") for addr in nthreads)  # loopback only
    assert pool.share == 1 and pool.cpsat_workers(None) == 1


def test_results_in_item_order_and_failures_become_rows(pool) -> None:
    started, done = [], []
    got = pool.map(
        math.sqrt,
        [4.0, -1.0, 9.0, 16.0],
        failed=lambda item, reason: f"failed {item}: {reason}",
        on_start=started.append,
        on_done=lambda item, result: done.append(item),
    )
    assert got[0] == 2.0 and got[2:] == [3.0, 4.0]
    assert got[1].startswith("failed -1.0: ValueError: math domain error")
    assert sorted(started) == sorted(done) == [-1.0, 4.0, 9.0, 16.0]


def test_a_task_past_its_hard_limit_stops_its_worker_not_the_sweep(pool) -> None:
    got = pool.map(
        time.sleep,
        [0.01, 60.0, 0.01, 0.01],
        failed=lambda item, reason: reason,
        hard_limit=lambda item: 1.0,
    )
    # The 60 s task became a failure row (its worker was stopped), the others finished.
    assert got[0] is None and got[2:] == [None, None]
    assert "worker process died" in got[1]


def test_whatif_on_two_processes_matches_serial(monkeypatch) -> None:
    monkeypatch.setattr(sweep, "usable_cores", lambda: 2)
    inst = random_instance(11)  # every solve optimal well inside the limit
    serial = whatif(inst, time_limit=2, workers=1, seed=3, serial=True, params=DETERMINISTIC)
    parallel = whatif(inst, time_limit=2, workers=1, seed=3, jobs=2, params=DETERMINISTIC)
    assert parallel.workers == 1
    cols = ["change", "status", "objective", "lower_bound"]
    assert parallel.table[cols].equals(serial.table[cols])


def test_bench_jobs_run_as_dask_tasks(pool, tmp_path: Path) -> None:
    for seed in (3, 9):
        write_instance(generate("single", seed, "small"), tmp_path / f"tiny-{seed}.json")
    jobs = [Job(inst, "greedy", 0.5, None, 0) for inst in discover([tmp_path])]
    seen: list[Job] = []
    rows = run_jobs(jobs, on_done=lambda job, _r: seen.append(job), pool=pool)
    assert sorted(r.instance for r in rows) == ["tiny-3", "tiny-9"]
    for r in rows:
        assert r.status == "feasible" and r.valid is True
        assert r.extra["workers"] == 1  # None became the cores each task may use
        assert r.peak_memory_mb is not None and r.peak_memory_mb > 0
    assert all(job.workers == 1 for job in seen)


def test_cpsat_workers_never_oversubscribe(caplog) -> None:
    assert cpsat_workers(None, 8) == 8
    assert cpsat_workers(None, 0) == 1
    assert cpsat_workers(2, 4) == 2
    with caplog.at_level(logging.WARNING, logger="gaugeopt"):
        assert cpsat_workers(4, 2) == 2
    assert "oversubscribe" in caplog.text


def test_host_share_counts_threads_per_host() -> None:
    threads = {"tcp://10.0.0.1:1": 2, "tcp://10.0.0.1:2": 2, "tcp://10.0.0.2:1": 1}
    cores = {"tcp://10.0.0.1:1": 16, "tcp://10.0.0.1:2": 16, "tcp://10.0.0.2:1": 8}
    assert host_share(threads, cores) == 4  # 16 cores / 4 threads on the first host


def test_jobs_above_the_cores_are_lowered(caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="gaugeopt"), open_pool(3, cores=1) as one:
        assert list(one.client.nthreads().values()) == [1]
    assert "--jobs 3" in caplog.text


def test_unreachable_scheduler_is_an_input_error() -> None:
    with (
        dask.config.set({"distributed.comm.timeouts.connect": "1s"}),
        pytest.raises(InputError, match=r"^--scheduler: cannot reach a Dask scheduler"),
        open_pool(scheduler="tcp://127.0.0.1:9"),
    ):
        pass


@pytest.mark.parametrize(
    ("files", "cores"),
    [
        ({"cpu.max": "200000 100000\n"}, 2),
        ({"cpu.max": "150000 100000\n"}, 2),  # 1.5 cores: rounded up
        ({"cpu.max": "max 100000\n"}, None),
        ({"cpu/cpu.cfs_quota_us": "300000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 3),
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
        ({}, None),
    ],
)
def test_cgroup_cpu_quota(tmp_path: Path, files: dict[str, str], cores: int | None) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert sweep.cgroup_cpu_limit(tmp_path) == cores
