"""``gaugeopt solve``: live progress, a table per train, the solution file."""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.live import Live
from rich.table import Table
from rich.text import Text

from gaugeopt.cli import app
from gaugeopt.cli.common import EXIT_NO_SCHEDULE, EXIT_OK, err, fail, load, out
from gaugeopt.model.io import read_instance, write_solution
from gaugeopt.result import Result


@contextmanager
def interrupt_sets(stop: threading.Event) -> Iterator[None]:
    """While active, Ctrl-C (SIGINT) sets ``stop`` at once, even mid-search.

    A Python signal handler runs only when the main thread is back in Python, not while
    it waits inside a CP-SAT solve; so the handler also writes to a wakeup socket, which a
    watcher thread reads to set ``stop`` immediately (CP-SAT is then stopped by the core's
    stop watcher).
    """
    receiver, sender = socket.socketpair()
    sender.setblocking(False)

    def watch() -> None:
        while data := receiver.recv(64):
            if signal.SIGINT in data:
                stop.set()

    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    previous_fd = signal.set_wakeup_fd(sender.fileno(), warn_on_full_buffer=False)
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


def train_table(result: Result) -> Table:
    """The per-train table: mode, arrival, departure, dwell, locomotive, blocks."""
    table = Table(title=f"{result.instance.name}: trains", title_justify="left")
    for col in ("train", "mode", "arrival", "departure", "dwell", "locomotive", "blocks → tracks"):
        table.add_column(
            col, justify="right" if col in ("arrival", "departure", "dwell") else "left"
        )
    for p in result.solution.trains:
        arrival = result.instance.train(p.id).arrival
        blocks = ", ".join(
            f"{b.carriages[0]}..{b.carriages[-1]} → {b.track}"
            if len(b.carriages) > 1
            else f"{b.carriages[0]} → {b.track}"
            for b in p.blocks
        )
        table.add_row(
            p.id,
            p.mode,
            str(arrival),
            str(p.departure),
            str(p.dwell),
            p.locomotive or "-",
            blocks or "-",
        )
    return table


@app.command()
def solve(
    instance: str = typer.Argument(..., help="Instance file (JSON)."),
    time_limit: float = typer.Option(30.0, "--time-limit", "-t", min=0.1, help="Seconds."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="CP-SAT search workers."),
    seed: int = typer.Option(
        0, "--seed", help="Random seed (same seed + 1 worker = same schedule)."
    ),
    out_path: Path | None = typer.Option(
        None, "--out", "-o", help="Solution file to write (default: <instance>.solution.json)."
    ),
    gantt: Path | None = typer.Option(None, "--gantt", help="Also draw the schedule (.png/.html)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No live progress."),
) -> None:
    """Find a schedule of least weighted dwell; exit 0 (schedule or proof), 2 (bad input), 3 (none found)."""
    from gaugeopt.solver import solve as run_solve

    inst = load(read_instance, instance)
    if gantt is not None and gantt.suffix.lower() not in (".png", ".html"):
        raise fail(f"--gantt: must end in .png or .html, got {str(gantt)!r}")
    target = out_path or Path(f"{Path(instance).stem}.solution.json")

    stop = threading.Event()
    live = Live(Text("searching ..."), console=err, transient=True)
    interactive = err.is_terminal and not quiet
    last: list[tuple[int, float]] = []

    def progress(elapsed: float, objective: int, bound: float) -> None:
        text = f"{elapsed:6.1f} s  best {objective}  bound {bound:.0f}"
        if interactive:
            live.update(Text(text, style="cyan"))
        elif not quiet and (not last or last[-1] != (objective, bound)):
            err.print(text, markup=False)  # a log line per improvement when not on a terminal
        last.append((objective, bound))

    with interrupt_sets(stop):
        try:
            if interactive:
                live.start()
            result = run_solve(
                inst,
                time_limit=time_limit,
                workers=workers,
                seed=seed,
                on_progress=progress,
                stop=stop,
            )
        finally:
            if interactive:
                live.stop()

    if stop.is_set():
        err.print("interrupted: returning the best schedule found so far", markup=False)
    if result.status == "infeasible":
        out.print(f"{inst.name}: infeasible", markup=False)
        for reason in result.reasons:
            out.print(f"  reason: {reason}", markup=False)
    elif result.status in ("optimal", "feasible"):
        out.print(train_table(result))
    try:  # atomic: an existing file is replaced whole or left as it was
        write_solution(result.solution, target)
    except OSError as exc:
        raise fail(f"{target}: cannot write ({exc.strerror or exc})") from None
    out.print(result.summary(), markup=False)
    out.print(f"solution written to {target}", markup=False)
    if gantt is not None and result.status in ("optimal", "feasible"):
        from gaugeopt.report import report

        try:
            report(inst, result.solution, gantt)
        except OSError as exc:
            raise fail(f"{gantt}: cannot write ({exc.strerror or exc})") from None
        out.print(f"schedule drawn to {gantt}", markup=False)
    if result.status == "unknown":
        raise typer.Exit(EXIT_NO_SCHEDULE)
    raise typer.Exit(EXIT_OK)
