"""Replans always come back: random disruptions of every DESIGN §7 kind on generated days give
checked plans that keep the frozen work, no worse than the repaired previous plan."""

from __future__ import annotations

import math
import random
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.checker.frozen import check_frozen
from gaugeopt.construct import construct
from gaugeopt.errors import InputError
from gaugeopt.generate import generate
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution
from gaugeopt.replan import diff
from gaugeopt.replan.disrupt import KINDS, Disruption, random_disruption
from gaugeopt.replan.extra import place_new_trains
from gaugeopt.replan.repair import score
from gaugeopt.replan.run import ReplanResult


@cache
def day(seed: int, trains: int) -> tuple[Instance, Solution]:
    """A generated day and a plan of it built without a clock (every priority rule once)."""
    inst = generate("day", seed, trains=trains)
    plan = construct(inst, time_limit=math.inf, seed=0)
    assert plan is not None  # generate() keeps only days the constructive scheduler places
    return inst, plan


def replan_checked(previous: Solution, d: Disruption, **kwargs) -> ReplanResult | None:
    """The replan of ``d`` (None when refused), asserted to be a checked plan."""
    try:
        result = gaugeopt.replan(d.instance, previous, d.now, workers=1, seed=0, **kwargs)
    except InputError as e:
        assert "\n" not in str(e)
        return None
    assert result.status in ("optimal", "feasible"), (d.edits, d.now, result.status)
    assert check(d.instance, result.solution) == [], d.edits
    assert check_frozen(previous, result.solution, d.now) == [], d.edits
    return result


def test_200_random_disruptions_of_every_kind_come_back_as_checked_plans() -> None:
    """20 small days (4-6 trains) x 10 disruptions, the repair alone (0.1 s, one worker)."""
    seen: dict[str, int] = dict.fromkeys(KINDS, 0)
    refused = combined = 0
    for seed in range(20):
        inst, plan = day(seed, 4 + seed % 3)
        for k in range(10):
            d = random_disruption(inst, plan, random.Random(1000 * seed + k))
            for kind in d.kinds:
                seen[kind] += 1
            combined += len(d.kinds) > 1
            if replan_checked(plan, d, time_limit=0.1) is None:
                refused += 1
    assert min(seen.values()) >= 10, seen
    assert combined >= 50, combined
    assert refused <= 20, refused


@pytest.mark.slow
@pytest.mark.parametrize("trains", [20, 40])
def test_random_disruptions_on_large_days_come_back_as_checked_plans(trains: int) -> None:
    inst, plan = day(trains, trains)
    for k in range(4):
        replan_checked(plan, random_disruption(inst, plan, random.Random(k)), time_limit=0.1)


@pytest.mark.parametrize("seed", range(3))
def test_the_search_never_returns_more_dwell_or_a_worse_score_than_the_repair(seed: int) -> None:
    inst, plan = day(seed, 4)
    d = random_disruption(inst, plan, random.Random(seed), kinds=["late", "short-shift"])
    result = replan_checked(plan, d, time_limit=1.5)
    assert result is not None and result.repaired is not None and result.weights is not None
    assert result.stats.cpsat_status is not None  # the search ran
    assert (result.objective or 0) <= (result.repaired.objective or 0)
    weights = result.weights
    assert score(plan, result.solution, weights) <= score(plan, result.repaired, weights)


@pytest.mark.parametrize("seed", range(6))
def test_an_extra_train_is_placed_around_the_plan_which_stays(seed: int) -> None:
    inst, plan = day(seed, 4 + seed % 3)
    d = random_disruption(inst, plan, random.Random(seed), kinds=["extra-train"])
    assert d.kinds == ["extra-train"]
    around = place_new_trains(d.instance, plan, d.now)  # the old plan, the new train after it
    assert around is not None
    assert check(d.instance, around) == [] and check_frozen(plan, around, d.now) == []
    assert diff.changed_count(diff.compare(plan, around)) == 0
    result = replan_checked(plan, d, time_limit=0.1)
    assert result is not None and result.weights is not None
    extra = {t.id for t in d.instance.trains} - {p.id for p in plan.trains}
    assert extra and extra <= {p.id for p in result.solution.trains}
    assert score(plan, result.solution, result.weights) <= score(plan, around, result.weights)


def _free_track(inst: Instance, plan: Solution, now: int) -> str | None:
    """A track that holds no block at ``now`` in ``plan``."""
    held = {
        t.track
        for t in plan.tasks
        if t.op == "shunt_in"
        and t.start < now
        and not any(
            o.train == t.train and o.op == "shunt_out" and o.block == t.block and o.end <= now
            for o in plan.tasks
        )
    }
    return next((t.id for t in inst.station.tracks if t.id not in held), None)


def _combined(seed: int) -> tuple[Solution, Disruption]:
    """A 6-train day with maintenance windows: at ``now`` a train not started is 90 min
    late, a crew's shift ends (after the work it has started) and a free track closes from
    now + 60 to now + 400."""
    inst = generate("day", seed, trains=6).model_copy(deep=True)
    for k, track in enumerate(inst.station.tracks):
        track.unavailable = [(200 + 300 * k, 260 + 300 * k)]
    inst = Instance.model_validate(inst.model_dump(), strict=False)
    plan = construct(inst, time_limit=math.inf, seed=0)
    assert plan is not None
    last = max(min(t.start for t in plan.tasks if t.train == p.id) for p in plan.trains)
    starts = sorted(t.start for t in plan.tasks if t.start <= last)
    now = next(s for s in reversed(starts[: len(starts) // 2 + 1]) if _free_track(inst, plan, s))
    edited = inst.model_copy(deep=True)
    started = {t.train for t in plan.tasks if t.start < now}
    late = next(t for t in edited.trains if t.id not in started)
    late.arrival = max(late.arrival, now) + 90
    crew = next(c for c in edited.station.crews if any(t.crew == c.id for t in plan.tasks))
    done = max((t.end for t in plan.tasks if t.crew == crew.id and t.start < now), default=now)
    crew.shifts = [(a, min(b, max(now, done))) for a, b in crew.shifts if a < max(now, done)]
    track = next(t for t in edited.station.tracks if t.id == _free_track(inst, plan, now))
    track.unavailable = [*track.unavailable, (now + 60, now + 400)]
    edited = Instance.model_validate(edited.model_dump(), strict=False)
    return plan, Disruption(edited, now, ["late", "short-shift", "closed-track"])


@pytest.mark.parametrize("seed", range(4))
def test_a_combined_disruption_on_a_day_with_maintenance_windows_gets_a_plan(seed: int) -> None:
    plan, d = _combined(seed)
    assert replan_checked(plan, d, time_limit=0.1) is not None


def test_raising_the_change_weight_never_reassigns_or_changes_more() -> None:
    """Three disruptions, the repairs alone (deterministic with one worker)."""
    for seed in range(3):
        inst, plan = day(seed, 4)
        d = random_disruption(inst, plan, random.Random(seed), kinds=["late", "short-shift"])
        counts = []
        for weight in (0, 10, 1000):
            result = replan_checked(plan, d, time_limit=0.5, change_weight=weight, move_weight=0)
            assert result is not None
            counts.append((result.reassigned, result.objective))
        reassigned = [c[0] for c in counts]
        assert reassigned == sorted(reassigned, reverse=True), (d.edits, counts)
        assert reassigned[0] >= reassigned[-1]


def test_changes_of_the_replan_and_the_repair_are_reported_side_by_side() -> None:
    inst, plan = day(0, 4)
    d = random_disruption(inst, plan, random.Random(3), kinds=["late"])
    result = replan_checked(plan, d, time_limit=0.1)
    assert result is not None and result.repaired is not None
    assert result.changed == diff.changed_count(diff.compare(plan, result.solution))
    assert diff.changed_count(result.repair_changes) == result.changed  # the repair itself
    deps = result.departures
    late = d.edits[0].split()[0]
    row = deps[deps["train"] == late].iloc[0]
    assert row["difference"] == row["new_departure"] - row["old_departure"] > 0


def test_erenhot_a_late_train_and_a_lost_crew_rewrite_at_most_a_fifth_of_the_roster() -> None:
    """E05 90 min late, and the crew on shift with the most work left goes home at 06:00."""
    inst = read_instance(Path("instances/examples/erenhot-day.json"))
    plan = construct(inst, time_limit=math.inf, seed=0)
    assert plan is not None
    now = 360
    edited = inst.model_copy(deep=True)
    edited.train("E05").arrival += 90
    on = {c.id: c for c in edited.station.crews if any(a <= now < b for a, b in c.shifts)}
    left = Counter(t.crew for t in plan.tasks if t.start >= now and t.crew in on)
    crew = on[left.most_common(1)[0][0]]
    done = max((t.end for t in plan.tasks if t.crew == crew.id and t.start < now), default=now)
    crew.shifts = [(a, min(b, max(now, done))) if a <= now < b else (a, b) for a, b in crew.shifts]
    edited = Instance.model_validate(edited.model_dump(), strict=False)
    d = Disruption(edited, now, ["late", "short-shift"])
    result = replan_checked(plan, d, time_limit=0.5)
    assert result is not None
    not_started = len(plan.tasks) - result.frozen
    assert result.reassigned <= not_started / 5, (result.reassigned, not_started)
    assert (result.objective or 0) <= (result.repaired.objective or 0)  # type: ignore[union-attr]
