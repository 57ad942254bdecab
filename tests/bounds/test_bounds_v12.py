"""The lower bounds stay valid on contract v1.2 (arrival inspection, coupler exchange): never
above the enumerated optimum of tiny trains nor above any constructed schedule."""

from __future__ import annotations

import pytest
from brute_force import optimum, tiny_instance, tiny_instance_v12
from hypothesis import given, settings
from hypothesis import strategies as st
from random_instances import assert_bounds_below, random_v12

from gaugeopt.bounds import (
    Effort,
    lower_bound,
    time_indexed_bound,
    train_dwell_bounds,
)
from gaugeopt.bounds.demand import resources
from gaugeopt.bounds.skeleton import BLOCKS, absent, carriage_chain, final_steps, skeleton
from gaugeopt.construct import construct

#: The v1.2 operations a v1.1 train lacks.
V11 = frozenset({"inspect", "coupler"})


@given(seed=st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_bound_below_the_enumerated_optimum(seed: int) -> None:
    inst = tiny_instance_v12(seed)
    assert lower_bound(inst) <= optimum(inst)


def test_the_enumeration_agrees_with_itself_without_the_v12_steps() -> None:
    """tiny_instance_v12 with no inspection and no coupler exchange is the v1 instance."""
    for seed in range(6):
        data = tiny_instance_v12(seed).model_dump()
        data["station"]["durations"] |= {"inspection": 0, "inspection_per_carriage": 0}
        data["trains"][0]["coupler_exchange"] = False
        plain = tiny_instance(seed)
        data["trains"][0]["carriages"] = plain.model_dump()["trains"][0]["carriages"]
        assert optimum(type(plain).model_validate(data)) == optimum(plain)


def test_a_long_inspection_is_in_the_bound() -> None:
    """The shunt_in waits for a 40-minute inspection: the bound and the optimum see it."""
    seed = next(s for s in range(200) if tiny_instance_v12(s).station.durations.inspection == 40)
    inst = tiny_instance_v12(seed)
    data = inst.model_dump()
    data["station"]["durations"] |= {"inspection": 0, "inspection_per_carriage": 0}
    quick = type(inst).model_validate(data)
    assert optimum(inst) >= optimum(quick)
    assert lower_bound(quick) <= lower_bound(inst) <= optimum(inst)


@given(seed=st.integers(0, 100_000))
@settings(max_examples=60, deadline=None)
def test_bound_below_every_constructed_schedule(seed: int) -> None:
    inst = random_v12(seed)
    sol = construct(inst, time_limit=0, seed=seed)
    if sol is not None:
        assert_bounds_below(inst, sol)


def test_the_skeleton_has_the_inspection_only_where_a_train_has_it() -> None:
    def ops(mode: str, ground: bool, lacks: frozenset[str]) -> tuple[list[str], list[str]]:
        nodes = skeleton(mode, ground, lacks)
        return [n.op for n in nodes], [nodes[i].op for i in final_steps(mode, ground, lacks)]

    looked = frozenset({"coupler"})
    assert ops("exchange", False, looked) == (
        ["detach", "border_check", "inspect", BLOCKS, "couple", "attach", "brake_test"],
        ["couple", "attach", "brake_test"],
    )
    # A through train's ground-air test may run beside its inspection: the final chain
    # then starts at the attach, which waits for both.
    assert ops("through", True, looked)[1] == ["attach", "brake_test"]
    assert ops("through", True, V11)[1] == ["ground_brake_test", "attach", "brake_test"]
    nodes = skeleton("exchange", False, looked)
    names = [n.op for n in nodes]
    assert [names[p] for p in nodes[names.index(BLOCKS)].preds] == ["detach", "inspect"]


def test_the_carriage_chains_leave_the_coupler_beside_them() -> None:
    for method in ("individual", "roll"):
        assert "coupler" not in [r.op for r in carriage_chain(method)]
    inst = random_v12(3)
    d = inst.station.durations
    for train in inst.trains:
        lacks = absent(d, train)
        assert ("coupler" in lacks) != train.coupler_exchange
        looked = d.inspection + d.inspection_per_carriage * len(train.carriages) > 0
        assert ("inspect" in lacks) != looked


@pytest.mark.slow
@given(seed=st.integers(0, 100_000), buckets=st.sampled_from([40, 150, 400]))
@settings(max_examples=20, deadline=None)
def test_time_indexed_bound_below_constructed_schedules(seed: int, buckets: int) -> None:
    """The time-indexed bound (every resource priced) on v1.2 days."""
    inst = random_v12(seed)
    sol = construct(inst, time_limit=0, seed=seed)
    if sol is None:
        return
    bound = _time_indexed(inst, buckets)
    assert bound is None or bound <= sol.objective


@pytest.mark.slow
@given(seed=st.integers(0, 10_000))
@settings(max_examples=15, deadline=None)
def test_time_indexed_bound_below_the_enumerated_optimum(seed: int) -> None:
    inst = tiny_instance_v12(seed)
    bound = _time_indexed(inst, 400)
    assert bound is None or bound <= optimum(inst)


def _time_indexed(inst, buckets: int) -> int | None:
    own = train_dwell_bounds(inst)
    prices = {r.name: 1.0 for r in resources(inst)}
    effort = Effort(seconds=5.0, buckets=buckets, resources=10_000, workers=1)
    return time_indexed_bound(inst, own, prices, effort)


def test_new_carriage_steps_keep_the_chains_of_one_shape() -> None:
    """The issue's trap: a carriage step on one track method only (a bogie brushing between
    lift and swap on individual tracks) or beside the chain (a coupler) is relaxed away, so
    the chains of both methods still differ only in the bogie step."""
    import dataclasses

    from gaugeopt.bounds.skeleton import bogie_step, chain_of
    from gaugeopt.rules import OPS, RULES, OpRule

    brush = OpRule("brush", "carriage", "bogie", frozenset({"exchange"}), after=("lift",),
                   methods=frozenset({"individual"}), per_carriage=lambda d, c: 5)  # fmt: skip
    ops = []
    for r in OPS:
        ops.append(dataclasses.replace(r, after=("brush",)) if r.op == "swap" else r)
        if r.op == "lift":
            ops.append(brush)
    chains = [chain_of(ops, m) for m in ("individual", "roll")]
    assert [r.op for r in chains[0]] == ["disconnect", "lift", "swap", "lower", "reconnect"]
    assert [r.op for r in chains[1]] == ["disconnect", "lift", "roll", "lower", "reconnect"]
    assert bogie_step(chains) == 2
    assert RULES["coupler"] not in chains[0]
