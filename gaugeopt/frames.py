"""The tidy tables of a schedule as pandas DataFrames: one row per train, one row per task.

``Result.trains`` and ``Result.tasks`` are these tables of the result's schedule;
``Result.resources`` is :func:`gaugeopt.utilisation.resource_table`.
"""

from __future__ import annotations

import pandas as pd

from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution, Task
from gaugeopt.wording import track_split

#: The columns of :func:`trains_frame`.
TRAIN_COLUMNS = ["train", "mode", "arrival", "departure", "dwell", "weight", "locomotive", "blocks"]


def trains_frame(instance: Instance, solution: Solution) -> pd.DataFrame:
    """One row per planned train: mode, arrival, departure, dwell, weight, locomotive and
    ``blocks``, the track split in the wording of :func:`gaugeopt.wording.track_split`
    (blocks counted from 1: ``1: E02-01..04 → H1; 2: E02-05..08 → R2``)."""
    arrival = {t.id: t.arrival for t in instance.trains}
    weight = {t.id: t.weight for t in instance.trains}
    rows = [
        {
            "train": p.id,
            "mode": p.mode,
            "arrival": arrival[p.id],
            "departure": p.departure,
            "dwell": p.dwell,
            "weight": weight[p.id],
            "locomotive": p.locomotive,
            "blocks": track_split(p),
        }
        for p in solution.trains
    ]
    return pd.DataFrame(rows, columns=TRAIN_COLUMNS)


def tasks_frame(solution: Solution) -> pd.DataFrame:
    """One row per task, with the solution file's fields; ``block`` is counted from 1 as
    people count blocks (the file's 0-based index + 1), a nullable integer (pandas
    ``Int64``: ``<NA>`` on train tasks); ``start`` and ``end`` are integers."""
    cols = list(Task.model_fields)
    df = pd.DataFrame([t.model_dump() for t in solution.tasks], columns=cols)
    df = df.astype({"block": "Int64", "start": "int64", "end": "int64"})
    df["block"] = df["block"] + 1
    return df
