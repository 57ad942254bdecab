"""``gaugeopt replan INSTANCE PREVIOUS --now T``: a new plan that keeps the work already done."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.table import Table

from gaugeopt.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_SCHEDULE,
    EXIT_OK,
    MISSING,
    bad_input_exits,
    fail,
    load,
    mismatch,
    out,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.model.io import read_instance, read_solution, write_solution

#: Largest --dwell-weight or --change-weight: the objective (weight x minutes x trains, plus
#: weight x changes) then stays far inside CP-SAT's 64-bit integers on any instance that
#: passes the input limits.
MAX_WEIGHT = 1_000_000


def frame_table(title: str, frame: pd.DataFrame) -> Table:
    """A rich table of a small DataFrame (missing values as ``—``)."""
    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(str(col), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(MISSING if pd.isna(v) else str(v) for v in row))
    return table


def replan(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="The edited instance (JSON)."),
    previous: str = typer.Argument(
        ..., metavar="PREVIOUS", help="The solution being carried out (JSON)."
    ),
    now: int = typer.Option(
        ..., "--now", min=0, help="Minutes from t = 0: tasks that started before are frozen."
    ),
    out_path: Path | None = typer.Option(
        None, "--out", "-o", help="New solution file (default: <instance>.replan.json)."
    ),
    time_limit: float = typer.Option(10.0, "--time-limit", "-t", min=0.1, help="Seconds."),
    workers: int = typer.Option(2, "--workers", "-w", min=1, help="CP-SAT search workers."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    dwell_weight: int | None = typer.Option(
        None,
        "--dwell-weight",
        min=0,
        max=MAX_WEIGHT,
        help="Weight of a minute of weighted dwell (default: (tasks of PREVIOUS + 1) x "
        "change weight, dwell first).",
    ),
    change_weight: int = typer.Option(
        1, "--change-weight", min=0, max=MAX_WEIGHT, help="Weight of one changed task."
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Replan after a disruption: keep every task that started before --now, re-optimise the rest.

    Exit 0 with a plan, 1 when no plan keeps the work already done, 2 on bad input or when the edited instance contradicts frozen work (one line names the task and the rule; nothing is written), 3 when no plan was found within the time limit.
    """
    from gaugeopt.replan.run import replan as run_replan

    set_verbosity(verbose, quiet)
    inst = load(read_instance, instance)
    prev = load(read_solution, previous)
    wrong = mismatch(inst, prev)
    if wrong is not None:
        raise fail(f"{previous}: {wrong}")
    target = out_path or Path(f"{Path(instance).stem}.replan.json")
    with bad_input_exits():
        result = run_replan(
            inst,
            prev,
            now,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            dwell_weight=dwell_weight,
            change_weight=change_weight,
        )
    if result.status in ("optimal", "feasible"):
        out.print(frame_table("changes per train", result.changes_by_train))
        out.print(frame_table("changes per crew", result.changes_by_crew))
    for reason in result.reasons:
        out.print(f"  reason: {reason}", markup=False)
    try:  # atomic: an existing file is replaced whole or left as it was
        write_solution(result.solution, target)
    except OSError as exc:
        raise fail(f"{target}: cannot write ({exc.strerror or exc})") from None
    before = prev.objective if prev.objective is not None else MISSING
    out.print(
        f"{result.status}: objective {result.objective if result.objective is not None else MISSING}"
        f" (was {before}), {result.frozen} tasks frozen, {result.changed} of "
        f"{len(prev.tasks) - result.frozen} others changed, {result.runtime:.1f} s",
        markup=False,
    )
    out.print(f"solution written to {target}", markup=False)
    if result.status == "unknown":
        raise typer.Exit(EXIT_NO_SCHEDULE)
    raise typer.Exit(EXIT_INFEASIBLE if result.status == "infeasible" else EXIT_OK)
