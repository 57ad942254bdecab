"""``.ics`` export: one calendar event per task, with its crew and track in the event.

A calendar needs real dates: the instance's ``epoch`` (or one given to the export) places
t = 0. Events are written in UTC, so that every calendar shows them at the right local time.
A task of zero minutes is an event that ends when it starts.

Updates: each event's ``UID`` names the task (instance, train, operation, carriage or
block index), so it stays the same when a replanned day is exported again; ``DTSTAMP`` and
``LAST-MODIFIED`` are the moment of the export and ``SEQUENCE`` the minutes from
2020-01-01 UTC to it, so a later export has a higher sequence and a calendar app that
imports it replaces the events it already shows. ``crew=`` writes one crew's calendar: its
tasks only, the crew in the calendar's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from icalendar import Calendar, Event

from gaugeopt.clock import Clock, duration
from gaugeopt.errors import InputError
from gaugeopt.export.tables import sorted_tasks
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task
from gaugeopt.version import __version__
from gaugeopt.wording import block_name

NEEDS_EPOCH = (
    "a calendar needs the wall-clock time of t = 0: set the instance's epoch "
    '(e.g. "epoch": "2025-09-02T00:00:00+08:00") or pass --epoch'
)


def _what(task: Task) -> str:
    if task.carriage is not None:
        return f"{task.op} {task.carriage}"
    if task.block is not None:
        return f"{task.op} {block_name(task.block)}"
    return task.op


#: SEQUENCE counts minutes from this moment to the export.
SEQUENCE_ORIGIN = datetime(2020, 1, 1, tzinfo=UTC)


def sequence(stamp: datetime) -> int:
    """The ``SEQUENCE`` of an export made at ``stamp``: minutes since 2020-01-01 UTC."""
    return max(0, int((stamp - SEQUENCE_ORIGIN).total_seconds() // 60))


def _event(
    instance: Instance, task: Task, clock: Clock, stamp: datetime, notes: Sequence[str]
) -> Event:
    start, end = clock.moment(task.start), clock.moment(task.end)
    assert start is not None and end is not None  # the caller checked the epoch
    who = [f"crew {task.crew}" if task.crew else "", f"track {task.track}" if task.track else ""]
    resources = [r for r in (task.crew, task.track, task.shunter, task.locomotive) if r]
    details = [
        f"train {task.train}",
        f"operation {task.op}",
        f"carriage {task.carriage}" if task.carriage is not None else "",
        block_name(task.block) if task.block is not None else "",
        f"crew {task.crew}" if task.crew else "no crew",
        f"track {task.track}" if task.track else "",
        f"shunter {task.shunter}" if task.shunter else "",
        f"locomotive {task.locomotive}" if task.locomotive else "",
        f"{clock.span(task.start, task.end)} ({duration(task.end - task.start)})",
    ]
    event = Event()
    key = [instance.name, task.train, task.op]
    key += [task.carriage] if task.carriage is not None else []
    key += [f"block{task.block}"] if task.block is not None else []
    event.add("uid", ".".join(key) + "@gaugeopt")
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence(stamp))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", " · ".join([f"{task.train} {_what(task)}", *filter(None, who)]))
    event.add("description", "\n".join(d for d in [*notes, *details] if d))
    place = instance.station.name + (f", track {task.track}" if task.track else "")
    event.add("location", place)
    if resources:
        event.add("resources", resources)
    event.add("categories", [task.op])
    return event


def ics_bytes(
    instance: Instance,
    solution: Solution,
    clock: Clock,
    notes: Sequence[str] = (),
    *,
    crew: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """The calendar file (every task, or ``crew``'s only); ``notes`` go into the
    calendar's description and each event's; ``now`` is the export's moment (default: the
    clock). :class:`InputError` without an epoch."""
    if clock.epoch is None:
        raise InputError(NEEDS_EPOCH)
    cal = Calendar()
    cal.add("prodid", f"-//gaugeopt {__version__}//schedule export//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    who = f" crew {crew}" if crew is not None else ""
    cal.add("x-wr-calname", f"{instance.name}{who} ({instance.station.name})")
    if notes:
        cal.add("x-wr-caldesc", " ".join(notes))
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    for task in sorted_tasks(solution):
        if crew is None or task.crew == crew:
            cal.add_component(_event(instance, task, clock, stamp, notes))
    data: bytes = cal.to_ical()
    return data
