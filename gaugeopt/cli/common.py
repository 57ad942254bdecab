"""Shared CLI plumbing: consoles, exit codes, verbosity, JSON output and bad input."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution

#: Exit codes shared by every command (README "Exit codes").
EXIT_OK = 0
#: Violations found (check), or the instance is proven infeasible (solve, report, export).
EXIT_VIOLATIONS = 1
EXIT_INFEASIBLE = 1
#: Bad input: an unreadable or invalid file or option, or files that do not belong together.
EXIT_BAD_INPUT = 2
#: No schedule within the time limit (solve), or a solution that holds none (report, export).
EXIT_NO_SCHEDULE = 3

#: The exit-code table, shown under every command's ``--help``.
EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 violations found or proven infeasible; "
    "2 bad input; 3 no schedule within the time limit."
)

#: Shown where a value is missing (never "None").
MISSING = "—"

out = Console(highlight=False)
if not out.is_terminal:  # piped output: wide enough that tables do not wrap
    out = Console(highlight=False, width=160)
err = Console(stderr=True, highlight=False, soft_wrap=True)

log = logging.getLogger("gaugeopt")

T = TypeVar("T")


def _flags_without_metavar(command: TyperCommand | TyperGroup, ctx: Any) -> None:
    """A flag takes no value: show none (typer 0.29 prints ``<bool>`` after each flag)."""
    for param in command.get_params(ctx):
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""


class Command(TyperCommand):
    """A command whose help shows flags as flags (``--quiet -q``, not ``--quiet -q <bool>``)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _flags_without_metavar(self, ctx)
        super().format_help(ctx, formatter)


class Group(TyperGroup):
    """The top-level group, with the same help rendering as :class:`Command`."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _flags_without_metavar(self, ctx)
        super().format_help(ctx, formatter)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print one error line to stderr and return the Exit to raise."""
    err.print(f"error: {message}", markup=False)
    return typer.Exit(code)


@contextmanager
def bad_input_exits() -> Iterator[None]:
    """Turn an :class:`InputError` into one line on stderr and exit code 2."""
    try:
        yield
    except InputError as exc:
        raise fail(str(exc)) from None


def load(reader: Callable[[str], T], path: str) -> T:
    """Read a file with ``reader``; bad input exits with code 2, naming the file."""
    try:
        return reader(path)
    except InputError as exc:
        text = str(exc)
        raise fail(text if text.startswith(str(path)) else f"{path}: {text}") from None


def print_json(data: dict[str, Any]) -> None:
    """One JSON object on stdout (``--json``): nothing else goes to stdout then."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --- verbosity ---------------------------------------------------------------------------


class _ConsoleHandler(logging.Handler):
    """Log records as lines on stderr (the console resolves stderr at each call)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            err.print(self.format(record), markup=False)
        except Exception:  # a broken stderr must not turn a log line into a crash
            self.handleError(record)


def verbose_option() -> Any:
    return typer.Option(False, "--verbose", "-v", help="Log details on stderr (level DEBUG).")


def quiet_option(help: str = "Only errors on stderr.") -> Any:
    return typer.Option(False, "--quiet", "-q", help=help)


def set_verbosity(verbose: bool, quiet: bool) -> None:
    """Route the ``gaugeopt`` logger to stderr; ``--verbose`` DEBUG, ``--quiet`` ERROR.

    Without either flag, warnings show (each command sets the level afresh, so one run's
    ``--quiet`` does not silence the next command run in the same process).
    """
    if verbose and quiet:
        raise fail("--verbose and --quiet: choose one")
    if not any(isinstance(h, _ConsoleHandler) for h in log.handlers):
        handler = _ConsoleHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
    if verbose:
        log.setLevel(logging.DEBUG)
    elif quiet:
        log.setLevel(logging.ERROR)
    else:
        log.setLevel(logging.WARNING)


# --- files that do not belong together ------------------------------------------------------


def _lost(lost: int, of: int, what: str) -> str:
    """``3 of its 4 trains are not in the instance``; ``its only train is not ...``."""
    if of == 1:
        return f"its only {what} is not in the instance"
    return f"{lost} of its {of} {what}s {'is' if lost == 1 else 'are'} not in the instance"


def mismatch(instance: Instance, solution: Solution) -> str | None:
    """Why ``solution`` is plainly for another instance, or None if it may be for this one.

    Plainly: at least half of its trains, or of its tasks' carriages, are unknown here, or
    it names another instance and holds no train to compare. A solution that only names
    another instance but matches its trains is checked as usual (the name is a violation).
    """
    if solution.instance != instance.name:
        named = f"the solution is for instance {solution.instance!r}, not {instance.name!r}"
    else:
        named = f"the solution does not fit instance {instance.name!r}"
    trains = {t.id for t in instance.trains}
    cars = {c.id for t in instance.trains for c in t.carriages}
    plan_ids = [p.id for p in solution.trains]
    task_cars = {t.carriage for t in solution.tasks if t.carriage is not None}
    lost_trains = sum(1 for i in plan_ids if i not in trains)
    lost_cars = len(task_cars - cars)
    if plan_ids and 2 * lost_trains >= len(plan_ids):
        return f"{named}: {_lost(lost_trains, len(plan_ids), 'train')}"
    if task_cars and 2 * lost_cars >= len(task_cars):
        return f"{named}: {_lost(lost_cars, len(task_cars), 'carriage')}"
    if not plan_ids and solution.instance != instance.name:
        return named
    return None
