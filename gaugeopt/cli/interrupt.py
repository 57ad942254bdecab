"""Ctrl-C in ``gaugeopt solve``: it stops the search and keeps the best schedule, from the
first moment the command line runs to the last.

While the search runs, :func:`interrupt_sets` turns SIGINT into the solve's ``stop`` event.
Before it (the imports and reading the instance, the first second or so of ``gaugeopt
solve``), :func:`defer_during_startup` records a Ctrl-C in :data:`EARLY` instead of raising
``KeyboardInterrupt`` mid-import; :func:`interrupt_sets` then starts with ``stop`` set, so
the solve makes its first schedule and ends as a later Ctrl-C does (no traceback).
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

#: Set by a Ctrl-C that came while ``gaugeopt solve`` was starting up.
EARLY = threading.Event()


def defer_during_startup(argv: Sequence[str]) -> None:
    """When ``argv`` runs ``gaugeopt solve`` (and we are the main thread with Python's own
    SIGINT handler), remember a Ctrl-C in :data:`EARLY` rather than raising it."""
    command = next((a for a in argv[1:] if not a.startswith("-")), None)
    main = threading.current_thread() is threading.main_thread()
    if (
        command == "solve"
        and main
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    ):
        signal.signal(signal.SIGINT, lambda *_: EARLY.set())


@contextmanager
def interrupt_sets(stop: threading.Event, *more: threading.Event) -> Iterator[None]:
    """While active, Ctrl-C (SIGINT) sets ``stop`` (and ``more``) at once, even mid-search;
    a Ctrl-C of the start-up (:data:`EARLY`) sets them on entry.

    A Python signal handler runs only when the main thread is back in Python, not while
    it waits inside a CP-SAT solve; so the handler also writes to a wakeup socket, which a
    watcher thread reads to set ``stop`` immediately (CP-SAT is then stopped by the core's
    stop watcher).
    """
    receiver, sender = socket.socketpair()
    sender.setblocking(False)

    def interrupted(*_: object) -> None:
        for event in (stop, *more):
            event.set()

    def watch() -> None:
        while data := receiver.recv(64):
            if signal.SIGINT in data:
                interrupted()

    previous = signal.signal(signal.SIGINT, interrupted)
    previous_fd = signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
    if EARLY.is_set():
        interrupted()
    watcher = threading.Thread(target=watch, name="sigint-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_fd)
        signal.signal(signal.SIGINT, previous)
        sender.close()  # ends the watcher's recv
        watcher.join(timeout=1)
        receiver.close()
