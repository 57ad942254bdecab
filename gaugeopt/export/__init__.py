"""Exports of a schedule for people and other tools, the format taken from the file suffix.

* ``.csv``: the tasks with clock times (:mod:`gaugeopt.export.to_csv`);
* ``.xlsx``: trains, tasks and a printable roster per crew and per track
  (:mod:`gaugeopt.export.to_xlsx`);
* ``.ics``: one calendar event per task (:mod:`gaugeopt.export.to_ics`; needs an ``epoch``),
  or one crew's tasks only (``crew=``).

``notes`` are warnings every file carries where a person reads it (a plan exported
unchecked, an overrun schedule): a ``warning`` column of the CSV, row 2 and the printed
page header of every sheet, the calendar's description and each event's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from gaugeopt.clock import Clock, parse_epoch
from gaugeopt.errors import InputError
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import atomic_write_bytes
from gaugeopt.model.solution import Solution

__all__ = ["FORMATS", "NothingToExport", "export", "export_bytes"]

Writer = Callable[[Instance, Solution, Clock, Sequence[str], str | None], bytes]


class NothingToExport(ValueError):
    """The solution holds no schedule (status ``infeasible`` or ``unknown``)."""

    def __init__(self, status: str) -> None:
        self.status = status
        super().__init__(f"nothing to export: status {status}")


def _csv(
    instance: Instance, solution: Solution, clock: Clock, notes: Sequence[str], crew: str | None
) -> bytes:
    from gaugeopt.export.to_csv import csv_bytes

    return csv_bytes(instance, solution, clock, notes)


def _xlsx(
    instance: Instance, solution: Solution, clock: Clock, notes: Sequence[str], crew: str | None
) -> bytes:
    try:
        from gaugeopt.export.to_xlsx import xlsx_bytes
    except ImportError as exc:  # an optional dependency left out of the environment
        raise InputError(f".xlsx export needs openpyxl ({exc}); pip install openpyxl") from None
    return xlsx_bytes(instance, solution, clock, notes)


def _ics(
    instance: Instance, solution: Solution, clock: Clock, notes: Sequence[str], crew: str | None
) -> bytes:
    try:
        from gaugeopt.export.to_ics import ics_bytes
    except ImportError as exc:
        raise InputError(f".ics export needs icalendar ({exc}); pip install icalendar") from None
    return ics_bytes(instance, solution, clock, notes, crew=crew)


#: The writer of each suffix.
FORMATS: dict[str, Writer] = {".csv": _csv, ".xlsx": _xlsx, ".ics": _ics}


def _clock(instance: Instance, epoch: str | None) -> Clock:
    if epoch is None:
        return Clock.of(instance)
    try:
        return Clock(parse_epoch(epoch))
    except ValueError:
        raise InputError(
            f"must be an ISO 8601 date and time with its UTC offset, "
            f"e.g. 2025-09-02T00:00:00+08:00, got {epoch!r}",
            path="epoch",
        ) from None


def export_bytes(
    instance: Instance,
    solution: Solution,
    suffix: str,
    *,
    epoch: str | None = None,
    notes: Sequence[str] = (),
    crew: str | None = None,
) -> bytes:
    """The exported file's content for ``suffix`` (``.csv``, ``.xlsx`` or ``.ics``).

    ``epoch`` (ISO 8601 with offset) places t = 0 instead of the instance's own; ``notes``
    are warnings every file carries (module doc); ``crew`` keeps one crew's tasks (``.ics``
    only). Raises :class:`InputError` for an unknown suffix, a bad epoch, an ``.ics``
    without one, a crew the station does not have or a crew with another format, and
    :class:`NothingToExport` for a solution without a schedule.
    """
    writer = FORMATS.get(suffix.lower())
    if writer is None:
        raise InputError(f"must end in .csv, .xlsx or .ics, got {suffix or 'no suffix'!r}")
    clock = _clock(instance, epoch)
    if crew is not None:
        if suffix.lower() != ".ics":
            raise InputError(f"one crew's calendar is an .ics file, got {suffix!r}", path="crew")
        if crew not in {c.id for c in instance.station.crews}:
            known = ", ".join(c.id for c in instance.station.crews) or "none"
            raise InputError(f"no crew {crew!r} at the station (crews: {known})", path="crew")
    if solution.status not in ("optimal", "feasible"):
        raise NothingToExport(solution.status)
    return writer(instance, solution, clock, notes, crew)


def export(
    instance: Instance,
    solution: Solution,
    path: str | os.PathLike[str],
    *,
    epoch: str | None = None,
    notes: Sequence[str] = (),
    crew: str | None = None,
) -> Path:
    """Write the export to ``path``, the format by its suffix; the file is replaced whole
    (see :func:`export_bytes` for the options)."""
    target = Path(path)
    try:
        data = export_bytes(instance, solution, target.suffix, epoch=epoch, notes=notes, crew=crew)
    except InputError as exc:
        raise InputError(str(exc), path=str(target)) from None
    atomic_write_bytes(target, data)
    return target
