"""``gaugeopt solve``: live progress, a table per train, the solution file."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import typer
from rich.live import Live
from rich.table import Table
from rich.text import Text

from gaugeopt.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_SCHEDULE,
    EXIT_OK,
    MISSING,
    err,
    fail,
    load,
    out,
    print_json,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.cli.interrupt import interrupt_sets
from gaugeopt.cli.report import check_suffix
from gaugeopt.clock import Clock, duration
from gaugeopt.model.io import read_instance, write_solution
from gaugeopt.params import SolveParams
from gaugeopt.result import Result


def train_table(result: Result) -> Table:
    """The per-train table: mode, arrival, departure, dwell, locomotive, blocks.

    Times are clock times (``day 1 09:00``, or the date with the instance's ``epoch``); a
    departure on its arrival's day shows the time alone.
    """
    clock = Clock.of(result.instance)
    zone = f", times {clock.offset}" if clock.offset else ""
    table = Table(title=f"{result.instance.name}: trains{zone}", title_justify="left")
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
            clock.at(arrival, offset=False),
            clock.short(p.departure, arrival),
            duration(p.dwell),
            p.locomotive or MISSING,
            blocks or MISSING,
        )
    return table


def print_outcome(result: Result) -> None:
    """The reasons of an infeasible instance, or the table of a schedule."""
    if result.status == "infeasible":
        out.print(f"{result.instance.name}: infeasible", markup=False)
        for reason in result.reasons:
            out.print(f"  reason: {reason}", markup=False)
    elif result.status in ("optimal", "feasible"):
        out.print(train_table(result))


def summary_line(result: Result) -> str:
    """One line: status, objective (weighted dwell), bound, gap, time; nothing as "None"."""
    if result.status == "infeasible":
        return f"infeasible: no schedule exists, {result.runtime:.1f} s"
    if result.status == "unknown":
        return f"unknown: no schedule found within the time limit, {result.runtime:.1f} s"
    bound = MISSING if result.lower_bound is None else f"{result.lower_bound:g}"
    gap = MISSING if result.gap is None else f"{100 * result.gap:.2f}%"
    return (
        f"{result.status}: objective {result.objective} (weighted dwell, min), "
        f"lower bound {bound}, gap {gap}, {result.runtime:.1f} s"
    )


def json_summary(result: Result, solution: Path, gantt: Path | None) -> dict[str, Any]:
    """What ``solve --json`` prints: the outcome, its numbers and the files written."""
    arrival = {t.id: t.arrival for t in result.instance.trains}
    return {
        "instance": result.instance.name,
        "status": result.status,
        "objective": result.objective,
        "lower_bound": result.lower_bound,
        "gap": result.gap,
        "runtime": round(result.runtime, 3),
        "reasons": list(result.reasons),
        "solution": str(solution),
        "gantt": str(gantt) if gantt is not None else None,
        "trains": [
            {
                "train": p.id,
                "mode": p.mode,
                "arrival": arrival[p.id],
                "departure": p.departure,
                "dwell": p.dwell,
                "locomotive": p.locomotive,
            }
            for p in result.solution.trains
        ],
    }


def default_out(instance: str) -> Path:
    """Where ``solve`` writes without ``--out``: beside the instance, ``<stem>.solution.json``
    (``instances/day.json`` -> ``instances/day.solution.json``)."""
    path = Path(instance)
    return path.with_name(f"{path.stem}.solution.json")


def solve(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="Instance file (JSON)."),
    time_limit: float = typer.Option(30.0, "--time-limit", "-t", min=0.1, help="Seconds."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="CP-SAT search workers."),
    seed: int = typer.Option(
        0, "--seed", help="Random seed (same seed + 1 worker = same schedule)."
    ),
    out_path: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Solution file to write (default: <instance>.solution.json beside the instance).",
    ),
    gantt: Path | None = typer.Option(
        None, "--gantt", help="Also draw the schedule (.png, .svg, .pdf or .html)."
    ),
    params_path: str | None = typer.Option(
        None,
        "--params",
        help="Solver tuning (TOML; keys as in docs/solve-params.toml, left-out keys default).",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object (status, objective, bound, gap...) instead."
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option("Only errors on stderr: no live progress."),
) -> None:
    """Find a schedule of least weighted dwell and write it to the solution file.

    Exit 0 with a schedule, 1 when the instance is proven infeasible (the reasons are printed), 2 on bad input, 3 when no schedule was found within the time limit.
    """
    from gaugeopt.solver import solve as run_solve

    set_verbosity(verbose, quiet)

    inst = load(read_instance, instance, as_json=as_json)
    params = SolveParams() if params_path is None else load(SolveParams.from_toml, params_path)
    if gantt is not None:
        check_suffix("--gantt", gantt)
    target = out_path or default_out(instance)

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

    # Ctrl-C sets ``stop`` from here to the end: the search, writing and explaining.
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
                params=params,
            )
        finally:
            if interactive:
                live.stop()

        if stop.is_set():
            err.print("interrupted: returning the best schedule found so far", markup=False)
        if not as_json:  # with --json: one JSON object at the end, nothing else on stdout
            print_outcome(result)
        try:  # atomic: an existing file is replaced whole or left as it was
            write_solution(result.solution, target)
        except OSError as exc:
            raise fail(f"{target}: cannot write ({exc.strerror or exc})") from None
        if not as_json:
            out.print(summary_line(result), markup=False)
            out.print(f"solution written to {target}", markup=False)
        drawn = gantt is not None and result.status in ("optimal", "feasible")
        if gantt is not None and drawn:
            from gaugeopt.report import report

            try:
                report(inst, result.solution, gantt, dwell_bounds=result.dwell_bounds())
            except OSError as exc:
                raise fail(f"{gantt}: cannot write ({exc.strerror or exc})") from None
            if not as_json:
                out.print(f"schedule drawn to {gantt}", markup=False)
        extra: dict[str, Any] = {}
        if result.status in ("infeasible", "unknown"):  # root cause, and <out stem>.overrun.json
            from gaugeopt.cli.no_schedule import explain_and_overrun

            extra = explain_and_overrun(
                inst,
                target,
                time_limit=time_limit,
                workers=workers,
                seed=seed,
                stop=stop,
                reasons=list(result.reasons),
                quiet_stdout=as_json,
            )
        if as_json:
            print_json({**json_summary(result, target, gantt if drawn else None), **extra})
        if result.status == "unknown":
            raise typer.Exit(EXIT_NO_SCHEDULE)
        raise typer.Exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_OK)
