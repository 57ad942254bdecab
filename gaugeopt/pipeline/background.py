"""The warm start's constructive restarts in a thread beside CP-SAT (several workers only).

With ``params.background_restarts`` and more than one worker, the restarts go on in a
thread from the end of the warm start to the searches' end, continuing the same seeded
sequence of passes the greedy method makes (:func:`gaugeopt.construct.construct`), while
CP-SAT searches with one worker fewer (:meth:`SolveState.cp_workers`; CP-SAT releases the
GIL while it searches). The main thread takes the restarts' best where it beats the
schedule in hand: as the incumbent before each round of neighbourhoods, and in the finish
phase, so the solve's schedule is never worse than the constructive one the thread found.

The thread only writes ``MultiStart.best`` (one reference, read whole by the main thread);
it reports nothing itself. It ends at the searches' deadline, when the solve's ``stop``
is set (Ctrl-C), and when the solve ends (:func:`halt`, which waits for it).
"""

from __future__ import annotations

import logging
import threading

from gaugeopt.model.solution import Solution
from gaugeopt.pipeline.state import SolveState

log = logging.getLogger("gaugeopt")


class EitherEvent(threading.Event):
    """Set when it is set itself or when ``other`` (the solve's ``stop``) is."""

    def __init__(self, other: threading.Event | None) -> None:
        super().__init__()
        self._other = other

    def is_set(self) -> bool:
        return super().is_set() or (self._other is not None and self._other.is_set())


def wanted(state: SolveState) -> bool:
    """Whether the restarts go on in a thread: switched on, several workers (one worker
    stays reproducible, counting its passes), a day (on a single train the greedy is far
    behind CP-SAT, which needs every worker: at 10 s with 2 workers single-c10-0001 went
    from 424 to 444 and single-c20-0001 from 280 to 298 with the thread), and a warm
    start to continue."""
    return (
        state.params.background_restarts
        and not state.deterministic
        and len(state.instance.trains) > 1
        and state.restarts is not None
        and state.background is None
    )


def start(state: SolveState) -> None:
    """Start the thread (if :func:`wanted`): passes until the searches' deadline
    (``search_left`` from now), the analytic bound, ``stop`` or :func:`halt`."""
    if not wanted(state) or state.restarts is None:
        return
    search = state.restarts
    search.on_improve = None  # the main thread reports what it takes
    halt = EitherEvent(state.stop)
    seconds = max(0.0, state.search_left())
    deadline = state.elapsed() + seconds + state.t0

    def work() -> None:
        try:
            search.run(
                time_limit=seconds,
                target=state.analytic,
                stop=halt,
                deadline=deadline,
            )
        except Exception:  # a failing pass must not take the solve down with it
            log.exception("background restarts failed")

    thread = threading.Thread(target=work, name="gaugeopt-restarts", daemon=True)
    state.background = thread
    state.background_halt = halt
    thread.start()


def halt(state: SolveState) -> None:
    """Stop the thread and wait for it (its current pass gives up at its next check)."""
    thread, event = state.background, state.background_halt
    if thread is None or event is None:
        return
    event.set()
    thread.join()
    state.background_halt = None  # halted once: a second call has nothing to do
    if state.restarts is not None:
        best = state.restarts.best
        log.debug(
            "restarts in the background: %d passes in all, best %s",
            state.restarts.passes,
            None if best is None else best.objective,
        )


def found(state: SolveState) -> Solution | None:
    """The restarts' best schedule so far (None: no thread, or nothing yet)."""
    if state.background is None or state.restarts is None:
        return None
    return state.restarts.best
