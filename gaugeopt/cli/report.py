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
    out,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.cli.plan_input import read_plan, refuse_broken, unchecked_option
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
        ...,
        metavar="SOLUTION",
        help="Solution file (JSON) for that instance, or the *.overrun.json that solve "
        "writes beside a day that does not fit its horizon.",
    ),
    out_path: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Report to write: PATH.html (interactive), PATH.png, PATH.svg or PATH.pdf"
        " (missing folders are created).",
    ),
    simulation: str | None = typer.Option(
        None, "--simulation", help="Also draw each train's dwell under delays (simulate --json)."
    ),
    unchecked: bool = unchecked_option(),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Draw the schedule (resources, trains, bogie stock) and its KPIs; never solves.

    The plan is checked first: one that breaks a rule is refused (exit 1, its first violations on stderr) unless --unchecked is given, and then every page says it is unchecked. A solution without a schedule draws nothing: exit 1 if it is proven infeasible, 3 if none was found in time.
    """
    set_verbosity(verbose, quiet)
    check_suffix("--out", out_path)
    # Plotting libraries load only when a report is drawn.
    from gaugeopt.bounds import train_dwell_bounds
    from gaugeopt.report import NothingToDraw, report_files
    from gaugeopt.report.simulation import read_simulation, simulation_page

    plan = read_plan(instance, solution)
    refuse_broken(plan, solution, unchecked=unchecked, doing="drawing")
    inst = plan.instance
    sim = None if simulation is None else load(lambda p: read_simulation(p, inst.name), simulation)
    # Missing folders are created, as for every file gaugeopt writes, and named.
    created = next((p for p in reversed(out_path.parents) if not p.exists()), None)
    with bad_input_exits():
        try:
            paths = report_files(
                inst,
                plan.solution,
                out_path,
                dwell_bounds=train_dwell_bounds(inst),
                notes=plan.notes,
            )
            paths += [simulation_page(sim, out_path)] if sim is not None else []
        except NothingToDraw as exc:
            raise fail(str(exc), empty_exit(plan.solution)) from None
        except OSError as exc:
            raise fail(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    if created is not None:
        out.print(f"created folder {created}", markup=False)
    for path in paths:
        out.print(f"wrote {path}", markup=False)
    raise typer.Exit(EXIT_OK)
