"""``gaugeopt report``: Gantt charts and KPIs of a solution, as PNG or self-contained HTML."""

from __future__ import annotations

from pathlib import Path

import typer

from gaugeopt.cli import app
from gaugeopt.cli.common import EXIT_VIOLATIONS, bad_input_exits, fail, load, out
from gaugeopt.model.io import read_instance, read_solution


@app.command()
def report(
    instance: str = typer.Argument(..., help="Instance file (JSON)."),
    solution: str = typer.Argument(..., help="Solution file (JSON) for that instance."),
    out_path: Path = typer.Option(
        ..., "--out", "-o", help="Report to write: PATH.html (interactive) or PATH.png."
    ),
) -> None:
    """Draw the schedule (resources, trains, bogie stock) and its KPIs; never solves."""
    # Plotting libraries load only when a report is drawn.
    from gaugeopt.report import NothingToDraw
    from gaugeopt.report import report as write_report

    inst = load(read_instance, instance)
    sol = load(read_solution, solution)
    with bad_input_exits():
        try:
            path = write_report(inst, sol, out_path)
        except NothingToDraw as exc:
            raise fail(str(exc), EXIT_VIOLATIONS) from None
        except OSError as exc:
            raise fail(f"{out_path}: cannot write ({exc.strerror or exc})") from None
    out.print(f"wrote {path}", markup=False)
