"""``gaugeopt check INSTANCE SOLUTION``: list every rule a solution breaks."""

from __future__ import annotations

from dataclasses import asdict

import typer

from gaugeopt.checker import check
from gaugeopt.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    fail,
    load,
    mismatch,
    out,
    print_json,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.model.io import read_instance, read_solution


def check_command(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="Instance file (JSON)."),
    solution: str = typer.Argument(..., metavar="SOLUTION", help="Solution file (JSON)."),
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object (valid, count, violations) instead."
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Check a solution against its instance: one line per violation.

    Exit 0 when valid, 1 when any rule is broken, 2 when a file is unreadable or invalid, or when the solution is plainly for another instance (one line says so).
    """
    set_verbosity(verbose, quiet)
    inst = load(read_instance, instance, as_json=as_json)
    sol = load(read_solution, solution, as_json=as_json)
    wrong = mismatch(inst, sol)
    if wrong is not None:
        raise fail(f"{solution}: {wrong}")
    # A solution named for another instance: say so first, then the rest.
    violations = sorted(check(inst, sol), key=lambda v: v.rule != "instance")
    if as_json:
        print_json(
            {
                "instance": inst.name,
                "solution": solution,
                "status": sol.status,
                "valid": not violations,
                "count": len(violations),
                "violations": [asdict(v) for v in violations],
            }
        )
    else:
        for v in violations:
            out.print(str(v), markup=False)
        n = len(violations)
        text = f"{n} violation{'s' if n != 1 else ''}" if n else "OK: 0 violations"
        out.print(text, markup=False)
    raise typer.Exit(EXIT_VIOLATIONS if violations else EXIT_OK)
