"""Shared CLI plumbing: consoles, exit codes, verbosity, JSON output and bad input."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

try:
    from typer._click.exceptions import UsageError
except ImportError:  # a typer that does not vendor click
    from click.exceptions import UsageError  # type: ignore[assignment,no-redef,unused-ignore]

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

#: What each exit code means, for the ``--help`` footers (README "Exit codes").
EXIT_MEANINGS = {
    0: "done",
    1: "violations found or proven infeasible",
    2: "bad input",
    3: "no schedule within the time limit",
}


def exit_codes_help(codes: tuple[int, ...] = tuple(EXIT_MEANINGS)) -> str:
    """The ``--help`` footer listing the exit codes a command can give."""
    return "Exit codes: " + "; ".join(f"{c} {EXIT_MEANINGS[c]}" for c in codes) + "."


#: The footer of ``gaugeopt --help``: every code of every command.
EXIT_CODES_HELP = exit_codes_help()

#: Shown where a value is missing (never "None").
MISSING = "—"

out = Console(highlight=False)
if not out.is_terminal:  # piped output: wide enough that tables do not wrap
    out = Console(highlight=False, width=160)
err = Console(stderr=True, highlight=False, soft_wrap=True)

log = logging.getLogger("gaugeopt")

T = TypeVar("T")


def _value_word(param: Any) -> str:
    """What an option takes, in one word, with its range: ``N >= 1``, ``X >= 0.1``."""
    if param.metavar:
        return str(param.metavar)
    kind = param.type_descriptor.annotation
    word = {int: "N", float: "X", Path: "PATH"}.get(kind, "TEXT")
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        return f"{word} {_number(low)}..{_number(high)}"
    if low is not None:
        return f"{word} >= {_number(low)}"
    return word if high is None else f"{word} <= {_number(high)}"


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def _plain_help(command: TyperCommand | TyperGroup, ctx: Any) -> None:
    """One style for every ``--help``: a flag shows no value (typer 0.29 prints ``<bool>``);
    an option shows one word for its value with its range (``N >= 1``, not ``<int range>
    [x>=1]``); an argument shows only its name."""
    for param in command.get_params(ctx):
        if getattr(param, "is_flag", False):
            word = ""
        elif param.param_type_name == "argument":
            word = None
        else:
            word = _value_word(param)
        param.display_type_rich = lambda ctx, word=word: word  # type: ignore[attr-defined]
        param._get_number_range_help_str = lambda: None  # type: ignore[attr-defined]


def usage_name(param: Any) -> str:
    """An argument in the usage line: ``INSTANCE``, ``[DIR]``, ``PATH...``."""
    name = str(param.metavar or param.name.upper())
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name if param.required else f"[{name}]"


class Command(TyperCommand):
    """A command whose help follows :func:`_plain_help` and whose usage line names its
    arguments as the README does (``gaugeopt solve [OPTIONS] INSTANCE``)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_help(self, ctx)
        super().format_help(ctx, formatter)

    def make_context(self, info_name: str | None, args: list[str], *rest: Any, **kw: Any) -> Any:
        """A bad option or argument is one line on stderr and exit 2, as bad input in a file
        is (not click's framed usage block)."""
        try:
            return super().make_context(info_name, args, *rest, **kw)
        except UsageError as exc:
            message = " ".join(exc.format_message().split())
            raise fail(f"{message} (gaugeopt {info_name} --help lists the options)") from None

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [
            usage_name(p) for p in self.get_params(ctx) if p.param_type_name == "argument"
        ]


class Group(TyperGroup):
    """The top-level group, with the same help rendering as :class:`Command`."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _plain_help(self, ctx)
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


def load(reader: Callable[[str], T], path: str, *, as_json: bool = False) -> T:
    """Read a file with ``reader``; bad input exits with code 2, naming the file (with
    ``as_json``, ``--json``: also as one JSON object on stdout, ``{"valid": false, ...}``)."""
    try:
        return reader(path)
    except InputError as exc:
        text = str(exc)
        message = text if text.startswith(str(path)) else f"{path}: {text}"
        if as_json:
            print_json({"valid": False, "file": str(path), "error": message})
        raise fail(message) from None


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
