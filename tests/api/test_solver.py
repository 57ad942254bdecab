"""The solver end to end: examples, random instances, infeasibility, determinism."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from brute_force import optimum, tiny_instance
from budget import CLOCK_SLACK, DETERMINISTIC
from example_files import example_instances
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_instances import random_instance
from typer.testing import CliRunner

import gaugeopt
from gaugeopt.bounds import train_dwell_bounds
from gaugeopt.checker import check
from gaugeopt.cli import app
from gaugeopt.construct import construct
from gaugeopt.errors import InputError
from gaugeopt.model.io import parse_instance, read_instance, write_solution
from gaugeopt.params import SolveParams
from gaugeopt.report import report
from gaugeopt.result import Result, SolveStats

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = example_instances()


def assert_checked(result: gaugeopt.Result) -> None:
    assert result.status in ("optimal", "feasible"), result.summary()
    violations = check(result.instance, result.solution)
    assert violations == [], "\n".join(map(str, violations[:10]))


@pytest.mark.slow
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_solves_and_checks(path: Path) -> None:
    result = gaugeopt.solve(path, time_limit=3, workers=1, seed=0, params=DETERMINISTIC)
    assert_checked(result)
    assert result.lower_bound is not None
    assert result.lower_bound <= result.objective
    assert len(result.trains) == len(result.instance.trains)
    assert set(result.tasks.columns) >= {"train", "op", "start", "end", "crew"}


@pytest.mark.slow
@given(seed=st.integers(0, 10_000))
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_tiny_optimum_agrees_with_enumeration(seed: int) -> None:
    inst = tiny_instance(seed)
    result = gaugeopt.solve(inst, time_limit=20, workers=1, seed=0, params=DETERMINISTIC)
    assert_checked(result)
    assert result.status == "optimal"
    assert result.objective == optimum(inst)


@pytest.mark.slow
@given(seed=st.integers(0, 100_000))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_instances_give_checked_schedules(seed: int) -> None:
    inst = random_instance(seed)
    result = gaugeopt.solve(inst, time_limit=4, workers=1, seed=0, params=DETERMINISTIC)
    if result.status in ("optimal", "feasible"):
        assert_checked(result)
        assert result.lower_bound is None or result.lower_bound <= result.objective
    else:
        assert result.status in ("infeasible", "unknown")
        assert result.solution.tasks == []
        if result.status == "infeasible":
            assert result.reasons


def _base() -> dict:
    return json.loads(tiny_instance(7).model_dump_json())


def _infeasible_cases() -> dict[str, tuple[dict, str]]:
    cases: dict[str, tuple[dict, str]] = {}

    heavy = _base()
    heavy["trains"][0]["carriages"][0]["mass_t"] = 500.0
    cases["carriage-no-track-can-lift"] = (heavy, "heavier than any track can lift")

    no_skill = _base()
    no_skill["station"]["crews"] = [
        c for c in no_skill["station"]["crews"] if "brake" not in c["skills"]
    ]
    cases["skill-no-crew-has"] = (no_skill, "no crew has skill 'brake'")

    no_loco = _base()
    no_loco["station"]["locomotives"] = [{"id": "L9", "gauge": 1435, "available_from": 0}]
    cases["too-few-locomotives"] = (no_loco, "too few locomotives of gauge 1520")

    no_bogies = _base()
    no_bogies["station"]["bogie_stock"] = [{"gauge": 1520, "type": "std", "count": 1}]
    cases["bogie-stock-never-suffices"] = (no_bogies, "can never suffice")

    short_shift = _base()
    for c in short_shift["station"]["crews"]:
        if c["skills"] == ["lifting"]:
            c["shifts"] = [[0, 2]]
    short_shift["station"]["durations"]["lift"] = 5
    cases["shift-leaves-no-crew"] = (short_shift, "no shift of a crew with skill 'lifting'")
    return cases


@pytest.mark.parametrize("name", list(_infeasible_cases()))
def test_infeasible_instances_are_reported_with_reason(name: str) -> None:
    data, reason = _infeasible_cases()[name]
    result = gaugeopt.solve(parse_instance(data), time_limit=5, workers=1, params=DETERMINISTIC)
    assert result.status == "infeasible"
    assert result.solution.trains == [] and result.solution.tasks == []
    assert result.solution.objective is None
    assert any(reason in r for r in result.reasons), result.reasons


def test_infeasibility_proven_by_search_is_reported() -> None:
    # Every pre-check passes, but the only lifting crew's shift ends before the train can
    # have been shunted in: only the search can tell.
    data = _base()
    for c in data["station"]["crews"]:
        if c["skills"] == ["lifting"]:
            c["shifts"] = [[0, 25]]
    data["trains"][0]["arrival"] = 20
    data["trains"][0]["carriages"][0]["work_pct"] = 100
    data["station"]["durations"].update(detach=5, shunt=2, disconnect=2, lift=3, lower=3)
    result = gaugeopt.solve(parse_instance(data), time_limit=10, workers=1, params=DETERMINISTIC)
    assert result.status == "infeasible"
    assert result.reasons


@pytest.mark.slow
def test_same_seed_one_worker_gives_same_schedule() -> None:
    path = next(p for p in EXAMPLES if p.stem == "khasan-armoured")
    a = gaugeopt.solve(path, time_limit=3, workers=1, seed=5, params=DETERMINISTIC)
    b = gaugeopt.solve(path, time_limit=3, workers=1, seed=5, params=DETERMINISTIC)
    assert a.solution.trains == b.solution.trains
    assert a.solution.tasks == b.solution.tasks


def test_solve_accepts_path_and_model_alike() -> None:
    path = next(p for p in EXAMPLES if p.stem == "dandong-handover")
    by_path = gaugeopt.solve(path, time_limit=2, workers=1, params=DETERMINISTIC)
    by_model = gaugeopt.solve(read_instance(path), time_limit=2, workers=1, params=DETERMINISTIC)
    assert by_path.objective == by_model.objective
    assert_checked(by_model)


def test_input_instance_is_not_modified() -> None:
    inst = tiny_instance(3)
    before = copy.deepcopy(inst.model_dump())
    gaugeopt.solve(inst, time_limit=1, workers=1, params=DETERMINISTIC)
    assert inst.model_dump() == before


@pytest.mark.slow
def test_same_seed_one_worker_gives_same_day_schedule() -> None:
    # Several trains: large-neighbourhood search runs too, and must be reproducible.
    inst = next(
        inst
        for inst in map(random_instance, range(40, 200))
        if len(inst.trains) >= 3 and construct(inst, time_limit=0) is not None
    )
    a = gaugeopt.solve(inst, time_limit=8, workers=1, seed=3, params=DETERMINISTIC)
    b = gaugeopt.solve(inst, time_limit=8, workers=1, seed=3, params=DETERMINISTIC)
    assert a.stats.lns, "large-neighbourhood search did not run"
    assert a.solution.trains == b.solution.trains
    assert a.solution.tasks == b.solution.tasks


# ---- tuning parameters and stats ------------------------------------------------------------


def test_params_steer_the_solve() -> None:
    # 2 s leave less than lns_min_seconds after the warm start: no neighbourhoods by default.
    inst = random_instance(47)
    default = gaugeopt.solve(inst, time_limit=2, workers=1, params=DETERMINISTIC)
    tuned = gaugeopt.solve(
        inst,
        time_limit=2,
        workers=1,
        params=DETERMINISTIC.model_copy(update={"lns_min_seconds": 0.0, "lns_step_seconds": 0.5}),
    )
    assert default.stats.lns == {}
    assert tuned.stats.lns, "the tuned run did not search neighbourhoods"
    assert_checked(tuned)


def test_example_params_file_lists_every_field_at_its_default() -> None:
    path = ROOT / "docs" / "solve-params.toml"
    keys = {line.split("=")[0].strip() for line in path.read_text().splitlines() if "=" in line}
    keys = {k for k in keys if not k.startswith("#")}
    assert keys == set(SolveParams.model_fields)
    assert SolveParams.from_toml(path) == SolveParams()
    assert all(f.description for f in SolveParams.model_fields.values())


def test_params_from_toml_keeps_left_out_keys_at_their_defaults(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(
        'lns_share = 0.7\nwarm_max_cuts = 2\nsingle_train_subsolvers = ["core", "max_lp"]\n'
    )
    params = SolveParams.from_toml(path)
    subsolvers = ("core", "max_lp")
    assert params == SolveParams(lns_share=0.7, warm_max_cuts=2, single_train_subsolvers=subsolvers)
    assert params.lns_step_seconds == SolveParams().lns_step_seconds


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "lns_shar = 0.7",
            "p.toml: lns_shar: unknown parameter, got 0.7 (did you mean 'lns_share'?)",
        ),
        ('lns_share = "0.7"', 'p.toml: lns_share: must be a number, got "0.7"'),
        ("lns_share = 1.5", "p.toml: lns_share: must be <= 1, got 1.5"),
        ("warm_max_cuts = 2.5", "p.toml: warm_max_cuts: must be an integer, got 2.5"),
        ("lns_step_seconds = 0", "p.toml: lns_step_seconds: must be > 0, got 0"),
        ("single_train_subsolvers = [1]", "p.toml: single_train_subsolvers[0]: must be a string"),
        ("lns_share = ", "p.toml: not valid TOML"),
    ],
)
def test_bad_params_file_is_one_line_naming_key_and_value(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text + "\n")
    with pytest.raises(InputError) as info:
        SolveParams.from_toml(path)
    message = str(info.value)
    assert message.startswith(str(tmp_path / expected.split(":")[0]))
    assert expected.split(": ", 1)[1] in message
    assert "\n" not in message


def test_cli_solve_reads_params_and_refuses_a_bad_file(tmp_path: Path) -> None:
    runner = CliRunner()
    instance = str(ROOT / "instances" / "examples" / "dandong-handover.json")
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(f"warm_share_small = 0.05\nclock_slack = {CLOCK_SLACK}\n")
    bad.write_text("colour = 1\n")
    out = tmp_path / "sol.json"
    ok = runner.invoke(
        app, ["solve", instance, "-t", "3", "-w", "1", "-o", str(out), "-q", "--params", str(good)]
    )
    assert ok.exit_code == 0, ok.output
    assert "objective 450" in ok.stdout
    refused = runner.invoke(app, ["solve", instance, "-o", str(out), "-q", "--params", str(bad)])
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [f"error: {bad}: colour: unknown parameter, got 1"]


def test_stats_are_typed_and_plain_as_a_dict() -> None:
    result = gaugeopt.solve(tiny_instance(7), time_limit=3, workers=1, params=DETERMINISTIC)
    stats = result.stats
    assert isinstance(stats, SolveStats)
    assert stats.build_time is not None and stats.warm_start_time is not None
    assert stats.tasks is not None and stats.tasks > 0
    assert stats.dwell_bounds == [b for b in stats.dwell_bounds if b is None or b >= 0]
    data = stats.as_dict()
    assert data["trace"] == stats.trace and data["build_time"] == stats.build_time
    assert json.loads(json.dumps(data))["tasks"] == stats.tasks


def test_report_imports_no_solver_code() -> None:
    code = (
        "import sys, gaugeopt.report, gaugeopt.report.kpi\n"
        "bad = [m for m in sys.modules if m.startswith(('gaugeopt.solver', 'gaugeopt.gauge',"
        " 'gaugeopt.pipeline', 'gaugeopt.core', 'gaugeopt.bounds'))]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _page(path: Path) -> str:
    """An HTML report without its random element ids."""
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    return re.sub(uuid, "ID", path.read_text())


def test_report_callers_pass_the_search_free_bounds(tmp_path: Path) -> None:
    # On this train the search-free bound is above the critical path's: dwell_lb_any shows it.
    path = ROOT / "instances" / "examples" / "brest-passenger.json"
    result = gaugeopt.solve(path, time_limit=2, workers=1, params=DETERMINISTIC)
    inst = result.instance
    assert result.dwell_bounds() == train_dwell_bounds(inst)
    assert Result(inst, result.solution).dwell_bounds() == train_dwell_bounds(inst)
    sol_path = tmp_path / "sol.json"
    write_solution(result.solution, sol_path)
    cli = CliRunner().invoke(
        app, ["report", str(path), str(sol_path), "-o", str(tmp_path / "cli.html")]
    )
    assert cli.exit_code == 0, cli.output
    with_bounds = report(
        inst, result.solution, tmp_path / "with.html", dwell_bounds=train_dwell_bounds(inst)
    )
    without = report(inst, result.solution, tmp_path / "without.html")
    assert _page(tmp_path / "cli.html") == _page(with_bounds)
    assert _page(with_bounds) != _page(without)
