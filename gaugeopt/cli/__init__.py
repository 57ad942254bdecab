# ruff: noqa: E402  (Ctrl-C is deferred before the slow imports, see below)
"""The ``gaugeopt`` command line: one module per command, each added to one typer app here.

A command module only defines its function; :data:`COMMANDS` lists them all, and importing
a module never changes the app.
"""

from __future__ import annotations

import sys

from gaugeopt.cli.interrupt import defer_during_startup

# First, before the slow imports: a Ctrl-C while ``gaugeopt solve`` starts up stops it
# cleanly (gaugeopt.cli.interrupt) instead of raising in the middle of an import.
defer_during_startup(sys.argv)

from collections.abc import Callable
from typing import Any

import typer

from gaugeopt import __version__
from gaugeopt.cli import (
    bench,
    check,
    export,
    generate,
    replan,
    report,
    simulate,
    solve,
    validate,
    whatif,
)
from gaugeopt.cli.common import EXIT_CODES_HELP, Command, Group, exit_codes_help

#: (name, function, the exit codes it can give) of every command, in the order ``gaugeopt
#: --help`` lists them; each command's ``--help`` lists its own codes.
COMMANDS: list[tuple[str, Callable[..., Any], tuple[int, ...]]] = [
    ("solve", solve.solve, (0, 1, 2, 3)),
    ("check", check.check_command, (0, 1, 2)),
    ("validate", validate.validate, (0, 1, 2)),
    ("report", report.report, (0, 1, 2, 3)),
    ("export", export.export, (0, 1, 2, 3)),
    ("replan", replan.replan, (0, 1, 2, 3)),
    ("whatif", whatif.whatif, (0, 2)),
    ("simulate", simulate.simulate, (0, 1, 2, 3)),
    ("generate", generate.generate, (0, 2)),
    ("bench", bench.bench, (0, 2)),
    ("schema", validate.schema, (0,)),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gaugeopt {__version__}")
        raise typer.Exit(0)


def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Optimal schedules for break-of-gauge border stations."""


def build_app() -> typer.Typer:
    """The ``gaugeopt`` app with every command of :data:`COMMANDS`."""
    cli = typer.Typer(
        name="gaugeopt",
        cls=Group,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
        epilog=EXIT_CODES_HELP,
    )
    cli.callback()(_root)
    for name, function, codes in COMMANDS:
        epilog = exit_codes_help(codes) if codes != (0,) else None  # schema: always 0
        cli.command(name, cls=Command, epilog=epilog)(function)
    return cli


app = build_app()


def main() -> None:
    """Console-script entry point."""
    app()
