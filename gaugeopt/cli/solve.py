"""``gaugeopt solve``: live progress, a table per train, the solution file."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich import box
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
from gaugeopt.wording import split_parts

if TYPE_CHECKING:  # the solver loads only when a solve runs
    from gaugeopt.result import Result

#: Share of the time limit left to the overrun schedule when the search has found no
#: schedule within the horizon by the rest of it.
OVERRUN_SHARE = 0.5


#: The width the trains table fits: the terminal's, or 80 columns when piped.
TABLE_WIDTH = 80
#: Columns between two columns of the table (its padding and its divider).
_PAD = 2


def _packed(parts: list[str], width: int) -> str:
    """``parts`` joined by ``; ``, a new line before a part that would pass ``width``
    (a part longer than ``width`` gets its own line and folds)."""
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += "; " + part
        else:
            lines.append(part)
    return "\n".join(lines)


def train_table(result: Result, width: int | None = None) -> Table:
    """The per-train table, two lines a train where it can: train, mode and locomotive;
    arrival and departure (each with its day); dwell and weight; then the track split in
    the one wording of :func:`gaugeopt.wording.track_split`, packed into the room left
    of ``width`` columns (default: the terminal's width, 80 when piped).

    Times are clock times: ``day 1 09:00``, or with the instance's ``epoch`` the month,
    day and time (``09-02 09:00``), the year and offset in the title.
    """
    clock = Clock.of(result.instance)
    width = width or (out.width if out.is_terminal else TABLE_WIDTH)
    first = min((t.arrival for t in result.instance.trains), default=0)
    moment = clock.moment(first)
    zone = f", times {clock.offset}, {moment:%Y}" if moment is not None else ""

    def when(t: int) -> str:
        at = clock.moment(t)
        return clock.at(t, offset=False) if at is None else f"{at:%m-%d %H:%M}"

    table = Table(
        title=f"{result.instance.name}: trains{zone}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        padding=(0, 1, 0, 0),
    )
    rows: list[tuple[list[str], list[str]]] = []
    for p in result.solution.trains:
        train = result.instance.train(p.id)
        cells = [
            f"{p.id} {p.mode}\n{p.locomotive or MISSING}",
            f"{when(train.arrival)}\n{when(p.departure)}",
            f"{duration(p.dwell)}\nweight {train.weight:g}",
        ]
        rows.append((cells, split_parts(p)))
    heads = ["train mode\nlocomotive", "arrival\ndeparture", "dwell\nweight"]
    used = sum(
        max(len(line) for cell in [h, *(r[0][i] for r in rows)] for line in cell.split("\n")) + _PAD
        for i, h in enumerate(heads)
    )
    room = max(18, width - used - 1)
    for head in heads:
        table.add_column(head, no_wrap=True)
    table.add_column("blocks → tracks", overflow="fold", max_width=room)
    for cells, parts in rows:
        table.add_row(*cells, _packed(parts, room) if parts else MISSING)
    return table


def print_outcome(result: Result) -> None:
    """The reasons of an infeasible instance, or the table of a schedule."""
    if result.status == "infeasible":
        out.print(f"{result.instance.name}: infeasible", markup=False)
        for reason in result.reasons:
            out.print(f"  reason: {reason}", markup=False)
    elif result.status in ("optimal", "feasible"):
        out.print(train_table(result))


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

    started = time.perf_counter()  # the time limit covers the whole command
    set_verbosity(verbose, quiet)

    inst = load(read_instance, instance, as_json=as_json)
    params = SolveParams() if params_path is None else load(SolveParams.from_toml, params_path)
    if gantt is not None:
        check_suffix("--gantt", gantt)
    target = out_path or default_out(instance)

    stop = threading.Event()  # Ctrl-C
    search_stop = threading.Event()  # Ctrl-C, or no schedule by the time the overrun needs
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

    # With no schedule by then, the search leaves the rest of the limit to the overrun.
    give_up = threading.Timer(
        (1 - OVERRUN_SHARE) * time_limit - (time.perf_counter() - started),
        lambda: None if last else search_stop.set(),
    )
    give_up.daemon = True
    # Ctrl-C sets ``stop`` from here to the end: the search, writing and explaining.
    with interrupt_sets(stop, search_stop):
        try:
            if interactive:
                live.start()
            give_up.start()
            result = run_solve(
                inst,
                time_limit=max(0.05, time_limit - (time.perf_counter() - started)),
                workers=workers,
                seed=seed,
                on_progress=progress,
                stop=search_stop,
                params=params,
            )
        finally:
            give_up.cancel()
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
            out.print(result.summary(), markup=False)
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
                deadline=started + time_limit,
                workers=workers,
                seed=seed,
                stop=stop,
                reasons=list(result.reasons),
                quiet_stdout=as_json,
                prechecked=result.status == "unknown",
            )
        if as_json:
            print_json({**json_summary(result, target, gantt if drawn else None), **extra})
        if result.status == "unknown":
            raise typer.Exit(EXIT_NO_SCHEDULE)
        raise typer.Exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_OK)
