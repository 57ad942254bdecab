"""Shared CLI plumbing: consoles and the exit-code contract for bad input."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.console import Console

from gaugeopt.errors import InputError

#: Exit codes shared by every command.
EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2
EXIT_NO_SCHEDULE = 3

out = Console(highlight=False)
if not out.is_terminal:  # piped output: wide enough that tables do not wrap
    out = Console(highlight=False, width=160)
err = Console(stderr=True, highlight=False, soft_wrap=True)

T = TypeVar("T")


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
