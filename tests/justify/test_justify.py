"""Left-justification (issue 15, item 6): never worse, still valid, and as early as the rules allow.

The schedules it is tried on come from the constructive scheduler, from short solves, and
from those schedules with tasks delayed at random (each delay kept only if the checker still
accepts it), so that there is slack to remove. The checker is the judge throughout: it
reads the contract independently of the rulebook the pass derives its rules from.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from budget import DETERMINISTIC
from example_files import example_instances
from random_instances import random_instance

import gaugeopt
from gaugeopt import check
from gaugeopt.construct import construct
from gaugeopt.justify import left_justify
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance
from gaugeopt.model.solution import Solution

#: The minute-earlier probe checks the whole schedule once per task: small schedules only.
PROBE_MAX_TASKS = 300

EXAMPLES = example_instances()


def recomputed(inst: Instance, sol: Solution, tasks: list) -> Solution:
    """``sol`` with ``tasks`` and the departures, dwells and objective they give (DESIGN §4),
    worked out here without the rulebook."""
    plans = []
    for p in sol.trains:
        tr = inst.train(p.id)
        ends = [t.end for t in tasks if t.train == p.id and t.op in ("brake_test", "border_check")]
        dep = max([*ends, tr.earliest_departure or 0])
        plans.append(p.model_copy(update={"departure": dep, "dwell": dep - tr.arrival}))
    obj = sum(inst.train(p.id).weight * p.dwell for p in plans)
    return sol.model_copy(update={"tasks": tasks, "trains": plans, "objective": obj})


def moved(sol: Solution, i: int, delta: int) -> list:
    tasks = list(sol.tasks)
    t = tasks[i]
    tasks[i] = t.model_copy(update={"start": t.start + delta, "end": t.end + delta})
    return tasks


def delayed(inst: Instance, sol: Solution, rng: random.Random, tries: int = 15) -> Solution:
    """``sol`` with tasks delayed at random, each delay kept only if the checker accepts it."""
    for _ in range(tries):
        i = rng.randrange(len(sol.tasks))
        later = recomputed(inst, sol, moved(sol, i, rng.randint(1, 40)))
        if not check(inst, later):
            sol = later
    return sol


def assert_justified(inst: Instance, before: Solution, after: Solution) -> None:
    """Valid, never worse, no task later, same assignments, and a fixpoint."""
    assert check(inst, after) == []
    assert after.objective is not None and before.objective is not None
    assert after.objective <= before.objective
    assert [p.model_dump(exclude={"departure", "dwell"}) for p in after.trains] == [
        p.model_dump(exclude={"departure", "dwell"}) for p in before.trains
    ]
    for a, b in zip(before.tasks, after.tasks, strict=True):
        assert b.start <= a.start
        assert a.model_dump(exclude={"start", "end"}) == b.model_dump(exclude={"start", "end"})
    assert left_justify(inst, after) == after


def with_v11(inst: Instance, rng: random.Random) -> Instance:
    """``inst`` with a ground-air compressor and a maintenance window on some tracks."""
    data = inst.model_dump()
    data["station"]["ground_air"] = True
    for track in data["station"]["tracks"]:
        if rng.random() < 0.6:
            a = rng.randrange(0, 300, 10)
            track["unavailable"] = [[a, a + rng.choice([30, 60, 120])]]
    return Instance.model_validate(data)


def packed(inst: Instance, seed: int) -> Solution | None:
    """The constructive scheduler's schedule from its priority rules alone (no restarts)."""
    return construct(inst, time_limit=math.inf, seed=seed)


def assert_no_minute_earlier(inst: Instance, sol: Solution) -> None:
    """No single task can start one minute earlier with the checker still accepting it."""
    if len(sol.tasks) > PROBE_MAX_TASKS:
        return
    for i, t in enumerate(sol.tasks):
        if t.start > 0:
            earlier = recomputed(inst, sol, moved(sol, i, -1))
            assert check(inst, earlier), (
                f"{t.train} {t.op} {t.carriage} could start at {t.start - 1}"
            )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_stay_valid_and_never_worse(path: Path) -> None:
    inst = read_instance(path)
    base = packed(inst, 0)
    assert base is not None
    for sol in (base, delayed(inst, base, random.Random(path.stem))):
        out = left_justify(inst, sol)
        assert_justified(inst, sol, out)
        assert_no_minute_earlier(inst, out)


def test_sixty_random_instances() -> None:
    """Packed schedules with random delays: valid, never worse, and the delays taken back
    (in all, the pass moves tasks earlier by many minutes)."""
    done = gained = 0
    for seed in range(400):
        inst = random_instance(seed)
        if seed % 2:
            inst = with_v11(inst, random.Random(seed))
        base = packed(inst, seed)
        if base is None:
            continue
        sol = delayed(inst, base, random.Random(seed))
        out = left_justify(inst, sol)
        assert_justified(inst, sol, out)
        if done < 12:
            assert_no_minute_earlier(inst, out)
        gained += sum(a.start - b.start for a, b in zip(sol.tasks, out.tasks, strict=True))
        done += 1
        if done == 60:
            break
    assert done == 60
    assert gained > 1000


def test_border_check_starts_at_arrival_when_customs_is_free() -> None:
    """Brest's finding: the train arrives at 600, customs is on duty, so border_check
    starts at 600 (not 601)."""
    inst = read_instance(EXAMPLES[[p.stem for p in EXAMPLES].index("brest-passenger")])
    base = packed(inst, 0)
    assert base is not None
    i = next(k for k, t in enumerate(base.tasks) if t.op == "border_check")
    late = recomputed(inst, base, moved(base, i, 1))
    assert check(inst, late) == [] and late.tasks[i].start == 601
    assert left_justify(inst, late).tasks[i].start == inst.trains[0].arrival


@pytest.mark.parametrize("name", ["brest-passenger", "brest-ground-air"])
def test_solved_brest_checks_the_border_at_arrival(name: str) -> None:
    """The solver's schedule: each train's border_check starts when it arrives, unless
    the customs crew is busy with another train then."""
    inst = read_instance(EXAMPLES[[p.stem for p in EXAMPLES].index(name)])
    sol = gaugeopt.solve(inst, time_limit=1, workers=1, seed=0, params=DETERMINISTIC).solution
    assert check(inst, sol) == []
    shifts = {c.id: c.shifts for c in inst.station.crews}
    for t in (t for t in sol.tasks if t.op == "border_check"):
        on_duty = next(a for a, b in shifts[t.crew] if a <= t.start and t.end <= b)
        busy = [u.end for u in sol.tasks if u.crew == t.crew and u.end <= t.start]
        free = max([on_duty, *busy])
        assert t.start == max(inst.train(t.train).arrival, free), (t.train, t.start)


def test_solve_returns_left_justified_schedules() -> None:
    for seed in (0, 1, 11, 14):
        inst = random_instance(seed)
        result = gaugeopt.solve(inst, time_limit=1, workers=1, seed=0, params=DETERMINISTIC)
        if result.solution.tasks:
            assert check(inst, result.solution) == []
            assert left_justify(inst, result.solution) == result.solution
            assert_no_minute_earlier(inst, result.solution)


def test_no_schedule_comes_back_unchanged() -> None:
    inst = random_instance(0)
    for status in ("infeasible", "unknown"):
        sol = Solution(instance=inst.name, status=status)
        assert left_justify(inst, sol) is sol
