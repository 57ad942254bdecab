"""The search-free lower bounds never exceed what a schedule achieves."""

from __future__ import annotations

from brute_force import optimum, tiny_instance
from hypothesis import given, settings
from hypothesis import strategies as st
from random_instances import random_instance

from gaugeopt.construct import construct
from gaugeopt.gauge.bounds import lower_bound, train_dwell_bounds
from gaugeopt.model.io import read_instance


@given(seed=st.integers(0, 100_000))
@settings(max_examples=60, deadline=None)
def test_bound_below_every_constructed_schedule(seed: int) -> None:
    inst = random_instance(seed)
    sol = construct(inst, time_limit=0, seed=seed)
    if sol is None:
        return
    lb = lower_bound(inst)
    assert lb is not None and lb <= sol.objective
    dwell = {p.id: p.dwell for p in sol.trains}
    for train, bound in zip(inst.trains, train_dwell_bounds(inst), strict=True):
        assert bound is not None and bound <= dwell[train.id]


@given(seed=st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_bound_below_the_enumerated_optimum(seed: int) -> None:
    inst = tiny_instance(seed)
    assert lower_bound(inst) <= optimum(inst)


def test_bound_is_tight_on_a_pure_handover(examples_dir) -> None:
    # Through trains: the critical path with the locomotive's availability is exact.
    inst = read_instance(examples_dir / "dandong-handover.json")
    assert lower_bound(inst) == 450


def test_bound_below_constructed_schedules_of_examples(examples_dir) -> None:
    for path in sorted(examples_dir.glob("*.json")):
        inst = read_instance(path)
        sol = construct(inst, time_limit=0.3)
        dwell = {p.id: p.dwell for p in sol.trains}
        for train, bound in zip(inst.trains, train_dwell_bounds(inst), strict=True):
            assert bound <= dwell[train.id], (path.name, train.id)
