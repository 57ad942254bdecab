"""How busy each resource of the station is in a schedule (``Result.resources``, and the
report's utilisation, which shows this same table).

Utilisation has one definition: **busy minutes ÷ available minutes within the planning
window [0, horizon)**, the minutes a resource could not work (off shift, closed for
maintenance, not yet free) left out of the available ones. One row per crew, shunter, track, track's jack sets (``individual`` tracks), changer and
mainline locomotive, with the minutes it is busy, the minutes it could work inside the
planning window [0, horizon), their ratio and how many uses make up the busy minutes:

* crew: its tasks' minutes, of its shift minutes;
* shunter, changer: the minutes of the tasks that take it, of the horizon;
* track: the minutes blocks occupy it (shunt_in start to shunt_out end), of the horizon
  less its maintenance windows; jack sets: carriage-minutes lifted (lift start to lower
  end), of ``jack_sets`` times that;
* locomotive: from the attach start of the train it hauls out to that train's departure,
  of the minutes from when it is free (``available_from``; an inbound one from its
  train's detach end + ``loco_turnaround``) to the horizon.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task
from gaugeopt.rules import JACK_HOLD, LOCO_FREED_BY, TRACK_HOLD
from gaugeopt.rules.reading import CHANGER_OPS, HAUL_OPS, Reading

COLUMNS = ["kind", "resource", "busy", "available", "utilisation", "uses"]
#: The utilisation column's header wherever a person reads it (report, pages, charts).
UTILISATION_HEADER = (
    "utilisation = busy ÷ available minutes from t = 0 to the horizon "
    "(crews: on shift; tracks: open, maintenance removed)"
)


def _clipped(intervals: list[tuple[int, int]], horizon: int) -> int:
    """Minutes of [0, horizon) covered by the union of ``intervals``."""
    total, reach = 0, 0
    for a, b in sorted(intervals):
        a, b = max(a, reach, 0), min(b, horizon)
        if b > a:
            total += b - a
            reach = b
    return total


def _row(kind: str, rid: str, busy: int, available: int, uses: int) -> dict[str, object]:
    util = busy / available if available > 0 else 0.0
    return {
        "kind": kind,
        "resource": rid,
        "busy": busy,
        "available": available,
        "utilisation": util,
        "uses": uses,
    }


def _units(inst: Instance, sol: Solution) -> list[dict[str, object]]:
    """Crews, shunters and the changer: minutes of the tasks that name them."""
    h = inst.horizon
    by: dict[tuple[str, str], list[Task]] = defaultdict(list)
    for t in sol.tasks:
        if t.end > t.start:
            if t.crew is not None:
                by[("crew", t.crew)].append(t)
            if t.shunter is not None:
                by[("shunter", t.shunter)].append(t)
            if t.op in CHANGER_OPS:
                by[("changer", "")].append(t)
    st = inst.station
    rows = []
    for crew in st.crews:
        mine = by[("crew", crew.id)]
        busy = sum(t.end - t.start for t in mine)
        rows.append(_row("crew", crew.id, busy, _clipped(list(crew.shifts), h), len(mine)))
    for sh in st.shunters:
        mine = by[("shunter", sh.id)]
        rows.append(_row("shunter", sh.id, sum(t.end - t.start for t in mine), h, len(mine)))
    if st.changer is not None:
        mine = by[("changer", "")]
        rows.append(
            _row("changer", st.changer.id, sum(t.end - t.start for t in mine), h, len(mine))
        )
    return rows


def _tracks(inst: Instance, sol: Solution) -> list[dict[str, object]]:
    """Tracks (block occupations) and their jack sets (carriages lifted)."""
    reading = Reading(sol)
    occ: dict[str, list[int]] = defaultdict(list)
    lifted: dict[str, list[int]] = defaultdict(list)
    for hold, spans in ((TRACK_HOLD, occ), (JACK_HOLD, lifted)):
        for o in reading.occupancies(hold):
            spans[o.track].append(o.end - o.start)
    rows = []
    for track in inst.station.tracks:
        open_minutes = inst.horizon - _clipped(list(track.unavailable), inst.horizon)
        rows.append(_row("track", track.id, sum(occ[track.id]), open_minutes, len(occ[track.id])))
        if track.method == "individual":
            held = lifted[track.id]
            avail = track.jack_sets * open_minutes
            rows.append(_row("jack sets", track.id, sum(held), avail, len(held)))
    return rows


def _locos(inst: Instance, sol: Solution) -> list[dict[str, object]]:
    """Station and inbound locomotives: hauling a train out, from its attach start."""
    h = inst.horizon
    dep = {p.id: p.departure for p in sol.trains}
    attach = {t.locomotive: t for t in sol.tasks if t.op in HAUL_OPS and t.locomotive is not None}
    detach_end = {t.train: t.end for t in sol.tasks if t.op == LOCO_FREED_BY}
    ready: dict[str, int] = {lo.id: lo.available_from for lo in inst.station.locomotives}
    for tr in inst.trains:
        if tr.inbound_loco is not None:
            freed = detach_end.get(tr.id, tr.arrival) + inst.station.loco_turnaround
            ready[tr.inbound_loco.id] = freed
    rows = []
    for loco, since in ready.items():
        task = attach.get(loco)
        busy = 0 if task is None else max(0, dep.get(task.train, task.end) - task.start)
        rows.append(_row("locomotive", loco, busy, max(0, h - since), int(task is not None)))
    return rows


def resource_table(inst: Instance, sol: Solution) -> pd.DataFrame:
    """Utilisation of every resource (see the module docstring); empty without a schedule."""
    if sol.status not in ("optimal", "feasible"):
        return pd.DataFrame(columns=COLUMNS).astype(
            {"busy": "int64", "available": "int64", "utilisation": "float64", "uses": "int64"}
        )
    rows = _units(inst, sol) + _tracks(inst, sol) + _locos(inst, sol)
    return pd.DataFrame(rows, columns=COLUMNS)
