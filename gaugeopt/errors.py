"""Errors the user can act on: bad input files (exit code 2 on the CLI)."""

from __future__ import annotations

from typing import Any


class InputError(ValueError):
    """An instance or solution file that cannot be used.

    ``str(error)`` is one line naming the field path and the bad value, e.g.
    ``trains[2].carriages[5].mass_t: must be > 0, got -3``.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


def format_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """Turn a pydantic location tuple into ``trains[2].carriages[5].mass_t``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "<root>"


def short_value(value: Any, limit: int = 60) -> str:
    """A value as it would appear in JSON, cut to one short line."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
