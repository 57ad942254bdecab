"""The constructive restarts in a process beside CP-SAT: they go on with the greedy's own
passes, their best reaches the result, the process never outlives the solve (stop, end,
exception, a dead parent), a failing process leaves the solve standing, and one worker
starts none."""

from __future__ import annotations

import math
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import psutil
import pytest
from random_instances import random_instance

from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.construct.restart_child import Go
from gaugeopt.construct.search import MultiStart
from gaugeopt.gauge.hint import as_core_result, solution_values
from gaugeopt.model.solution import Solution
from gaugeopt.params import SolveParams
from gaugeopt.pipeline import PHASES, SolveState, run_phases
from gaugeopt.pipeline import background as bg
from gaugeopt.pipeline.portfolio import take_background

#: Three trains: the first priority rule gives 634, later passes 623.
SEED = 5
#: A safety net only: how long a test waits for the child (a few passes take milliseconds).
PATIENCE = 120.0


def stopped_state(workers: int, **params: object) -> SolveState:
    """A solve whose stop is set from the start: the warm start makes its first pass only
    and every search ends at once, so nothing in it depends on the clock (the child goes
    on until it is halted: it does not see the solve's stop)."""
    stop = threading.Event()
    stop.set()
    return SolveState(
        random_instance(SEED),
        time_limit=600.0,
        workers=workers,
        seed=0,
        params=SolveParams(**params),
        stop=stop,
    )


def run_until(state: SolveState, last: str, first: str = "precheck") -> None:
    """Run the phases from ``first`` up to and including ``last``."""
    names = [name for name, _ in PHASES]
    for _name, phase in PHASES[names.index(first) : names.index(last) + 1]:
        phase(state)


def better_constructive(state: SolveState) -> Solution:
    """The schedule six more passes of the same seeded sequence find (by count)."""
    sol = construct(state.instance, seed=0, restarts=6, time_limit=math.inf)
    assert sol is not None and sol.objective is not None
    return sol


def children() -> list[psutil.Process]:
    """This process's restart children still running."""
    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "gaugeopt.construct.restart_child" in " ".join(child.cmdline()):
                out.append(child)
        except psutil.Error:  # ended while we looked
            pass
    return out


def wait_for(found: bg.RestartProcess, objective: int) -> Solution:
    """The child's first schedule of at most ``objective`` (it has PATIENCE to send it)."""
    end = time.monotonic() + PATIENCE
    while time.monotonic() < end:
        best = found.best
        if best is not None and best.objective is not None and best.objective <= objective:
            return best
        time.sleep(0.01)
    raise AssertionError(f"the child sent nothing of {objective} or better")


def test_a_resumed_search_makes_the_same_passes() -> None:
    inst = random_instance(SEED)
    whole = MultiStart(inst, seed=0)
    seen: list[int | None] = []
    whole.on_improve = lambda sol: seen.append(sol.objective)
    whole.run(time_limit=math.inf, restarts=8)
    first = MultiStart(inst, seed=0)
    first.run(time_limit=math.inf, restarts=2)
    moved = pickle.loads(pickle.dumps(first.progress()))  # as it reaches the child
    second = MultiStart(inst, seed=0)
    second.resume(moved)
    later: list[int | None] = []
    second.on_improve = lambda sol: later.append(sol.objective)
    second.run(time_limit=math.inf, restarts=6)
    assert second.passes == whole.passes
    assert second.best is not None and whole.best is not None
    assert second.best.objective == whole.best.objective
    assert later and later == seen[len(seen) - len(later) :]


def test_the_childs_schedule_reaches_the_result() -> None:
    state = stopped_state(workers=2)
    run_until(state, "full_search")  # the searches ended at once: CP-SAT found nothing more
    child = state.background
    assert child is not None and child.alive()
    assert state.cp_workers == 1
    assert state.warm is not None and state.warm.objective is not None
    better = better_constructive(state)
    assert better.objective is not None and better.objective < state.warm.objective
    # the greedy's own sequence: the child finds what six more passes of it find
    sent = wait_for(child, better.objective)
    assert check(state.instance, sent) == []
    state.stop = None  # the finish decodes and left-justifies as usual
    run_until(state, "finish", first="finish")
    result = state.result
    assert result is not None and result.objective is not None
    assert result.objective <= better.objective
    assert check(state.instance, result.solution) == []
    assert not child.alive() and children() == []
    assert child.done is not None and child.done.passes > 1


def test_the_childs_best_becomes_the_incumbent() -> None:
    state = stopped_state(workers=2)
    run_until(state, "warm_start")
    state.stop = None  # the model is built as usual
    run_until(state, "build", first="bounds")
    model = state.require_model()
    warm = state.warm
    assert warm is not None and warm.objective is not None
    state.incumbent = as_core_result(model, solution_values(model, warm), warm.objective)
    better = better_constructive(state)
    assert state.background is not None
    state.background.halt(PATIENCE)
    state.background.best = better  # as if the child had sent it
    assert take_background(state)
    assert state.incumbent is not None and state.incumbent.objective == better.objective
    assert state.warm is better
    assert not take_background(state)  # nothing better left to take


def test_the_child_ends_with_a_stopped_solve() -> None:
    state = stopped_state(workers=2)
    result = run_phases(state)
    assert result.objective is not None
    assert state.background is not None and not state.background.alive()
    assert state.background.proc.returncode == 0  # it ended when asked, it was not killed
    assert children() == []


def test_the_child_ends_when_a_phase_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(state: SolveState) -> None:
        raise RuntimeError("a phase failed")

    phases = tuple((n, broken if n == "build" else f) for n, f in PHASES)
    monkeypatch.setattr("gaugeopt.pipeline.PHASES", phases)
    state = stopped_state(workers=2)
    with pytest.raises(RuntimeError, match="a phase failed"):
        run_phases(state)
    assert state.background is not None and not state.background.alive()
    assert state.background.proc.returncode == 0
    assert children() == []


def start_child(state: SolveState) -> bg.RestartProcess:
    """The child of ``state`` after its Setup (launched as the warm start launches it)."""
    bg.launch(state)
    assert state.background is not None
    return state.background


def test_the_child_ends_at_its_deadline_by_itself() -> None:
    state = stopped_state(workers=2)
    child = start_child(state)
    search = MultiStart(state.instance, seed=0)
    search.run(time_limit=math.inf, restarts=0)
    # no time left: the one pass a call always starts (it gives up at once), then the end
    child.send(Go(search.progress(), 0.0, None))
    assert child.proc.wait(timeout=PATIENCE) == 0
    child.halt(PATIENCE)
    assert child.done is not None and child.done.passes == search.passes + 1


def test_the_child_ends_when_its_parent_is_gone() -> None:
    state = stopped_state(workers=2)
    child = start_child(state)
    assert child.proc.stdin is not None
    child.proc.stdin.close()  # what the child sees when the solve's process dies
    assert child.proc.wait(timeout=PATIENCE) == 0
    child.halt(PATIENCE)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_is_left_to_the_parent() -> None:
    state = stopped_state(workers=2)
    child = start_child(state)
    wait_until(lambda: child.startup is not None)
    os.kill(child.proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    child.halt(PATIENCE)
    assert child.proc.returncode == 0  # it ended when halted, not by the signal


def wait_until(condition: Callable[[], bool]) -> None:
    """Wait for ``condition`` (PATIENCE at most)."""
    end = time.monotonic() + PATIENCE
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("timed out")


def test_a_failing_child_leaves_the_solve_standing(caplog: pytest.LogCaptureFixture) -> None:
    state = stopped_state(workers=2)
    child = start_child(state)
    child.send(Go("not a progress", 1.0, None))  # type: ignore[arg-type]
    assert child.proc.wait(timeout=PATIENCE) == 1
    child.halt(PATIENCE)
    assert "background restarts failed" in caplog.text
    run_until(state, "finish", first="warm_start")  # the solve goes on without it
    assert state.result is not None and state.result.objective is not None
    assert check(state.instance, state.result.solution) == []


def test_a_killed_child_leaves_the_solve_standing() -> None:
    state = stopped_state(workers=2)
    run_until(state, "full_search")
    assert state.background is not None
    state.background.proc.kill()
    state.background.proc.wait()
    state.stop = None
    run_until(state, "finish", first="finish")
    assert state.result is not None and state.result.objective is not None
    assert check(state.instance, state.result.solution) == []


def test_a_child_that_cannot_start_leaves_the_restarts_to_the_portfolio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bg, "child_command", lambda: ["/nonexistent/python"])
    state = stopped_state(workers=2)
    result = run_phases(state)
    assert state.background is None and state.cp_workers == 2
    assert result.objective is not None
    assert check(state.instance, result.solution) == []


def test_a_child_that_reads_nothing_holds_nothing_up_and_is_killed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    child = bg.RestartProcess(proc)
    child.send(b"x" * 1_000_000)  # far more than the pipe holds: queued, not waited for
    child.send(b"y")
    child.halt(0.1)
    assert proc.returncode is not None and proc.returncode != 0  # killed
    assert "killed" in caplog.text
    assert children() == []


def test_one_worker_or_switched_off_starts_no_process() -> None:
    for state in (stopped_state(workers=1), stopped_state(workers=2, background_restarts=False)):
        run_phases(state)
        assert state.background is None
        assert state.cp_workers == state.workers
        assert children() == []


def test_the_child_runs_this_gaugeopt() -> None:
    env = bg.child_environment()
    done = subprocess.run(
        [sys.executable, "-c", "import gaugeopt; print(gaugeopt.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    import gaugeopt

    assert os.path.samefile(done.stdout.strip(), gaugeopt.__file__)
