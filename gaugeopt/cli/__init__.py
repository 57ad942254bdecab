"""The ``gaugeopt`` command line: one module per command, registered on one typer app."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="gaugeopt",
    help="Optimal schedules for break-of-gauge border stations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # Imported for their side effect: each module adds its command to `app`.
    from gaugeopt.cli import bench, check, generate, report, solve, validate  # noqa: F401


def main() -> None:
    """Console-script entry point."""
    _register()
    app()
