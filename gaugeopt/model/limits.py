"""How much an input file may hold, so that a hostile or mistaken file is refused at once.

An instance or solution file is read only up to :attr:`InputLimits.megabytes` (``validate
/dev/zero`` stops there); a file that parses is then counted before it is validated: trains,
carriages per train and the items of any one list. The defaults are far above any real
station's day (the Erenhot day of 33 trains is 60 kB; its solution under 3 MB) and each can
be raised through an environment variable (docs/file-formats.md, "Limits").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from gaugeopt.errors import InputError, format_path, id_label

#: The environment variable that overrides each limit.
ENVIRONMENT = {
    "megabytes": "GAUGEOPT_MAX_MB",
    "trains": "GAUGEOPT_MAX_TRAINS",
    "carriages": "GAUGEOPT_MAX_CARRIAGES",
    "items": "GAUGEOPT_MAX_ITEMS",
}


@dataclass(frozen=True)
class InputLimits:
    """The most an input file may hold (see the module docstring)."""

    #: size of the file in megabytes (10^6 bytes)
    megabytes: float = 32.0
    #: trains of an instance or a solution
    trains: int = 2_000
    #: carriages of one train
    carriages: int = 1_000
    #: items of any other list (crews, shifts, tasks, ...)
    items: int = 500_000

    @classmethod
    def from_environment(cls) -> InputLimits:
        """The defaults, each overridden by its environment variable (:data:`ENVIRONMENT`)
        when set; a value that is not a positive number is an :class:`InputError`."""
        values: dict[str, Any] = {}
        for field, name in ENVIRONMENT.items():
            text = os.environ.get(name)
            if text is None:
                continue
            try:
                value = float(text) if field == "megabytes" else int(text)
            except ValueError:
                value = 0
            if not value > 0 or value == float("inf"):
                raise InputError(f"must be a positive number, got {text!r}", path=name)
            values[field] = value
        return cls(**values)

    @property
    def bytes(self) -> int:
        """The size limit in bytes."""
        return int(self.megabytes * 1_000_000)

    def check_counts(self, data: Any, source: str) -> None:
        """Refuse ``data`` (a parsed file) with more trains, carriages or list items than
        allowed, naming the list."""
        trains = data.get("trains") if isinstance(data, dict) else None
        if isinstance(trains, list) and len(trains) > self.trains:
            self._refuse(source, "trains", len(trains), self.trains, "trains")
        for i, train in enumerate(trains if isinstance(trains, list) else []):
            cars = train.get("carriages") if isinstance(train, dict) else None
            if isinstance(cars, list) and len(cars) > self.carriages:
                ident = train.get("id")
                label = id_label(ident) if isinstance(ident, str) and ident else str(i)
                where = f"trains[{label}].carriages"
                self._refuse(source, where, len(cars), self.carriages, "carriages")
        self._check_lists(data, source)

    def _check_lists(self, data: Any, source: str) -> None:
        stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
        while stack:
            item, where = stack.pop()
            if isinstance(item, dict):
                stack.extend((v, (*where, k)) for k, v in item.items())
            elif isinstance(item, list):
                if len(item) > self.items:
                    self._refuse(source, format_path(where), len(item), self.items, "items")
                stack.extend((v, (*where, k)) for k, v in enumerate(item))

    @staticmethod
    def _refuse(source: str, where: str, count: int, most: int, what: str) -> None:
        """Named by the list's path: its items by index (naming them by id would mean
        counting every id of a file refused for its size)."""
        raise InputError(
            f"{where}: {count:,} {what}, more than the {most:,} allowed "
            f"(set {ENVIRONMENT[what]} to allow more)",
            path=source,
        )
