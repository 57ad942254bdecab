"""The constructive scheduler keeps every block-level hold of the rulebook by what it is (its
methods, its capacity on a track, its span), not only the block's stay on its track: rulebook
variants with a second block hold get schedules that keep it and pass the checker."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaugeopt.checker import check
from gaugeopt.construct import construct
from gaugeopt.construct.placer import Option, TrainPlacer
from gaugeopt.construct.state import Calendar
from gaugeopt.construct.timeline import Ledger, Pool
from gaugeopt.model.instance import Instance, Train
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution
from gaugeopt.rules import HOLDS, Hold, rulebook

EXAMPLES = Path(__file__).resolve().parents[2] / "instances" / "examples"

#: A wash bay per track that track B1 lacks: a block stands in it from the start of its
#: shunt_in to the end of its shunt_out, so no block may use B1.
BAY = Hold("bay", "block", "shunt_in", "shunt_out", capacity=lambda t: 0 if t.id == "B1" else 1,
           label="bay", task="bay_hold")  # fmt: skip
#: One gantry per roll track, held by a block for its roll only.
GANTRY = Hold("gantry", "block", "roll", "roll", frozenset({"roll"}), label="gantry",
              task="gantry_hold")  # fmt: skip


def _tracks(sol: Solution) -> set[str]:
    return {b.track for plan in sol.trains for b in plan.blocks}


def test_a_block_hold_a_track_lacks_keeps_every_block_off_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = read_instance(EXAMPLES / "brest-passenger.json")
    plain = construct(inst, time_limit=0, seed=0)
    assert plain is not None and "B1" in _tracks(plain)  # the bay has something to forbid
    monkeypatch.setattr(rulebook, "HOLDS", (*HOLDS, BAY))
    sol = construct(inst, time_limit=0, seed=0)
    assert sol is not None and check(inst, sol) == []
    assert _tracks(sol) and "B1" not in _tracks(sol)


def _roll_train(inst: Instance) -> tuple[Train, Option]:
    """The first gauge-changing train of ``inst``, all on track R1 in blocks of 10."""
    train = next(t for t in inst.trains if t.from_gauge != t.to_gauge)
    n = len(train.carriages)
    cut = [("R1", list(range(i, min(n, i + 10)))) for i in range(0, n, 10)]
    return train, Option("exchange", cut)


def _first_roll(inst: Instance, busy_until: int) -> int:
    """When the first roll of :func:`_roll_train` starts on a fresh calendar whose R1
    gantry is taken until ``busy_until``."""
    cal = Calendar(inst)
    r1 = next(t for t in inst.station.tracks if t.id == "R1")
    if busy_until > 0:
        cal.pool(GANTRY, r1).reserve(0, busy_until, cal.ledger)
    res = TrainPlacer(inst, cal).place(*_roll_train(inst))
    assert res is not None
    return min(t.start for t in res.tasks if t.op == GANTRY.start_op)


def test_a_block_waits_for_room_in_a_second_block_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rulebook, "HOLDS", (*HOLDS, GANTRY))
    inst = read_instance(EXAMPLES / "erenhot-day.json")
    free = _first_roll(inst, 0)
    assert _first_roll(inst, free + 90) >= free + 90


def test_a_hold_with_room_changes_no_schedule_and_keeps_its_spans(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inst = read_instance(EXAMPLES / "erenhot-day.json")
    plain = construct(inst, time_limit=0, seed=0)
    monkeypatch.setattr(rulebook, "HOLDS", (*HOLDS, GANTRY))
    sol = construct(inst, time_limit=0, seed=0)
    assert sol is not None and plain is not None
    assert sol.model_dump() == plain.model_dump() and check(inst, sol) == []
    rolls = [t for t in sol.tasks if t.op == GANTRY.start_op]
    assert rolls  # the gantry is taken on this day
    for a in rolls:
        assert not any(b is not a and b.track == a.track and b.start < a.end and a.start < b.end
                       for b in rolls)  # fmt: skip


def test_a_pool_takes_its_capacity_and_nothing_in_its_closed_windows() -> None:
    ledger = Ledger()
    pool = Pool(2, [(100, 120)], never=10_000)
    assert pool.conflict(90, 110) == 120  # a closed window in the way
    pool.reserve(0, 50, ledger)
    pool.reserve(10, 30, ledger)
    assert pool.conflict(20, 40) == 30  # two held already: retry from the first end
    assert pool.conflict(30, 60) is None
    ledger.rollback(0)
    assert pool.held == []
    assert Pool(0, [], never=10_000).conflict(0, 1) == 10_000
