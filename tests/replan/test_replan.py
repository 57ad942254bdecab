"""Replanning (DESIGN.md §7): frozen work stays, the result is checked, edits that contradict
the past are refused in one line."""

from __future__ import annotations

import json
import math
import random
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from budget import DETERMINISTIC
from random_instances import random_instance
from typer.testing import CliRunner

import gaugeopt
from gaugeopt.checker import check
from gaugeopt.checker.frozen import check_frozen
from gaugeopt.cli import app
from gaugeopt.construct import construct
from gaugeopt.errors import InputError
from gaugeopt.justify import shift_to_feasible
from gaugeopt.justify.jobs import task_key
from gaugeopt.model.instance import Instance, Locomotive
from gaugeopt.model.io import read_instance, write_instance, write_solution
from gaugeopt.model.solution import Solution
from gaugeopt.replan.diff import by_crew, by_train, changed_count, compare
from gaugeopt.replan.repair import repair
from gaugeopt.replan.run import default_weights
from gaugeopt.rules.crews import CrewGroup, assign_crews

#: Small random instances with two trains or more (see tests/random_instances.py).
SEEDS = (0, 11, 26, 29)  # 5 took a minute and a half of CI for no other rule
DISRUPTIONS = ("late", "shift", "window", "loco", "extra")


@cache
def planned(seed: int) -> tuple[Instance, Solution]:
    """A random instance and a plan of it (each of SEEDS has one within the budget)."""
    inst = random_instance(seed)
    result = gaugeopt.solve(inst, time_limit=2, workers=1, seed=0, params=DETERMINISTIC)
    assert result.status in ("optimal", "feasible"), f"no plan of random instance {seed}"
    return inst, result.solution


def now_of(sol: Solution, rng: random.Random, kind: str) -> int:
    """A time in the middle of the plan: some tasks have started, some have not (for a
    late train, one train has not started)."""
    starts = sorted({t.start for t in sol.tasks})
    now = starts[min(len(starts) - 1, max(1, int(len(starts) * rng.uniform(0.3, 0.6))))]
    if kind == "late":
        last = max(min(t.start for t in sol.tasks if t.train == p.id) for p in sol.trains)
        now = min(now, last)
    return now


def started(sol: Solution, now: int):
    return [t for t in sol.tasks if t.start < now]


def disrupt(inst: Instance, sol: Solution, now: int, kind: str, rng: random.Random) -> Instance:
    """``inst`` edited by one disruption that does not contradict the work before ``now``."""
    new = inst.model_copy(deep=True)
    frozen = started(sol, now)
    busy_trains = {t.train for t in frozen}
    if kind == "late":
        train = rng.choice([t for t in new.trains if t.id not in busy_trains])
        train.arrival = max(train.arrival, now) + rng.choice([5, 20, 60])
    elif kind == "shift":
        crew = rng.choice(new.station.crews)
        done = max((t.end for t in frozen if t.crew == crew.id), default=0)
        cut = max(done, now + rng.choice([0, 15, 60]))
        crew.shifts = [(a, min(b, cut)) for a, b in crew.shifts if a < cut and min(b, cut) > a]
    elif kind == "window":
        left = {(t.train, t.block) for t in frozen if t.op == "shunt_out" and t.end <= now}
        held = {t.track for t in frozen if t.op == "shunt_in" and (t.train, t.block) not in left}
        free = [t for t in new.station.tracks if t.id not in held] or new.station.tracks
        track = rng.choice(free)
        start = now + rng.choice([0, 10, 30])
        track.unavailable = [*track.unavailable, (start, start + rng.choice([60, 240]))]
    elif kind == "loco":
        taken = {t.locomotive for t in frozen if t.op == "attach"}
        locos = [lo for lo in new.station.locomotives if lo.id not in taken]
        if locos:
            loco = rng.choice(locos)
            loco.available_from = max(loco.available_from, now + rng.choice([20, 90]))
    else:  # an extra train, a copy of one, arriving after now
        base = rng.choice(new.trains).model_copy(deep=True)
        base.id = "X1"
        base.arrival = now + rng.choice([0, 30])
        base.earliest_departure = None
        base.inbound_loco = None
        for k, car in enumerate(base.carriages):
            car.id = f"X1-{k}"
        new.trains.append(base)
        new.station.bogie_stock = [
            b.model_copy(update={"count": b.count + 40}) for b in new.station.bogie_stock
        ]
        new.station.locomotives.append(Locomotive(id="XL", gauge=base.to_gauge, available_from=0))
    return Instance.model_validate(new.model_dump(), strict=False)  # validated again


def assert_keeps_past(inst: Instance, previous: Solution, result, now: int) -> None:
    """The replan is a checked solution of ``inst`` that keeps every frozen task."""
    assert check(inst, result.solution) == []
    assert check_frozen(previous, result.solution, now) == []
    new = {(t.train, t.op, t.carriage, t.block): t for t in result.solution.tasks}
    for t in started(previous, now):
        assert new[t.train, t.op, t.carriage, t.block] == t


@pytest.mark.parametrize("seed", SEEDS)
def test_random_disruptions_keep_the_past_and_pass_the_checker(seed: int) -> None:
    inst, previous = planned(seed)
    rng = random.Random(seed)
    solved = 0
    for kind in DISRUPTIONS:
        now = now_of(previous, rng, kind)
        edited = disrupt(inst, previous, now, kind, rng)
        result = gaugeopt.replan(
            edited, previous, now, time_limit=2, workers=1, seed=seed, params=DETERMINISTIC
        )
        assert result.frozen == len(started(previous, now))
        if result.status in ("optimal", "feasible"):
            solved += 1
            assert_keeps_past(edited, previous, result, now)
            assert result.changed == changed_count(compare(previous, result.solution))
    assert solved >= 3, f"only {solved} of {len(DISRUPTIONS)} disruptions were replanned"


@pytest.mark.slow
@pytest.mark.parametrize("seed", (0, 29))
def test_a_small_delay_changes_far_fewer_tasks_than_a_fresh_solve(seed: int) -> None:
    inst, previous = planned(seed)
    first_start = {
        p.id: min(t.start for t in previous.tasks if t.train == p.id) for p in previous.trains
    }
    last = max(first_start, key=first_start.__getitem__)
    now = first_start[last]  # the last train has not started: delay it by 5 minutes
    edited = inst.model_copy(deep=True)
    edited.train(last).arrival = max(edited.train(last).arrival, now) + 5
    result = gaugeopt.replan(edited, previous, now, time_limit=3, workers=1, params=DETERMINISTIC)
    fresh = gaugeopt.solve(edited, time_limit=3, workers=1, params=DETERMINISTIC)
    assert result.status in ("optimal", "feasible")
    assert_keeps_past(edited, previous, result, now)
    fresh_changes = changed_count(compare(previous, fresh.solution))
    assert 2 * result.changed <= fresh_changes, (result.changed, fresh_changes)
    assert fresh.objective is not None and result.objective is not None


# --- edits that contradict the work already done ------------------------------------------


@pytest.fixture(scope="module")
def running() -> tuple[Instance, Solution, int]:
    """A plan half carried out: an attach, a shunt_in and crewed tasks have started."""
    inst, sol = planned(0)
    attach = min(
        (t for t in sol.tasks if t.op == "attach" and t.locomotive in _station_locos(inst)),
        key=lambda t: t.start,
    )
    return inst, sol, attach.start + 1


def _station_locos(inst: Instance) -> set[str]:
    return {lo.id for lo in inst.station.locomotives}


def _frozen_task(sol: Solution, now: int, op: str | None = None):
    return next(
        t
        for t in sol.tasks
        if t.start < now and t.end > t.start and (op is None or t.op == op) and t.crew
    )


def _contradictions(inst: Instance, sol: Solution, now: int) -> dict[str, tuple[Instance, str]]:
    """Edited instances that contradict frozen work, and what the refusal must say."""
    out = {}
    task = _frozen_task(sol, now)
    cancelled = inst.model_copy(deep=True)
    cancelled.trains = [t for t in cancelled.trains if t.id != task.train]
    out["cancelled"] = (cancelled, "cancelled")
    shift = inst.model_copy(deep=True)
    crew = next(c for c in shift.station.crews if c.id == task.crew)
    crew.shifts = [(0, task.start + 1)] if task.start > 0 else [(task.end, task.end + 60)]
    out["shift"] = (shift, f"outside every shift of crew {task.crew}")
    gone = inst.model_copy(deep=True)
    gone.station.crews = [c for c in gone.station.crews if c.id != task.crew]
    out["crew"] = (gone, f"crew {task.crew}, which no longer exists")
    late = inst.model_copy(deep=True)
    late.train(task.train).arrival = now
    out["arrival"] = (late, "before the train's arrival")
    shunt = _frozen_task(sol, now, "shunt_in")
    window = inst.model_copy(deep=True)
    track = next(t for t in window.station.tracks if t.id == shunt.track)
    track.unavailable = [(shunt.start, now)]
    out["window"] = (window, "maintenance window")
    attach = next(t for t in sol.tasks if t.op == "attach" and t.start == now - 1)
    loco = inst.model_copy(deep=True)
    for lo in loco.station.locomotives:
        if lo.id == attach.locomotive:
            lo.available_from = now + 30
    out["loco"] = (loco, f"locomotive {attach.locomotive}, which is now available only from")
    assert _frozen_task(sol, now, "swap")  # bogies have been swapped
    stock = inst.model_copy(deep=True)
    stock.station.bogie_stock = []
    out["bogies"] = (stock, "bogie_stock does not have")
    return {
        k: (Instance.model_validate(i.model_dump(), strict=False), m) for k, (i, m) in out.items()
    }


@pytest.mark.parametrize(
    "kind", ("cancelled", "shift", "crew", "arrival", "window", "loco", "bogies")
)
def test_an_edit_that_contradicts_frozen_work_is_refused_in_one_line(running, kind) -> None:
    inst, sol, now = running
    edited, says = _contradictions(inst, sol, now)[kind]
    with pytest.raises(InputError) as err:
        gaugeopt.replan(edited, sol, now, time_limit=2, workers=1)
    text = str(err.value)
    assert "\n" not in text and "frozen task" in text and says in text, text


def test_an_infeasible_replan_says_why_in_its_solution(running) -> None:
    """No time left after the frozen work: the reason is the solution's (one home), so
    the solution file carries it."""
    inst, sol, now = running
    edited = inst.model_copy(deep=True)
    edited.horizon = max(t.end for t in sol.tasks if t.start < now) + 1
    result = gaugeopt.replan(edited, sol, now, time_limit=2, workers=1)
    assert result.status == "infeasible"
    assert result.solution.reasons == ["no plan of the edited instance keeps the work already done"]
    assert result.reasons == result.solution.reasons


def test_cli_replans_and_refuses_a_contradiction_with_exit_2(running, tmp_path) -> None:
    inst, sol, now = running
    prev, good, bad = tmp_path / "prev.json", tmp_path / "late.json", tmp_path / "bad.json"
    write_solution(sol, prev)
    write_instance(inst, good)
    write_instance(_contradictions(inst, sol, now)["shift"][0], bad)
    runner = CliRunner()
    out = tmp_path / "new.json"
    args = ["replan", str(good), str(prev), "--now", str(now), "-t", "3", "-w", "1", "-o"]
    done = runner.invoke(app, [*args, str(out)])
    assert done.exit_code == 0, done.output
    assert "departures" in done.output and "frozen" in done.output
    new = Solution.model_validate(json.loads(out.read_text()))
    assert check(inst, new) == [] and check_frozen(sol, new, now) == []
    refused_out = tmp_path / "refused.json"
    refused = runner.invoke(
        app, ["replan", str(bad), str(prev), "--now", str(now), "-o", str(refused_out)]
    )
    assert refused.exit_code == 2
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "frozen task" in lines[0], refused.stderr
    assert not refused_out.exists()


# --- the independent frozen check, the diff and the crew hand-out ----------------------------


def test_frozen_check_does_not_import_solver_code() -> None:
    code = (
        "import sys, gaugeopt.checker.frozen\n"
        "print([m for m in sys.modules if m.split('.')[:2] in "
        "(['gaugeopt', 'core'], ['gaugeopt', 'gauge'], ['gaugeopt', 'solver'], "
        "['gaugeopt', 'replan'], ['gaugeopt', 'construct'], ['gaugeopt', 'rules'])])\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "[]"


def test_check_frozen_names_a_moved_task_a_changed_block_and_work_in_the_past(running) -> None:
    _, sol, now = running
    assert check_frozen(sol, sol, now) == []
    task = _frozen_task(sol, now, "shunt_in")
    moved = [t.model_copy(update={"start": t.start + 1}) if t is task else t for t in sol.tasks]
    rules = {v.rule for v in check_frozen(sol, sol.model_copy(update={"tasks": moved}), now)}
    assert "frozen-changed" in rules
    plans = [
        p.model_copy(update={"blocks": list(reversed(p.blocks))}) if p.id == task.train else p
        for p in sol.trains
    ]
    rules = {v.rule for v in check_frozen(sol, sol.model_copy(update={"trains": plans}), now)}
    assert "frozen-structure" in rules
    later = next(t for t in sol.tasks if t.start >= now + 5)
    early = [t.model_copy(update={"start": now - 1}) if t is later else t for t in sol.tasks]
    rules = {v.rule for v in check_frozen(sol, sol.model_copy(update={"tasks": early}), now)}
    assert "frozen-past" in rules
    dropped = sol.model_copy(update={"trains": [p for p in sol.trains if p.id != task.train]})
    assert "frozen-cancelled" in {v.rule for v in check_frozen(sol, dropped, now)}


def test_diff_counts_changes_per_train_and_per_crew(running) -> None:
    _, sol, _ = running
    assert compare(sol, sol).empty
    a, b = sol.tasks[0], sol.tasks[-1]
    other = next(c for c in {t.crew for t in sol.tasks if t.crew} if c != b.crew)
    edited = [
        a.model_copy(update={"start": a.start + 3})
        if t is a
        else b.model_copy(update={"crew": other})
        if t is b
        else t
        for t in sol.tasks
    ]
    changes = compare(sol, sol.model_copy(update={"tasks": edited}))
    assert changed_count(changes) == (2 if a is not b else 1)
    trains = by_train(changes).set_index("train")
    assert trains.loc[a.train, "moved"] >= 1 and trains.loc[b.train, "re-crewed"] == 1
    crews = by_crew(changes).set_index("crew")
    assert crews.loc[b.crew, "lost"] == 1 and crews.loc[other, "gained"] == 1


def test_assign_crews_keeps_fixed_crews_and_prefers_previous_ones() -> None:
    group = CrewGroup((0, 1, 2), frozenset({"coupling"}), ((0, 100),))
    tasks = [(10, 0, 20), (11, 5, 30), (12, 25, 40), (13, 30, 50)]
    got = assign_crews(group, tasks, fixed={10: 2, 11: 0}, prefer={12: 2, 13: 2})
    assert got[10] == 2 and got[11] == 0
    assert got[12] == 2  # free again at 25
    assert got[13] != 2  # crew 2 is busy until 40
    # No other task may take a crew while its fixed task runs.
    got = assign_crews(group, [(1, 0, 10), (2, 5, 15)], fixed={2: 0})
    assert got[2] == 0 and got[1] != 0


# --- the warm start: the previous plan, repaired -----------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "instances" / "examples"


def assignments(sol: Solution) -> dict:
    """Every task's crew, shunter, track and locomotive, and every train's structure."""
    tasks = {
        (t.train, t.op, t.carriage, t.block): (t.crew, t.shunter, t.track, t.locomotive)
        for t in sol.tasks
    }
    plans = {p.id: (p.mode, p.blocks, p.locomotive, p.ground_brake_test) for p in sol.trains}
    return {"tasks": tasks, "plans": plans}


@pytest.mark.parametrize("seed", SEEDS)
def test_repair_of_an_unchanged_instance_is_the_previous_plan(seed: int) -> None:
    inst, previous = planned(seed)
    now = now_of(previous, random.Random(seed), "shift")
    frozen = {task_key(t) for t in started(previous, now)}
    earliest = {task_key(t): max(now, t.start) for t in previous.tasks}
    kept = shift_to_feasible(inst, previous, earliest, frozen, orders=("previous",))
    assert kept is not None
    assert kept.tasks == previous.tasks and kept.objective == previous.objective
    # The best repair may move tasks, but only for less dwell.
    repaired = repair(inst, previous, now, default_weights())
    assert repaired is not None
    assert repaired.solution.objective is not None and previous.objective is not None
    assert repaired.solution.objective <= previous.objective
    if repaired.solution.objective == previous.objective:
        assert repaired.solution.tasks == previous.tasks


@pytest.mark.parametrize("seed", SEEDS)
def test_repair_after_a_delay_keeps_every_assignment_and_moves_tasks_only_later(seed: int) -> None:
    inst, previous = planned(seed)
    rng = random.Random(seed)
    now = now_of(previous, rng, "late")
    edited = disrupt(inst, previous, now, "late", rng)
    frozen = {task_key(t) for t in started(previous, now)}
    earliest = {task_key(t): max(now, t.start) for t in previous.tasks}
    sol = shift_to_feasible(edited, previous, earliest, frozen, orders=("previous",))
    assert sol is not None
    assert check(edited, sol) == [] and check_frozen(previous, sol, now) == []
    old = {task_key(t): t for t in previous.tasks}
    for t in sol.tasks:
        assert t.start >= old[task_key(t)].start
    # Every shift is whole and every resource still exists: nothing needs another crew.
    assert assignments(sol)["tasks"] == assignments(previous)["tasks"]
    assert assignments(sol)["plans"] == assignments(previous)["plans"]


@pytest.mark.parametrize("seed", (0, 5, 11))  # on 26 and 29 the repair finds no other crew
def test_repair_hands_a_lost_crews_work_to_others(seed: int) -> None:
    inst, previous = planned(seed)
    now = now_of(previous, random.Random(seed), "shift")
    later = [t for t in previous.tasks if t.start >= now and t.crew is not None]
    assert later, "no crew works after now"
    crew = later[0].crew
    edited = inst.model_copy(deep=True)
    done = max((t.end for t in started(previous, now) if t.crew == crew), default=0)
    cut = max(done, now)
    lost = next(c for c in edited.station.crews if c.id == crew)
    lost.shifts = [(a, min(b, cut)) for a, b in lost.shifts if a < cut and min(b, cut) > a]
    edited = Instance.model_validate(edited.model_dump(), strict=False)
    repaired = repair(edited, previous, now, default_weights())
    assert repaired is not None, "no other crew took the work"
    sol = repaired.solution
    assert check(edited, sol) == [] and check_frozen(previous, sol, now) == []
    assert not [t for t in sol.tasks if t.crew == crew and t.end > cut]


@pytest.mark.slow
def test_replan_after_a_small_delay_on_a_real_day_is_feasible_in_2_s() -> None:
    inst = read_instance(EXAMPLES / "erenhot-day.json")
    previous = construct(inst, time_limit=math.inf, restarts=0, seed=0)  # the rules alone
    assert previous is not None
    edited = inst.model_copy(deep=True)
    now = 360
    late = min(
        (
            p
            for p in previous.trains
            if min(t.start for t in previous.tasks if t.train == p.id) > now
        ),
        key=lambda p: edited.train(p.id).arrival,
    )
    edited.train(late.id).arrival += 30
    result = gaugeopt.replan(edited, previous, now, time_limit=2, workers=1, params=DETERMINISTIC)
    assert result.status in ("optimal", "feasible")
    assert check(edited, result.solution) == []
    assert check_frozen(previous, result.solution, now) == []
    # The first plan is the repaired previous one (no search): it comes at once.
    assert result.stats.warm_start_objective is not None
    assert result.stats.time_to_first == result.stats.warm_start_time
