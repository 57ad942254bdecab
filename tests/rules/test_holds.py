"""A hold added to the rulebook (a made-up per-track inspection pit), and a carriage step
beside the bogie chain on one track method only, reach the CP-SAT builder, the constructive
scheduler and the bounds from the rulebook, and the bounds stay below every schedule."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from brute_force import optimum, tiny_instance
from random_instances import assert_bounds_below

from gaugeopt.bounds import lower_bound
from gaugeopt.construct import construct
from gaugeopt.core.cpsat.model import solve_problem
from gaugeopt.gauge.build import build
from gaugeopt.gauge.hint import solution_values
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution
from gaugeopt.rules import HOLDS, Hold, holds_at, rulebook, stay

#: One inspection pit per ``individual`` track: a carriage stands over it from the start of
#: its disconnect to the end of its reconnect (around its jack hold), one at a time.
PIT = Hold("pit", "carriage", "disconnect", "reconnect", frozenset({"individual"}),
           capacity=lambda t: 1, label="pit", task="pit_hold")  # fmt: skip


@pytest.fixture
def pit(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    """The rulebook with :data:`PIT` as a third hold (a test-only copy of HOLDS)."""
    monkeypatch.setattr(rulebook, "HOLDS", (*HOLDS, PIT))
    yield PIT


def _pit_spans(inst: Instance, sol: Solution) -> dict[str, list[tuple[int, int]]]:
    """[disconnect start, reconnect end) of each carriage on an individual track, by track."""
    method = {t.id: t.method for t in inst.station.tracks}
    ends: dict[tuple[str, str | None], dict[str, int]] = defaultdict(dict)
    track: dict[tuple[str, str | None], str] = {}
    for task in sol.tasks:
        key = (task.train, task.carriage)
        if task.op == PIT.start_op:
            ends[key]["start"] = task.start
        if task.op == PIT.end_op:
            ends[key]["end"] = task.end
        if task.track is not None and task.carriage is not None:
            track[key] = task.track
    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for key, e in ends.items():
        if key in track and method[track[key]] in PIT.methods:
            spans[track[key]].append((e["start"], e["end"]))
    return spans


def _overlaps(spans: dict[str, list[tuple[int, int]]]) -> int:
    """How many pairs of spans on one track overlap."""
    return sum(
        1
        for runs in spans.values()
        for i, (a, b) in enumerate(runs)
        for c, d in runs[i + 1 :]
        if a < d and c < b
    )


def _busy_instances() -> list[Instance]:
    """Tiny instances whose schedule, without the pit, has two carriages over one track's
    pit at once (so the pit has something to forbid)."""
    out = []
    for seed in range(40):
        inst = tiny_instance(seed)
        sol = construct(inst, time_limit=0, seed=0)
        if sol is not None and _overlaps(_pit_spans(inst, sol)):
            out.append(inst)
    return out


def test_the_rulebook_finds_holds_by_what_they_are(pit: Hold) -> None:
    assert stay().resource == "track"
    assert holds_at("carriage", "individual") == [HOLDS[1], pit]
    assert holds_at("carriage", "roll") == []


def test_the_builder_gives_the_new_hold_a_resource_and_an_interval_per_carriage(
    pit: Hold,
) -> None:
    inst = tiny_instance(3)
    model = build(inst)
    pits = [r for r in model.problem.resources if r.name.startswith("pit:")]
    assert [(r.name, r.capacity) for r in pits] == [("pit:T1", 1)]
    held = [k for k, m in enumerate(model.meta) if m.op == pit.task]
    assert len(held) == sum(len(t.carriages) for t in inst.trains)
    spans = {s.task: s for s in model.problem.spans}
    for k in held:
        first, last = model.meta[spans[k].first], model.meta[spans[k].last]
        assert (first.op, last.op) == (pit.start_op, pit.end_op)
        assert first.carriage == last.carriage == model.meta[k].carriage


def test_a_cp_sat_solution_of_the_built_model_keeps_one_carriage_over_the_pit(
    pit: Hold,
) -> None:
    for inst in _busy_instances()[:3]:
        model = build(inst)
        res = solve_problem(
            model.problem, time_limit=30, workers=1, params={"max_deterministic_time": 5.0}
        )
        assert res.objective is not None
        runs = sorted(
            (v.start, v.end)
            for v, m in zip(res.tasks, model.meta, strict=True)
            if m.op == pit.task and v.present
        )
        assert runs and all(b <= c for (_, b), (c, _) in itertools.pairwise(runs))


def test_a_schedule_hints_the_new_holds_intervals(pit: Hold) -> None:
    """The warm start of the CP-SAT model reads each hold's interval from its two ends."""
    inst = tiny_instance(3)
    sol = construct(inst, time_limit=0, seed=0)
    assert sol is not None
    model = build(inst)
    values = solution_values(model, sol)
    hinted = sorted(
        (values.start[k], values.end[k])
        for k, m in enumerate(model.meta)
        if m.op == pit.task and values.present[k]
    )
    assert hinted == sorted(_pit_spans(inst, sol)["T1"])


def test_the_constructive_scheduler_keeps_one_carriage_over_the_pit(pit: Hold) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rulebook, "HOLDS", HOLDS)
        busy = _busy_instances()
    assert busy  # without the pit, carriages share it on these instances
    for inst in busy:
        sol = construct(inst, time_limit=0, seed=0)
        assert sol is not None
        assert _overlaps(_pit_spans(inst, sol)) == 0
        # still every rule of the contract, and the bounds below it
        assert_bounds_below(inst, sol)


def test_the_bounds_stay_valid_with_the_pit(pit: Hold) -> None:
    """The bounds count the jack sets (the rulebook's pool) and leave other holds out,
    which only forbid schedules: below the enumerated optimum without the pit, which is
    below any schedule with it, and below the constructed schedules with it."""
    for seed in range(15):
        inst = tiny_instance(seed)
        lb = lower_bound(inst)
        assert lb is not None and lb <= optimum(inst)
        sol = construct(inst, time_limit=0, seed=0)
        assert sol is not None and sol.objective is not None
        assert lb <= sol.objective


def test_a_carriage_step_beside_the_chain_on_one_method_only_works_everywhere() -> None:
    """tests/one_method_step.py makes the coupler exchange (beside the bogie chain) a step of
    individual tracks only, in a process of its own: the builder's model, the constructive
    scheduler and the bounds all read it from the rulebook."""
    tests = Path(__file__).parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tests.parent), str(tests)])}
    run = subprocess.run(
        [sys.executable, str(tests / "one_method_step.py"), "12", "2"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    out = json.loads(run.stdout)
    assert out["chains"] == 1  # both methods' chains keep their shape (coupler left out)
    assert out["coupler on individual"] > 0 and out["without coupler on roll"] > 0
    assert out["coupler on roll"] == out["without coupler on individual"] == 0
    assert out["out of order"] == 0  # after its disconnect, before its reconnect
    assert out["bound above a schedule"] == 0
    assert out["model carriages"] > 0 and out["model coupler off its method"] == 0
