"""``gaugeopt report``: Gantt charts and KPIs of a solution, as PNG, SVG, PDF or HTML."""

from __future__ import annotations

from pathlib import Path

import typer

from gaugeopt.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_NO_SCHEDULE,
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
from gaugeopt.model.io import read_instance, read_solution
from gaugeopt.model.solution import Solution

#: Report files by suffix: matplotlib draws the static ones, plotly the HTML page.
REPORT_SUFFIXES = (".png", ".svg", ".pdf", ".html")


def check_suffix(option: str, path: Path) -> None:
    """Exit 2 before any work when ``path`` is not a report file this tool writes."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        *most, last = REPORT_SUFFIXES
        raise fail(f"{option}: must end in {', '.join(most)} or {last}, got {str(path)!r}")


def empty_exit(solution: Solution) -> int:
    """The exit code for a solution without a schedule: 1 infeasible, 3 none found."""
    return EXIT_INFEASIBLE if solution.status == "infeasible" else EXIT_NO_SCHEDULE


def report(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="Instance file (JSON)."),
    solution: str = typer.Argument(
        ..., metavar="SOLUTION", help="Solution file (JSON) for that instance."
    ),
    out_path: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Report to write: PATH.html (interactive), PATH.png, PATH.svg or PATH.pdf"
        " (missing folders are created).",
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Draw the schedule (resources, trains, bogie stock) and its KPIs; never solves.

    A solution without a schedule draws nothing: exit 1 if it is proven infeasible, 3 if none was found in time.
    """
    set_verbosity(verbose, quiet)
    check_suffix("--out", out_path)
    # Plotting libraries load only when a report is drawn.
    from gaugeopt.bounds import train_dwell_bounds
    from gaugeopt.report import NothingToDraw, report_files

    inst = load(read_instance, instance)
    sol = load(read_solution, solution)
    wrong = mismatch(inst, sol)
    if wrong is not None:
        raise fail(f"{solution}: {wrong}")
    # Missing folders are created, as for every file gaugeopt writes, and named.
    created = next((p for p in reversed(out_path.parents) if not p.exists()), None)
    with bad_input_exits():
        try:
            paths = report_files(inst, sol, out_path, dwell_bounds=train_dwell_bounds(inst))
        except NothingToDraw as exc:
            raise fail(str(exc), empty_exit(sol)) from None
        except OSError as exc:
            raise fail(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    if created is not None:
        out.print(f"created folder {created}", markup=False)
    for path in paths:
        out.print(f"wrote {path}", markup=False)
    raise typer.Exit(EXIT_OK)
