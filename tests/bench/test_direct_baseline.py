"""The direct CP-SAT baseline (benchmarks/baselines/direct_cpsat.py): checked schedules, true optima.

The baseline is benchmark-only code, imported from the repository's folder. It must use none of
gaugeopt's solver code; the tests compare it with gaugeopt's solver and with enumeration.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import builders
import pytest
from brute_force import optimum, tiny_instance, tiny_instance_v12
from budget import CLOCK_SLACK, DETERMINISTIC
from random_instances import random_instance

import gaugeopt
from gaugeopt.bench.baselines import DEFAULT_DIR, import_from
from gaugeopt.checker import check
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import parse_instance, read_instance

ROOT = Path(__file__).resolve().parents[2]
BASELINES = ROOT / DEFAULT_DIR
direct = import_from(BASELINES, "direct_cpsat")
SOLVER_CODE = ("gaugeopt.gauge", "gaugeopt.construct", "gaugeopt.core", "gaugeopt.solver")


def solve_checked(
    inst: Instance, units: float = 0.3, expect: tuple[str, ...] = ("optimal", "feasible")
):
    """The direct model's result with one worker and ``units`` of CP-SAT's deterministic time
    (the clock only a safety net, tests/budget.py); its status must be one of ``expect``
    (by default a schedule), and its schedule passes the checker."""
    seconds = units / DETERMINISTIC.deterministic_rate * CLOCK_SLACK
    status, objective, bound, sol = direct.solve_direct(
        inst, seconds, 1, 0, deterministic_time=units
    )
    assert status in expect, f"the direct model returned {status}, expected {expect}"
    if status in ("optimal", "feasible"):
        violations = check(inst, sol)
        assert violations == [], "\n".join(map(str, violations[:10]))
        assert sol.objective == objective and sol.lower_bound == bound <= objective
        assert sol.status == status
    else:
        assert sol is None and objective is None and bound is None
    return status, objective, bound, sol


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_baseline_imports_no_solver_code() -> None:
    path = BASELINES / "direct_cpsat.py"
    names = _imported_modules(path)
    assert not [n for n in names if n.startswith(SOLVER_CODE) or "bounds" in n]
    # Nor indirectly: solving in a fresh interpreter loads none of it.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import direct_cpsat as d;"
        "from gaugeopt.model.io import read_instance;"
        "d.solve_direct(read_instance(sys.argv[2]), 2, 1, 0);"
        f"print([m for m in sys.modules if m.startswith({SOLVER_CODE!r}) or 'bounds' in m])"
    )
    example = ROOT / "instances" / "examples" / "dandong-handover.json"
    out = subprocess.run(
        [sys.executable, "-c", script, str(BASELINES), str(example)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("seed", [0, 3, 5, 6, 11, 17])
def test_tiny_optimum_agrees_with_enumeration(seed: int) -> None:
    inst = tiny_instance(seed)
    status, objective, bound, _ = solve_checked(inst)
    assert status == "optimal"
    assert objective == bound == optimum(inst)


@pytest.mark.parametrize("seed", [0, 1, 4, 7, 9, 12])
def test_tiny_v12_optimum_agrees_with_enumeration(seed: int) -> None:
    """Arrival inspection and coupler exchange (contract v1.2) in the direct model."""
    inst = tiny_instance_v12(seed)
    status, objective, bound, _ = solve_checked(inst)
    assert status == "optimal"
    assert objective == bound == optimum(inst)


def test_locomotive_handover_is_optimal_and_at_least_gaugeopt_bound(examples_dir: Path) -> None:
    inst = read_instance(examples_dir / "dandong-handover.json")
    status, objective, _, sol = solve_checked(inst)
    assert status == "optimal"
    ours = gaugeopt.solve(inst, time_limit=3, workers=1, params=DETERMINISTIC)
    assert objective >= ours.lower_bound
    assert {p.mode for p in sol.trains} <= {"through", "changer"}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["khasan-armoured", "brest-passenger"])
def test_examples_give_checked_schedules_above_gaugeopt_bound(
    examples_dir: Path, name: str
) -> None:
    inst = read_instance(examples_dir / f"{name}.json")
    status, objective, _, sol = solve_checked(inst, units=1.0)
    assert status in ("optimal", "feasible")
    ours = gaugeopt.solve(inst, time_limit=5, workers=1, params=DETERMINISTIC)
    assert objective >= ours.lower_bound
    listed = [c for p in sol.trains for b in p.blocks for c in b.carriages]
    assert listed == [c.id for t in inst.trains if t.from_gauge != t.to_gauge for c in t.carriages]


def _one_carriage(**station: object) -> dict:
    """One carriage from 1435 to 1520 on track T1; one all-day crew per skill, no contention."""
    data = builders.instance(
        builders.station(
            bogie_stock=[{"gauge": 1520, "type": "std", "count": 2}],
            crews=builders.crews_per_skill(600),
            durations=builders.durations(shunt=5),
        ),
        [builders.train("A")],
        name="one",
    )
    data["station"].update(station)
    return data


def test_the_critical_path_is_the_optimum() -> None:
    # detach 10, shunt 5, disconnect 5, lift 5, swap 10, lower 5, reconnect 5, shunt 5,
    # couple 2, attach 10, brake test 20.
    assert solve_checked(parse_instance(_one_carriage()))[:2] == ("optimal", 82)


def test_a_maintenance_window_holds_the_block_off_its_track() -> None:
    # The block holds T1 for 40 minutes from t = 10: it cannot end by 30, so it starts at 60.
    data = _one_carriage()
    data["station"]["tracks"][0]["unavailable"] = [[30, 60]]
    _, objective, _, sol = solve_checked(parse_instance(data))
    assert objective == 82 + 50
    assert next(t.start for t in sol.tasks if t.op == "shunt_in") == 60
    # With a second track free all day, the block goes there instead.
    data["station"]["tracks"].append(builders.track("T2"))
    _, objective, _, sol = solve_checked(parse_instance(data))
    assert objective == 82 and sol.trains[0].blocks[0].track == "T2"


def test_ground_air_tests_the_brakes_while_the_locomotive_is_awaited() -> None:
    # The locomotive is free at 200. Without ground air: attach 200-210, brake test 210-230.
    # With it: the full test runs before attach, then the short one (10) from 210 to 220.
    data = _one_carriage(locomotives=[{"id": "L1", "gauge": 1520, "available_from": 200}])
    assert solve_checked(parse_instance(data))[1] == 230
    data["station"]["ground_air"] = True
    _, objective, _, sol = solve_checked(parse_instance(data))
    assert objective == 220 and sol.trains[0].ground_brake_test
    ops = {t.op: t for t in sol.tasks}
    assert ops["couple"].end <= ops["ground_brake_test"].start
    assert ops["ground_brake_test"].end <= ops["attach"].start
    assert ops["brake_test"].end - ops["brake_test"].start == 10


def test_zero_minute_tasks_take_no_crew_or_shunter() -> None:
    data = _one_carriage()
    data["station"]["durations"].update(detach=0, shunt=0)
    _, objective, _, sol = solve_checked(parse_instance(data))
    assert objective == 82 - 10 - 5 - 5
    for t in sol.tasks:
        if t.end == t.start:
            assert t.crew is None and t.shunter is None


def test_bogies_returned_by_one_train_serve_the_other() -> None:
    # No 1520 bogies in stock: B (1435 -> 1520) waits for the pair A's swap frees, + 60.
    stock = [{"gauge": 1435, "type": "std", "count": 2}]
    data = _one_carriage(bogie_stock=stock, bogie_turnaround=60)
    b = builders.train("B")
    a = {**data["trains"][0], "from_gauge": 1520, "to_gauge": 1435}
    data["trains"] = [a, b]
    data["station"]["locomotives"] = [{"id": "L1", "gauge": 1435}, {"id": "L2", "gauge": 1520}]
    data["station"]["tracks"].append(builders.track("T2"))
    _, _, _, sol = solve_checked(parse_instance(data))
    swap = {t.train: t for t in sol.tasks if t.op == "swap"}
    assert swap["B"].start >= swap["A"].end + 60


def test_no_locomotive_of_the_new_gauge_means_infeasible() -> None:
    data = _one_carriage(locomotives=[{"id": "L1", "gauge": 1435}])
    assert solve_checked(parse_instance(data), expect=("infeasible",)) == (
        "infeasible",
        None,
        None,
        None,
    )


def test_a_roll_track_rolls_the_whole_block() -> None:
    data = _one_carriage()
    data["station"]["tracks"][0]["method"] = "roll"
    data["trains"][0]["carriages"].append({"id": "A2", "mass_t": 50.0, "bogie_type": "std"})
    data["station"]["bogie_stock"][0]["count"] = 4
    status, _, _, sol = solve_checked(parse_instance(data))
    assert status == "optimal"
    (roll,) = [t for t in sol.tasks if t.op == "roll"]
    assert roll.end - roll.start == 10 + 4 and roll.shunter == "SH1"
    assert not [t for t in sol.tasks if t.op == "swap"]


@pytest.mark.parametrize(("seed", "expected"), [(2, "optimal"), (4, "infeasible"), (11, "optimal")])
def test_random_instances_give_checked_schedules(seed: int, expected: str) -> None:
    _, objective, bound, _ = solve_checked(random_instance(seed), expect=(expected,))
    assert objective == bound if expected == "optimal" else objective is None


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20, 36))
def test_random_instances_agree_with_gaugeopt(seed: int) -> None:
    inst = random_instance(seed)
    every = ("optimal", "feasible", "infeasible", "unknown")
    status, objective, _, _ = solve_checked(inst, units=0.15, expect=every)
    ours = gaugeopt.solve(inst, time_limit=5, workers=1, seed=0, params=DETERMINISTIC)
    if status in ("optimal", "feasible"):
        assert ours.status != "infeasible"
        if ours.lower_bound is not None:
            assert objective >= ours.lower_bound
    if status == "infeasible":
        assert ours.status in ("infeasible", "unknown")
    if status == "optimal" and ours.objective is not None:
        assert ours.objective >= objective


def test_the_bench_row_is_checked(examples_dir: Path) -> None:
    # One worker; the clock is only a safety net (the model is solved in 0.01 s)
    row = direct.run_direct(examples_dir / "dandong-handover.json", 3 * CLOCK_SLACK, 1, 0)
    assert row.method == "direct" and row.status == "optimal" and row.valid is True
    assert row.objective == row.lower_bound and row.time_to_first is not None
