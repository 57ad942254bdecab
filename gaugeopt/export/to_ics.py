"""``.ics`` export: one calendar event per task, with its crew and track in the event.

A calendar needs real dates: the instance's ``epoch`` (or one given to the export) places
t = 0. Events are written in UTC, so that every calendar shows them at the right local time.
A task of zero minutes is an event that ends when it starts.
"""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event

from gaugeopt.clock import Clock, duration
from gaugeopt.errors import InputError
from gaugeopt.export.tables import sorted_tasks
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task
from gaugeopt.version import __version__

NEEDS_EPOCH = (
    "a calendar needs the wall-clock time of t = 0: set the instance's epoch "
    '(e.g. "epoch": "2025-09-02T00:00:00+08:00") or pass --epoch'
)


def _what(task: Task) -> str:
    if task.carriage is not None:
        return f"{task.op} {task.carriage}"
    if task.block is not None:
        return f"{task.op} block {task.block}"
    return task.op


def _event(instance: Instance, task: Task, clock: Clock, stamp: datetime) -> Event:
    start, end = clock.moment(task.start), clock.moment(task.end)
    assert start is not None and end is not None  # the caller checked the epoch
    who = [f"crew {task.crew}" if task.crew else "", f"track {task.track}" if task.track else ""]
    resources = [r for r in (task.crew, task.track, task.shunter, task.locomotive) if r]
    details = [
        f"train {task.train}",
        f"operation {task.op}",
        f"carriage {task.carriage}" if task.carriage is not None else "",
        f"block {task.block}" if task.block is not None else "",
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
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", " · ".join([f"{task.train} {_what(task)}", *filter(None, who)]))
    event.add("description", "\n".join(d for d in details if d))
    place = instance.station.name + (f", track {task.track}" if task.track else "")
    event.add("location", place)
    if resources:
        event.add("resources", resources)
    event.add("categories", [task.op])
    return event


def ics_bytes(instance: Instance, solution: Solution, clock: Clock) -> bytes:
    """The calendar file; :class:`InputError` without an epoch."""
    if clock.epoch is None:
        raise InputError(NEEDS_EPOCH)
    cal = Calendar()
    cal.add("prodid", f"-//gaugeopt {__version__}//schedule export//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{instance.name} ({instance.station.name})")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for task in sorted_tasks(solution):
        cal.add_component(_event(instance, task, clock, stamp))
    data: bytes = cal.to_ical()
    return data
