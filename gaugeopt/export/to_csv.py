"""``.csv`` export: the tasks, one row each, with clock times (UTF-8, comma-separated)."""

from __future__ import annotations

from gaugeopt.clock import Clock
from gaugeopt.export.tables import tasks_table
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution


def csv_bytes(instance: Instance, solution: Solution, clock: Clock) -> bytes:
    """The CSV file: the columns of :data:`~gaugeopt.export.tables.TASK_COLUMNS`."""
    text: str = tasks_table(instance, solution, clock).to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")
