"""The ``solve`` table fits 80 columns, two lines a train, with weights and days shown."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

from rich.console import Console

from gaugeopt.cli.solve import train_table
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Block, Solution, TrainPlan
from gaugeopt.result import Result

ERENHOT = Path(__file__).resolve().parents[2] / "instances" / "examples" / "erenhot-day.json"


def _result() -> Result:
    """Erenhot's trains with a hand-made plan: up to four blocks each, the last train
    leaving the next day (the table reads only the plans, so no schedule is needed)."""
    inst = read_instance(ERENHOT)
    plans = []
    for k, train in enumerate(inst.trains):
        ids = [c.id for c in train.carriages]
        parts = min(4, len(ids), 1 + k % 4)
        cut = [round(i * len(ids) / parts) for i in range(parts + 1)]
        blocks = [Block(track="R1", carriages=ids[a:b]) for a, b in itertools.pairwise(cut)]
        departure = train.arrival + (1500 if k == len(inst.trains) - 1 else 200)
        plans.append(
            TrainPlan(id=train.id, mode="exchange", departure=departure,
                      dwell=departure - train.arrival, locomotive="2TE116U-0101", blocks=blocks)
        )  # fmt: skip
    return Result(inst, Solution(instance=inst.name, status="feasible", trains=plans))


def _lines(result: Result) -> list[str]:
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(train_table(result))  # not a terminal: the 80-column width
    return console.export_text().rstrip("\n").splitlines()


def test_the_table_fits_80_columns_two_lines_a_train() -> None:
    result = _result()
    lines = _lines(result)
    assert max(len(line.rstrip()) for line in lines) <= 80
    body = lines[4:]  # title, two header lines, the rule
    assert len(body) == 2 * len(result.instance.trains)  # four blocks pack into two lines
    assert not any("…" in line for line in lines)  # nothing cut


def test_the_table_shows_weight_and_the_day_of_both_times() -> None:
    result = _result()
    lines = _lines(result)
    inst = result.instance
    first, last = inst.trains[0], inst.trains[-1]
    at = next(i for i, line in enumerate(lines) if line.startswith(first.id))
    assert "day 1 00:30" in lines[at] and "day 1 03:50" in lines[at + 1]
    assert f"weight {first.weight}" in lines[at + 1]
    at = next(i for i, line in enumerate(lines) if line.startswith(last.id))
    assert "day 2 17:00" in lines[at + 1]  # the next day, named as on arrival
    assert "1: E01-01..12 → R1" in lines[4] or "1: E01-01..06 → R1" in lines[4]


def test_with_an_epoch_the_table_still_packs_two_blocks_a_line() -> None:
    result = _result()
    dated = result.instance.model_copy(update={"epoch": "2025-09-02T00:00:00+08:00"})
    lines = _lines(Result(dated, result.solution))
    assert "times +08:00, 2025" in lines[0]
    assert max(len(line.rstrip()) for line in lines) <= 80
    assert len(lines[4:]) == 2 * len(dated.trains)
    assert "09-02 00:30" in lines[4] and "09-02 03:50" in lines[5]
