"""Time limits, Ctrl-C and atomic output files.

* The solver keeps to its time limit by its own clock; with one worker the clock is read
  ``clock_slack`` times slower, so a slower machine gives the same schedule.
* ``gaugeopt solve`` stopped with SIGINT exits 0 with the best schedule so far, written
  whole and valid.
* Every output file (solution, report) is written atomically: a failure while writing
  leaves no partial file, and an existing file intact.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from random_instances import random_instance
from typer.testing import CliRunner

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.cli import app
from gaugeopt.model.io import read_instance, read_solution, write_solution
from gaugeopt.model.solution import Solution
from gaugeopt.params import SolveParams
from gaugeopt.pipeline import SolveState

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "instances" / "examples"
TINY = ROOT / "tests" / "data" / "checker" / "instance.json"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(("workers", "left", "wall"), [(1, 3.0 - 2.0 / 4, 4.0), (2, 1.0, 1.0)])
def test_the_budget_clock_runs_clock_slack_times_slower_with_one_worker(
    workers: int, left: float, wall: float
) -> None:
    """Every phase takes its clock limit from ``left()`` and gives sub-solves ``wall()``: with
    one worker the clock is read ``clock_slack`` times slower (a safety net behind the
    deterministic budgets); with several it is the budget itself."""
    state = SolveState(
        random_instance(47),
        time_limit=3.0,
        workers=workers,
        seed=0,
        params=SolveParams(clock_slack=4.0),
    )
    state.elapsed = lambda: 2.0  # type: ignore[method-assign]  # 2 s have passed
    assert state.left() == pytest.approx(left)
    assert state.wall(1.0) == pytest.approx(wall)


def test_a_slower_machine_gives_the_same_schedule_within_the_clock_slack(monkeypatch) -> None:
    """One worker: a machine 8 times slower (its clock read 8 times faster) ends every
    search by the same deterministic budgets when clock_slack is 20, so the schedule and
    the neighbourhoods tried are the same."""
    inst = random_instance(47)  # neighbourhoods and a full search both run
    params = SolveParams(clock_slack=20.0, lns_min_seconds=0.0, lns_step_seconds=0.5)
    idle = gaugeopt.solve(inst, time_limit=2.0, workers=1, params=params)
    real = SolveState.elapsed
    monkeypatch.setattr(SolveState, "elapsed", lambda self: 8 * real(self))
    slow = gaugeopt.solve(inst, time_limit=2.0, workers=1, params=params)
    assert idle.stats.lns and slow.stats.lns == idle.stats.lns
    assert slow.solution.tasks == idle.solution.tasks


def test_preset_stop_returns_a_checked_schedule() -> None:
    """A stop already set: the search ends at once and keeps the warm-start schedule."""
    stop = threading.Event()
    stop.set()
    result = gaugeopt.solve(EXAMPLES / "brest-passenger.json", time_limit=60, stop=stop)
    assert result.status in ("optimal", "feasible")
    assert check(result.instance, result.solution) == []
    assert result.stats.lns == {}  # no neighbourhood was searched


def _collect(stream, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def _drain(lines: queue.Queue[str]) -> str:
    out = []
    while not lines.empty():
        out.append(lines.get())
    return "".join(out)


@pytest.mark.slow
def test_sigint_keeps_the_best_schedule(tmp_path: Path) -> None:
    target = tmp_path / "erenhot.solution.json"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gaugeopt",
            "solve",
            str(EXAMPLES / "erenhot-day.json"),
            "--time-limit",
            "120",
            "--out",
            str(target),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    errors: queue.Queue[str] = queue.Queue()
    output: queue.Queue[str] = queue.Queue()
    readers = [
        threading.Thread(target=_collect, args=(proc.stderr, errors), daemon=True),
        threading.Thread(target=_collect, args=(proc.stdout, output), daemon=True),
    ]
    for r in readers:
        r.start()
    first = ""
    # The first progress line (a schedule exists), or give up waiting after a while.
    with contextlib.suppress(queue.Empty):
        first = errors.get(timeout=30)
    time.sleep(0.5)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=100)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("solve did not stop after SIGINT")
    for r in readers:
        r.join(timeout=10)
    stderr, stdout = first + _drain(errors), _drain(output)
    assert proc.returncode == 0, (stdout[-2000:], stderr)
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    assert time.monotonic() - started < 100  # stopped well before the 120 s limit
    assert f"solution written to {target}" in stdout
    sol = read_solution(target)  # complete, valid JSON of the solution model
    assert sol.status in ("optimal", "feasible")
    assert check(read_instance(EXAMPLES / "erenhot-day.json"), sol) == []
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def _fail_replace(*_: object) -> None:
    raise OSError(28, "No space left on device")


def test_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "sol.json"
    sol = Solution(instance="x", status="unknown")
    monkeypatch.setattr(os, "replace", _fail_replace)
    with pytest.raises(OSError):
        write_solution(sol, target)
    assert list(tmp_path.iterdir()) == []
    # An existing file survives a failed overwrite untouched.
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(OSError):
        write_solution(sol, target)
    assert [p.name for p in tmp_path.iterdir()] == ["sol.json"]
    assert target.read_text(encoding="utf-8") == "previous"


def test_cli_write_failure_exits_2_without_partial_file(
    runner: CliRunner, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "sol.json"
    monkeypatch.setattr(os, "replace", _fail_replace)
    result = runner.invoke(app, ["solve", str(TINY), "-t", "2", "-q", "--out", str(target)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and f"{target}: cannot write" in lines[0], result.stderr
    assert list(tmp_path.iterdir()) == []


def test_cli_out_is_a_directory(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", str(TINY), "-t", "2", "-q", "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.stderr and len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".html", ".png"])
def test_every_cli_output_is_renamed_into_place(
    runner: CliRunner, tmp_path: Path, monkeypatch, suffix: str
) -> None:
    """Solution and report files reach their names only by an atomic rename."""
    renamed: list[Path] = []
    real_replace = os.replace

    def spy(src, dst, *args, **kwargs):
        renamed.append(Path(dst))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", spy)
    sol, gantt, report = (tmp_path / n for n in ("s.json", f"g{suffix}", f"r{suffix}"))
    args = ["solve", str(TINY), "-t", "2", "-q", "--out", str(sol), "--gantt", str(gantt)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["report", str(TINY), str(sol), "--out", str(report)])
    assert result.exit_code == 0, result.output
    # A printable PNG report may have more pages (g-2.png, ...): each also arrives by rename.
    assert renamed[0] == sol and renamed.index(gantt) < renamed.index(report)
    assert all(p.name.startswith(("g", "r")) for p in renamed[1:])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in renamed)
    assert json.loads(sol.read_text(encoding="utf-8"))["status"] in ("optimal", "feasible")


def test_a_set_stop_ends_the_constructive_restarts_after_one_pass() -> None:
    # Ctrl-C during the warm start used to wait for its whole share of the time limit
    # (35 s of a 120 s solve of the Erenhot day)
    from gaugeopt.construct.search import MultiStart

    inst = read_instance(EXAMPLES / "erenhot-day.json")
    stop = threading.Event()
    stop.set()
    search = MultiStart(inst, seed=0)
    sol = search.run(time_limit=60.0, restarts=None, stop=stop)
    assert search.passes == 1
    assert sol is not None and check(inst, sol) == []
    free = MultiStart(inst, seed=0)
    free.run(time_limit=math.inf, restarts=2)
    assert free.passes > 1
