"""The tables every export is made of: trains, tasks and one roster per crew and per track.

Times are clock times (:mod:`gaugeopt.clock`); the raw minutes stay beside them
(``start_min``, ``end_min``, ``arrival_min``, ``departure_min``) for programs and for the
workbook's real date-times. Blocks are counted from 1 and a train's track split is worded
as everywhere else (:mod:`gaugeopt.wording`). Missing values are empty (``<NA>`` in pandas).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from gaugeopt.clock import Clock, duration
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules.reading import OP_RANK
from gaugeopt.wording import block_number, track_split

#: Columns of :func:`tasks_table`, in order.
TASK_COLUMNS = [
    "date",
    "start",
    "end",
    "minutes",
    "train",
    "op",
    "carriage",
    "block",
    "track",
    "crew",
    "shunter",
    "locomotive",
    "start_min",
    "end_min",
]
#: Columns of a roster (:func:`rosters`): what a crew or a track does, in time order.
ROSTER_COLUMNS = [
    "date",
    "start",
    "end",
    "duration",
    "train",
    "op",
    "carriage",
    "block",
    "crew",
    "track",
    "shunter",
    "start_min",
    "end_min",
]


def sorted_tasks(solution: Solution) -> list[Task]:
    """Tasks by start, then end, train and the order of operations."""
    return sorted(
        solution.tasks,
        key=lambda t: (t.start, t.end, t.train, OP_RANK[t.op], t.block or 0, t.carriage or ""),
    )


def _block(task: Task) -> int | None:
    return None if task.block is None else block_number(task.block)


def tasks_table(instance: Instance, solution: Solution, clock: Clock) -> pd.DataFrame:
    """One row per task, in time order, with its clock times and resources."""
    rows = [
        {
            "date": clock.date(t.start),
            "start": clock.at(t.start),
            "end": clock.at(t.end),
            "minutes": t.end - t.start,
            "train": t.train,
            "op": t.op,
            "carriage": t.carriage,
            "block": _block(t),
            "track": t.track,
            "crew": t.crew,
            "shunter": t.shunter,
            "locomotive": t.locomotive,
            "start_min": t.start,
            "end_min": t.end,
        }
        for t in sorted_tasks(solution)
    ]
    df = pd.DataFrame(rows, columns=TASK_COLUMNS)
    return df.astype({"block": "Int64", "minutes": "int64"})


def trains_table(instance: Instance, solution: Solution, clock: Clock) -> pd.DataFrame:
    """One row per train: mode, arrival, departure, dwell (as text and in minutes), the
    locomotive and the track split."""
    known = {t.id: t for t in instance.trains}
    rows = []
    for p in solution.trains:
        train = known.get(p.id)
        arrival = train.arrival if train is not None else None
        rows.append(
            {
                "train": p.id,
                "mode": p.mode,
                "weight": train.weight if train is not None else None,
                "carriages": len(train.carriages) if train is not None else None,
                "arrival": clock.at(arrival) if arrival is not None else None,
                "departure": clock.at(p.departure),
                "dwell": duration(p.dwell),
                "dwell_min": p.dwell,
                "locomotive": p.locomotive,
                "blocks": track_split(p),
                "arrival_min": arrival,
                "departure_min": p.departure,
            }
        )
    df = pd.DataFrame(
        rows,
        columns=[
            "train",
            "mode",
            "weight",
            "carriages",
            "arrival",
            "departure",
            "dwell",
            "dwell_min",
            "locomotive",
            "blocks",
            "arrival_min",
            "departure_min",
        ],
    )
    return df.astype(
        {"weight": "Int64", "carriages": "Int64", "dwell_min": "int64", "arrival_min": "Int64"}
    )


@dataclass(frozen=True)
class Roster:
    """What one crew or one track does: a title line and its tasks in time order."""

    kind: str  # "crew" or "track"
    id: str
    title: str
    table: pd.DataFrame


def _roster_rows(tasks: list[Task], clock: Clock) -> pd.DataFrame:
    rows = [
        {
            "date": clock.date(t.start),
            "start": clock.time(t.start),
            "end": clock.short(t.end, t.start),
            "duration": duration(t.end - t.start),
            "train": t.train,
            "op": t.op,
            "carriage": t.carriage,
            "block": _block(t),
            "crew": t.crew,
            "track": t.track,
            "shunter": t.shunter,
            "start_min": t.start,
            "end_min": t.end,
        }
        for t in tasks
    ]
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS).astype({"block": "Int64"})


def rosters(instance: Instance, solution: Solution, clock: Clock) -> list[Roster]:
    """A roster for every crew, then every track of the station (also those without work)."""
    tasks = sorted_tasks(solution)
    zone = f" (times {clock.offset})" if clock.offset else ""
    out = []
    for crew in instance.station.crews:
        mine = [t for t in tasks if t.crew == crew.id]
        title = (
            f"{instance.name}: crew {crew.id} ({', '.join(crew.skills) or 'no skills'}), "
            f"on duty {clock.spans(crew.shifts)}, {len(mine)} tasks{zone}"
        )
        table = _roster_rows(mine, clock).drop(columns=["crew"])
        out.append(Roster("crew", crew.id, title, table))
    for track in instance.station.tracks:
        mine = [t for t in tasks if t.track == track.id]
        closed = f", closed {clock.spans(track.unavailable)}" if track.unavailable else ""
        title = (
            f"{instance.name}: track {track.id} ({track.method}, {track.capacity} carriages)"
            f"{closed}, {len(mine)} tasks{zone}"
        )
        table = _roster_rows(mine, clock).drop(columns=["track"])
        out.append(Roster("track", track.id, title, table))
    return out
