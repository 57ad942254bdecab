"""``gaugeopt export INSTANCE SOLUTION --out FILE``: the schedule as CSV, Excel or calendar."""

from __future__ import annotations

from pathlib import Path

import typer

from gaugeopt.cli.common import (
    EXIT_OK,
    bad_input_exits,
    fail,
    load,
    mismatch,
    out,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.cli.report import empty_exit
from gaugeopt.model.io import read_instance, read_solution

SUFFIXES = (".csv", ".xlsx", ".ics")


def export(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="Instance file (JSON)."),
    solution: str = typer.Argument(
        ..., metavar="SOLUTION", help="Solution file (JSON) for that instance."
    ),
    out_path: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="File to write: .csv (tasks), .xlsx (trains, tasks, rosters) or .ics (calendar).",
    ),
    epoch: str | None = typer.Option(
        None,
        "--epoch",
        help="Date and time of t = 0 with its offset, e.g. 2025-09-02T00:00:00+08:00 "
        "(default: the instance's epoch; .ics needs one).",
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Export the schedule, the format taken from the suffix of --out.

    Times are clock times: the date and time with the instance's epoch, else "day 1 09:00" counted from t = 0.

    A calendar (.ics) needs real dates, so without an epoch it is refused (exit 2). A solution without a schedule exports nothing: exit 1 if proven infeasible, 3 if none was found in time.
    """
    from gaugeopt.export import NothingToExport
    from gaugeopt.export import export as write_export

    set_verbosity(verbose, quiet)
    if out_path.suffix.lower() not in SUFFIXES:
        raise fail(f"--out: must end in .csv, .xlsx or .ics, got {str(out_path)!r}")
    inst = load(read_instance, instance)
    sol = load(read_solution, solution)
    wrong = mismatch(inst, sol)
    if wrong is not None:
        raise fail(f"{solution}: {wrong}")
    with bad_input_exits():
        try:
            path = write_export(inst, sol, out_path, epoch=epoch)
        except NothingToExport as exc:
            raise fail(str(exc), empty_exit(sol)) from None
        except OSError as exc:
            raise fail(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    out.print(f"wrote {path}", markup=False)
    raise typer.Exit(EXIT_OK)
