"""The child process of one solve's constructive restarts, seen from the solve: the messages
it is sent and the best schedule it sent back (:mod:`~gaugeopt.pipeline.background` starts
and steers it)."""

from __future__ import annotations

import contextlib
import logging
import math
import pickle
import queue
import subprocess
import threading
import time

from gaugeopt.construct.restart_child import Done, Failed, Found, Halt, Ready, send
from gaugeopt.model.solution import Solution

log = logging.getLogger("gaugeopt")


def _objective(sol: Solution) -> float:
    """A schedule's objective (infinite without one: never the better)."""
    return math.inf if sol.objective is None else sol.objective


class RestartProcess:
    """The child process of one solve's restarts, and what it sent back.

    Two threads of the solve's process talk to it, so that the solve never waits on the
    pipe: one writes the messages :meth:`send` queues (the pipe holds 64 KB, and a large
    day's instance would otherwise hold the warm start up until the child, still starting,
    reads it), one reads the child's messages."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.started = time.perf_counter()
        #: seconds from the start to the child's ``Ready`` (None: not yet).
        self.startup: float | None = None
        self.best: Solution | None = None
        #: the train order (ids) of the pass that gave ``best``.
        self.best_order: tuple[str, ...] = ()
        self.done: Done | None = None
        self.halted = False
        self._outbox: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._writer = threading.Thread(
            target=self._write, name="gaugeopt-restarts-in", daemon=True
        )
        self._reader = threading.Thread(
            target=self._read, name="gaugeopt-restarts-out", daemon=True
        )
        self._writer.start()
        self._reader.start()

    def _write(self) -> None:
        """Write the queued messages until the end (None), then close the child's input."""
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            while (message := self._outbox.get()) is not None:
                send(stdin, message)
        except (OSError, ValueError):
            pass  # the child is gone: what it did not read does not matter any more
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def _read(self) -> None:
        """Take the child's messages until its output ends."""
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            while True:
                self._take(pickle.load(stdout))
        except EOFError:
            pass
        except Exception:  # a broken message: the child's schedules so far stay
            log.exception("background restarts: unreadable message")

    def _take(self, message: object) -> None:
        if isinstance(message, Ready):
            self.startup = time.perf_counter() - self.started
        elif isinstance(message, Found):
            best = self.best
            if best is None or _objective(message.solution) < _objective(best):
                self.best_order = message.order
                self.best = message.solution
        elif isinstance(message, Done):
            self.done = message
        elif isinstance(message, Failed):
            log.warning("background restarts failed:\n%s", message.traceback)

    def send(self, message: object) -> None:
        """Queue ``message`` for the child (nothing once it is halted)."""
        if not self.halted:
            self._outbox.put(message)

    def alive(self) -> bool:
        """Whether the child still runs."""
        return self.proc.poll() is None

    def halt(self, wait: float) -> None:
        """Ask the child to end, wait up to ``wait`` seconds, then kill it; then read what
        it sent before it ended (once: a second call has nothing to do)."""
        if self.halted:
            return
        self._outbox.put(Halt())
        self._outbox.put(None)  # then its input ends
        self.halted = True
        try:
            self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            log.warning("background restarts did not end in %.1f s: killed", wait)
            self.proc.kill()
            self.proc.wait()
        self._writer.join()
        self._reader.join()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
