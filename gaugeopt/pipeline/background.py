"""The warm start's constructive restarts in a process of their own beside CP-SAT.

With ``params.background_restarts``, more than one worker and a day, the restarts go on
in a child process (:mod:`gaugeopt.construct.restart_child`) from the end of the warm
start to the searches' end, continuing the same seeded sequence of passes the greedy method
makes (:func:`gaugeopt.construct.construct`), while CP-SAT searches with one worker fewer
(:meth:`SolveState.cp_workers`). A process, not a thread: a thread shares the main
thread's interpreter lock with the neighbourhoods' Python work and made far fewer passes
than the greedy in the same time; the process has a core of its own.

* **Start:** :func:`launch`, before the warm start's first pass, starts
  ``python -m gaugeopt.construct.restart_child`` (a fresh interpreter: no fork of a process
  with threads running, no re-import of the caller's script, and it works inside daemonic
  processes such as Dask's workers, where :mod:`multiprocessing` may not start children).
  Its start-up (0.3–1 s on a loaded 2-core machine: the interpreter and the constructive
  scheduler's imports, no OR-Tools) overlaps the warm start. :func:`start`, at the warm start's end, hands it where the
  warm start's :class:`~gaugeopt.construct.search.MultiStart` stands: the random stream,
  the pass count and the best schedule, so its passes are exactly the greedy's next ones.
* **Results:** each schedule better than all before it comes back through the pipe (a
  reader thread keeps the best; a writer thread sends the child its messages, so that the
  solve never waits on the pipe); the main process takes it where it beats the schedule
  in hand, as the incumbent before each round of neighbourhoods and in the finish phase
  (:func:`found`), so the solve is never worse than what the restarts found.
* **End:** the child ends at the searches' deadline, at the search-free bound, and when
  :func:`halt` asks it to: in the finish phase (after Ctrl-C too: the solve's ``stop``
  ends the searches and the finish follows; the child ignores the signal itself) and when
  the solve ends in any way, an exception included. :func:`halt` waits
  ``background_halt_seconds`` for it, then kills it. If the solve's process dies, the
  child's input ends, and it ends at its pass's next check: it never outlives the solve.
* **Failure:** a child that cannot start (no ``sys.executable``, as in a frozen app),
  fails or dies is logged and leaves the solve as it is (the schedules it sent stay); once
  it is gone, the neighbourhood search's own restart arm
  (:mod:`~gaugeopt.pipeline.portfolio`) runs restarts in the main process again.
* **Sharing the machine:** the child is a process of the solve's own, so it competes for
  the cores the solve was given. On a machine loaded by other work, where the kernel shares
  the CPU out by session (Linux's autogroup), the solve's two processes together get about
  what the greedy method's one gets, and the child makes fewer passes than the greedy.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from gaugeopt.construct.restart_child import Go, Setup
from gaugeopt.model.solution import Solution
from gaugeopt.pipeline.restart_process import RestartProcess
from gaugeopt.pipeline.state import SolveState, objective_of

log = logging.getLogger("gaugeopt")


def wanted(state: SolveState) -> bool:
    """Whether the restarts go on in a process: switched on, several workers (one worker
    stays reproducible, counting its passes), a day (on a single train the greedy is far
    behind CP-SAT, which needs every worker: at 10 s with 2 workers single-c10-0001 went
    from 424 to 444 and single-c20-0001 from 280 to 298 with the restarts beside it), and a
    warm start to continue."""
    return (
        state.params.background_restarts
        and not state.deterministic
        and len(state.instance.trains) > 1
        and state.use_warm_start
        and state.background is None
    )


def child_command() -> list[str]:
    """The child's command line: this interpreter, the child module."""
    return [sys.executable, "-m", "gaugeopt.construct.restart_child"]


def child_environment() -> dict[str, str]:
    """The environment, with this gaugeopt's directory first on the child's path (so that
    it runs the same code as the solve, however the solve found it)."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = root if not path else root + os.pathsep + path
    return env


def launch(state: SolveState) -> None:
    """Start the child (if :func:`wanted`), so that it starts up while the warm start runs;
    a child that cannot start leaves ``background`` None."""
    if not wanted(state):
        return
    if not sys.executable:
        log.warning("background restarts could not start: no Python interpreter to run")
        return
    try:
        proc = subprocess.Popen(
            child_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_environment(),
        )
    except OSError as exc:
        log.warning("background restarts could not start: %s", exc)
        return
    state.background = RestartProcess(proc)
    p = state.params
    state.background.send(Setup(state.instance, state.seed, p.warm_max_cuts))


def start(state: SolveState) -> None:
    """Hand the child where the warm start's search stands: it goes on until the
    searches' deadline (``search_left`` from now) or the search-free bound. Nothing to go
    on with (no search, no time, the bound met): the child ends."""
    child, search = state.background, state.restarts
    if child is None:
        return
    seconds = state.search_left()
    if search is None or seconds <= 0 or at_bound(state):
        halt(state)
        return
    child.send(Go(search.progress(), seconds, state.analytic))
    log.debug(
        "restarts handed to their process at %.2f s after %d passes, for %.2f s",
        state.elapsed(),
        search.passes,
        seconds,
    )


def at_bound(state: SolveState) -> bool:
    """Whether the warm schedule meets the search-free bound."""
    warm, bound = state.warm, state.analytic
    return warm is not None and bound is not None and objective_of(warm) <= bound


def halt(state: SolveState) -> None:
    """End the child and wait for it (its current pass gives up at its next check)."""
    child = state.background
    if child is None or child.halted:
        return
    child.halt(state.params.background_halt_seconds)
    best, done = child.best, child.done
    log.debug(
        "restarts in a process of their own: start-up %s s, %s passes in all (%s given up),"
        " best %s",
        "?" if child.startup is None else f"{child.startup:.2f}",
        "?" if done is None else done.passes,
        "?" if done is None else done.expired,
        None if best is None else best.objective,
    )


def found(state: SolveState) -> Solution | None:
    """The best schedule the child sent so far (None: no child, or nothing yet)."""
    return None if state.background is None else state.background.best
