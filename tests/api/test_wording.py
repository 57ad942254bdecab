"""Blocks read the same everywhere a person reads them: counted from 1, one track split."""

from __future__ import annotations

from pathlib import Path

from gaugeopt.export.to_ics import _what
from gaugeopt.model.io import read_instance, read_solution
from gaugeopt.model.solution import Block, TrainPlan
from gaugeopt.report.graph import describe
from gaugeopt.report.timeline import task_name, task_words
from gaugeopt.result import Result
from gaugeopt.wording import block_name, carriage_range, track_split

DATA = Path(__file__).resolve().parents[1] / "data" / "checker"


def test_carriage_ranges_keep_numbers_whole() -> None:
    assert carriage_range("E02-01", "E02-04") == "E02-01..04"
    assert carriage_range("E02-09", "E02-12") == "E02-09..12"  # not "E02-09..2"
    assert carriage_range("K1_03", "K1_10") == "K1_03..10"
    assert carriage_range("A", "B") == "A..B"
    assert carriage_range("X-1", "X-1") == "X-1"


def test_one_track_split_counted_from_1() -> None:
    plan = TrainPlan(id="E02", mode="exchange", departure=0, dwell=0, blocks=[
        Block(track="H1", carriages=["E02-01", "E02-02", "E02-03", "E02-04"]),
        Block(track="R2", carriages=["E02-05"]),
    ])  # fmt: skip
    assert track_split(plan) == "1: E02-01..04 → H1; 2: E02-05 → R2"
    assert track_split(plan.model_copy(update={"blocks": []})) == ""
    assert block_name(0) == "block 1"


def test_the_api_tables_use_the_same_wording_and_count_from_1() -> None:
    inst, sol = read_instance(DATA / "instance.json"), read_solution(DATA / "solution.json")
    result = Result(inst, sol)
    assert list(result.trains["blocks"]) == [track_split(p) for p in sol.trains]
    file_blocks = [t.block for t in sol.tasks]
    shown = list(result.tasks["block"])
    for raw, seen in zip(file_blocks, shown, strict=True):
        assert (raw is None and str(seen) == "<NA>") or seen == raw + 1
    assert sol.tasks[0].block is None or sol.tasks[0].block >= 0  # the file keeps its index


def test_report_and_calendar_name_block_1_for_index_0() -> None:
    sol = read_solution(DATA / "solution.json")
    task = next(t for t in sol.tasks if t.block == 0 and t.carriage is None)
    assert "block 1" in task_name(task) and "b0" not in task_name(task)
    assert "block 1" in task_words(task)
    assert _what(task).endswith("block 1")
    assert describe((task.train, task.op, 0)).endswith("block 1")
