"""The constructive restarts in a process of their own: the child's side.

``python -m gaugeopt.construct.restart_child`` reads pickled messages on its stdin and
writes pickled messages on its stdout (the parent's side is
:mod:`gaugeopt.pipeline.background`):

1. :class:`Setup` (the instance, seed and ``max_cuts``): the child builds its
   :class:`~gaugeopt.construct.search.MultiStart` while the parent's warm start runs, and
   answers :class:`Ready`;
2. :class:`Go` (where the parent's search stands, the seconds left, the target): the child
   goes on with the same seeded sequence of passes, sends each schedule better than all
   before it (:class:`Found`), and at the end its pass count (:class:`Done`);
3. anything more on stdin, or its end (the parent halted it, or is gone whatever way it
   ended), halts the search at the current pass's next check.

A failure is sent as :class:`Failed` with its traceback. Ctrl-C reaches the whole process
group: the child ignores it and ends when its parent halts it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
import traceback
from dataclasses import dataclass
from typing import IO

from gaugeopt.construct.search import MultiStart, Progress, Target
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution


@dataclass(frozen=True)
class Setup:
    """Parent to child, first: the search to build."""

    instance: Instance
    seed: int
    max_cuts: int


@dataclass(frozen=True)
class Go:
    """Parent to child, second: go on from ``progress`` for ``seconds`` or until a
    schedule reaches ``target``."""

    progress: Progress
    seconds: float
    target: Target


@dataclass(frozen=True)
class Halt:
    """Parent to child: end now (any message after :class:`Go` does)."""


@dataclass(frozen=True)
class Ready:
    """Child to parent: the search is built."""


@dataclass(frozen=True)
class Found:
    """Child to parent: a schedule better than all before it, after ``passes`` passes, and
    the train order (ids) of the pass that gave it."""

    solution: Solution
    passes: int
    order: tuple[str, ...] = ()


@dataclass(frozen=True)
class Done:
    """Child to parent, last: the passes made in all, and those of them that gave up."""

    passes: int
    expired: int


@dataclass(frozen=True)
class Failed:
    """Child to parent: the search raised (its traceback)."""

    traceback: str


def send(out: IO[bytes], message: object) -> None:
    """Write one message and flush it."""
    pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def receive(inp: IO[bytes]) -> object:
    """The next message (:class:`EOFError` once the other side is gone)."""
    return pickle.load(inp)


def watch(inp: IO[bytes], halt: threading.Event) -> None:
    """Set ``halt`` at the next message or at the end of the input."""
    with contextlib.suppress(Exception):  # the end of the input (or a broken one) halts too
        receive(inp)
    halt.set()


def serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """Build the search, wait for :class:`Go`, and run it to its end or a halt."""
    setup = receive(inp)
    if not isinstance(setup, Setup):
        raise TypeError(f"expected Setup, got {type(setup).__name__}")
    search = MultiStart(setup.instance, seed=setup.seed, max_cuts=setup.max_cuts)
    send(out, Ready())
    go = receive(inp)
    if not isinstance(go, Go):
        return  # halted before it went on
    halt = threading.Event()
    threading.Thread(target=watch, args=(inp, halt), daemon=True).start()
    search.resume(go.progress)
    search.on_improve = lambda sol: send(out, Found(sol, search.passes, search.best_order))
    search.run(
        time_limit=go.seconds,
        target=go.target,
        stop=halt,
        deadline=search.clock() + go.seconds,
    )
    send(out, Done(search.passes, search.expired))


def protocol_output() -> IO[bytes]:
    """The process's stdout for messages only: anything printed goes to stderr instead."""
    sys.stdout.flush()
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return out


def main() -> int:
    """Serve one search on stdin and stdout; 0 when it ended, 1 when it failed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent halts the child
    out = protocol_output()
    try:
        serve(sys.stdin.buffer, out)
    except EOFError:
        return 0  # the parent is gone
    except Exception:
        with contextlib.suppress(OSError):  # the parent is gone: nobody to tell
            send(out, Failed(traceback.format_exc()))
        return 1
    return 0


if __name__ == "__main__":
    # The messages' classes must be this module's, not ``__main__``'s: run it as imported.
    # Ended without the interpreter's shutdown: the watcher thread may still be reading stdin.
    from gaugeopt.construct import restart_child

    code = restart_child.main()
    sys.stderr.flush()
    os._exit(code)
