"""``gaugeopt export INSTANCE SOLUTION --out FILE``: the schedule as CSV, Excel or calendar."""

from __future__ import annotations

from pathlib import Path

import typer

from gaugeopt.cli.common import (
    EXIT_OK,
    bad_input_exits,
    fail,
    out,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.cli.plan_input import read_plan, refuse_broken, unchecked_option
from gaugeopt.cli.report import empty_exit

SUFFIXES = (".csv", ".xlsx", ".ics")


def export(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="Instance file (JSON)."),
    solution: str = typer.Argument(
        ...,
        metavar="SOLUTION",
        help="Solution file (JSON) for that instance, or the *.overrun.json that solve "
        "writes beside a day that does not fit its horizon.",
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
    crew: str | None = typer.Option(
        None, "--crew", help="Only this crew's tasks: its own calendar (.ics only)."
    ),
    unchecked: bool = unchecked_option(),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Export the schedule, the format taken from the suffix of --out.

    Times are clock times: the date and time with the instance's epoch, else "day 1 09:00" counted from t = 0.

    The plan is checked first: one that breaks a rule is refused (exit 1, its first violations on stderr) unless --unchecked is given, and then every sheet, row and event says it is unchecked.

    A calendar (.ics) needs real dates, so without an epoch it is refused (exit 2); --crew ID writes that crew's calendar (an unknown crew: exit 2). A solution without a schedule exports nothing: exit 1 if proven infeasible, 3 if none was found in time.
    """
    from gaugeopt.export import NothingToExport
    from gaugeopt.export import export as write_export

    set_verbosity(verbose, quiet)
    if out_path.suffix.lower() not in SUFFIXES:
        raise fail(f"--out: must end in .csv, .xlsx or .ics, got {str(out_path)!r}")
    if crew is not None and out_path.suffix.lower() != ".ics":
        raise fail(
            f"--crew: one crew's tasks are written as a calendar (.ics), got {str(out_path)!r}"
        )
    plan = read_plan(instance, solution)
    if crew is not None and crew not in {c.id for c in plan.instance.station.crews}:
        known = ", ".join(c.id for c in plan.instance.station.crews) or "none"
        raise fail(f"--crew: no crew {crew!r} at the station (crews: {known})")
    refuse_broken(plan, solution, unchecked=unchecked, doing="exporting")
    with bad_input_exits():
        try:
            path = write_export(
                plan.instance, plan.solution, out_path, epoch=epoch, notes=plan.notes, crew=crew
            )
        except NothingToExport as exc:
            raise fail(str(exc), empty_exit(plan.solution)) from None
        except OSError as exc:
            raise fail(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    out.print(f"wrote {path}", markup=False)
    raise typer.Exit(EXIT_OK)
