"""``.csv`` export: the tasks, one row each, with clock times (UTF-8, comma-separated)."""

from __future__ import annotations

from collections.abc import Sequence

from gaugeopt.clock import Clock
from gaugeopt.export.tables import tasks_table
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution


def csv_bytes(
    instance: Instance, solution: Solution, clock: Clock, notes: Sequence[str] = ()
) -> bytes:
    """The CSV file: the columns of :data:`~gaugeopt.export.tables.TASK_COLUMNS`; with
    ``notes``, a last column ``warning`` repeats them on every row (a CSV has no other
    place a reader cannot miss)."""
    df = tasks_table(instance, solution, clock)
    if notes:
        df["warning"] = " ".join(notes)
    text: str = df.to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")
