"""``gaugeopt check INSTANCE SOLUTION``: list every rule a solution breaks."""

from __future__ import annotations

import typer

from gaugeopt.checker import check
from gaugeopt.cli import app
from gaugeopt.cli.common import EXIT_VIOLATIONS, load, out
from gaugeopt.model.io import read_instance, read_solution


@app.command("check")
def check_command(
    instance: str = typer.Argument(..., help="Instance file (JSON)."),
    solution: str = typer.Argument(..., help="Solution file (JSON)."),
) -> None:
    """Check a solution against its instance: one line per violation.

    Exit 0 when valid, 1 when any rule is broken, 2 when a file is unreadable or invalid.
    """
    inst = load(read_instance, instance)
    sol = load(read_solution, solution)
    violations = check(inst, sol)
    for v in violations:
        out.print(str(v), markup=False)
    if violations:
        n = len(violations)
        out.print(f"{n} violation{'s' if n != 1 else ''}", markup=False)
        raise typer.Exit(EXIT_VIOLATIONS)
    out.print("OK: 0 violations", markup=False)
