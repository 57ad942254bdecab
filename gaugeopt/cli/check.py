"""``gaugeopt check INSTANCE SOLUTION``: list every rule a solution breaks."""

from __future__ import annotations

from dataclasses import asdict

import typer

from gaugeopt.checker import check
from gaugeopt.cli.common import (
    EXIT_OK,
    EXIT_VIOLATIONS,
    out,
    print_json,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.cli.plan_input import read_plan


def check_command(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="Instance file (JSON)."),
    solution: str = typer.Argument(
        ...,
        metavar="SOLUTION",
        help="Solution file (JSON), or the *.overrun.json that solve writes beside a day "
        "that does not fit its horizon (checked against the lifted instance it records).",
    ),
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
    plan = read_plan(instance, solution, as_json=as_json)
    inst, sol = plan.instance, plan.solution
    # A solution named for another instance: say so first, then the rest.
    violations = sorted(check(inst, sol), key=lambda v: v.rule != "instance")
    if as_json:
        # An overrun file adds its note (the schedule is checked on the lifted instance).
        overrun = {"overrun": plan.notes[0]} if plan.overrun is not None else {}
        print_json(
            {
                "instance": inst.name,
                "solution": solution,
                "status": sol.status,
                **overrun,
                "valid": not violations,
                "count": len(violations),
                "violations": [asdict(v) for v in violations],
            }
        )
    else:
        for note in plan.notes:
            out.print(note, markup=False)
        for v in violations:
            out.print(str(v), markup=False)
        n = len(violations)
        text = f"{n} violation{'s' if n != 1 else ''}" if n else "OK: 0 violations"
        out.print(text, markup=False)
    raise typer.Exit(EXIT_VIOLATIONS if violations else EXIT_OK)
