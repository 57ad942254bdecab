"""Hostile input is refused in one line with exit 2: huge integers, duplicate keys, control
characters, files or lists too large, out-of-range parameters and weights; the pre-check stays
linear in carriages; Ctrl-C while ``solve`` starts up stops it cleanly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaugeopt.cli import app
from gaugeopt.diagnose import precheck
from gaugeopt.errors import InputError
from gaugeopt.model.io import parse_instance, parse_solution, read_instance, read_solution
from gaugeopt.model.limits import InputLimits
from gaugeopt.params import SolveParams, cpsat_knows_subsolver
from gaugeopt.rules import taskgraph

DATA = Path(__file__).resolve().parents[1] / "data"
INSTANCE = DATA / "checker" / "instance.json"
SOLUTION = DATA / "checker" / "solution.json"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def one_line(result) -> str:
    """The one stderr line of a command refused with exit 2 (no traceback)."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


# ---- JSON readers ----------------------------------------------------------------------------


@pytest.mark.parametrize("digits", [4_301, 100_000])
def test_integers_of_thousands_of_digits_are_refused_by_every_reader(digits: int) -> None:
    huge = "9" * digits
    instance = INSTANCE.read_text().replace('"horizon": 600', f'"horizon": {huge}', 1)
    solution = SOLUTION.read_text().replace('"objective": ', f'"objective": {huge}, "x": ', 1)
    for parse, text in ((parse_instance, instance), (parse_solution, solution)):
        with pytest.raises(InputError) as err:
            parse(text, source="f.json")
        assert (
            str(err.value)
            == f"f.json: not valid JSON: an integer of {digits:,} digits (at most 4,300)"
        )


def test_duplicate_keys_are_refused_naming_the_key() -> None:
    text = INSTANCE.read_text().replace('"horizon": 600', '"horizon": -5, "horizon": 600', 1)
    with pytest.raises(InputError, match=r'duplicate key "horizon"$'):
        parse_instance(text)
    data = json.loads(INSTANCE.read_text())
    car = json.dumps(data["trains"][0]["carriages"][0])
    twice = car.replace('"mass_t"', '"mass_t": 1, "mass_t"', 1)
    text = json.dumps(data).replace(car, twice, 1)
    with pytest.raises(InputError) as err:
        parse_instance(text)
    cid = data["trains"][0]["carriages"][0]["id"]
    assert str(err.value).endswith(f'duplicate key "mass_t" in the object with id "{cid}"')
    with pytest.raises(InputError, match='duplicate key "status"'):
        parse_solution(SOLUTION.read_text().replace('"status": ', '"status": "x", "status": ', 1))


def test_json_errors_read_as_a_sentence() -> None:
    with pytest.raises(InputError) as err:
        parse_instance('{"name": "unterminated')
    assert "at at" not in str(err.value)
    assert str(err.value).endswith("Unterminated string starting at (line 1, column 10)")


@pytest.mark.parametrize("bad", ["K1\u0007", "K1\n", "\x00", "K\u00851", "tab\there"])
def test_control_characters_in_ids_are_refused_at_validation(bad: str) -> None:
    data = json.loads(INSTANCE.read_text())
    data["station"]["crews"][0]["id"] = bad
    with pytest.raises(InputError) as err:
        parse_instance(data)
    message = str(err.value)
    assert message.startswith(f"station.crews[{json.dumps(bad)}].id: must not contain control")
    assert message.isprintable() and len(message.splitlines()) == 1


# ---- bounded reads ---------------------------------------------------------------------------


def test_validate_dev_zero_is_refused_after_the_size_limit(runner: CliRunner) -> None:
    line = one_line(runner.invoke(app, ["validate", "/dev/zero"]))
    assert line == (
        "error: /dev/zero: larger than 32 MB, the most an input file may be "
        "(set GAUGEOPT_MAX_MB to allow more)"
    )


def test_the_size_limit_can_be_raised_or_lowered(monkeypatch) -> None:
    monkeypatch.setenv("GAUGEOPT_MAX_MB", "0.001")  # 1 kB: the test instance is larger
    with pytest.raises(InputError, match=r"larger than 0\.001 MB"):
        read_instance(INSTANCE)
    with pytest.raises(InputError, match=r"larger than 0\.001 MB"):
        read_solution(SOLUTION)
    monkeypatch.setenv("GAUGEOPT_MAX_MB", "lots")
    with pytest.raises(InputError, match="GAUGEOPT_MAX_MB: must be a positive number"):
        read_instance(INSTANCE)
    monkeypatch.delenv("GAUGEOPT_MAX_MB")
    assert read_instance(INSTANCE).name


def _long_train(n: int) -> str:
    data = json.loads(INSTANCE.read_text())
    first = data["trains"][0]
    car = first["carriages"][0]
    first["carriages"] = [{**car, "id": f"X{i}"} for i in range(n)]
    return json.dumps(data)


def test_a_train_of_too_many_carriages_is_refused_by_count(monkeypatch) -> None:
    text = _long_train(InputLimits().carriages + 1)
    with pytest.raises(InputError) as err:
        parse_instance(text, source="long.json")
    train = json.loads(text)["trains"][0]["id"]
    assert str(err.value) == (
        f"long.json: trains[{train}].carriages: 1,001 carriages, more than the 1,000 allowed "
        "(set GAUGEOPT_MAX_CARRIAGES to allow more)"
    )
    monkeypatch.setenv("GAUGEOPT_MAX_CARRIAGES", "2000")
    parse_instance(text)  # allowed now: the limit is only a guard


def test_too_many_trains_are_refused(monkeypatch) -> None:
    monkeypatch.setenv("GAUGEOPT_MAX_TRAINS", "2")
    with pytest.raises(InputError) as err:
        read_instance(INSTANCE)
    assert str(err.value) == (
        f"{INSTANCE}: trains: 4 trains, more than the 2 allowed (set GAUGEOPT_MAX_TRAINS to "
        "allow more)"
    )


def test_any_list_longer_than_the_item_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("GAUGEOPT_MAX_ITEMS", "3")
    with pytest.raises(InputError, match=r"tasks: \d+ items, more than the 3 allowed"):
        parse_solution(SOLUTION.read_text())


def test_the_precheck_builds_a_task_graph_per_kind_of_carriage(monkeypatch) -> None:
    """A train of 400 like carriages: a handful of task graphs, not one per carriage (the
    pre-check was quadratic in carriages: 47 s for a train of 2,000)."""
    calls: list[int] = []
    real = taskgraph.task_graph

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(precheck, "task_graph", counted)
    inst = parse_instance(_long_train(400))
    train = inst.trains[0]
    assert precheck.least_departure(inst, train) is not None
    assert len(calls) <= 12, len(calls)


def test_task_graph_predecessors_are_found_by_index_not_by_scanning() -> None:
    """Each node's predecessors come from an index by block and carriage: the work per
    node does not grow with the train (it scanned every earlier node of its operations)."""
    inst = parse_instance(_long_train(300))
    train = inst.trains[0]
    blocks = [taskgraph.BlockSpec((j,), "individual") for j in range(len(train.carriages))]
    nodes = taskgraph.task_graph(inst, train, "exchange", blocks)
    per_carriage = [n for n in nodes if n.carriage is not None]
    # a carriage's task waits for a bounded number of others, whatever the train's length
    assert max(len(n.preds) for n in per_carriage) <= 4


# ---- solve --params --------------------------------------------------------------------------


def test_subsolver_names_are_checked_against_cpsat(tmp_path: Path) -> None:
    assert cpsat_knows_subsolver("objective_lb_search") and cpsat_knows_subsolver("max_lp")
    assert not cpsat_knows_subsolver("no_such_subsolver")
    path = tmp_path / "p.toml"
    path.write_text('single_train_subsolvers = ["max_lp", "no_such_subsolver"]\n')
    with pytest.raises(InputError) as err:
        SolveParams.from_toml(path)
    assert str(err.value) == (
        f"{path}: single_train_subsolvers: 'no_such_subsolver' is not a CP-SAT subsolver "
        "(e.g. default_lp, max_lp, core, objective_lb_search, quick_restart)"
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("deterministic_restarts = 1000000000", "must be <= 1000"),
        ("deterministic_restarts = 1e9", "must be an integer"),
        ("warm_min_seconds = inf", "must be <= 3600, got Infinity"),
        ("lns_step_seconds = inf", "must be <= 3600"),
        ("bucket_bound_buckets = 9223372036854775807", "must be <= 100000"),
        ("portfolio_deterministic_restarts = 100000", "must be <= 1000"),
        ("warm_max_cuts = 1000", "must be <= 20"),
        ("deterministic_rate = nan", "must be <= 1000, got NaN"),
        ("clock_slack = 0.5", "must be >= 1"),
    ],
)
def test_every_parameter_has_a_sane_range(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text + "\n")
    with pytest.raises(InputError, match=says):
        SolveParams.from_toml(path)


def test_every_numeric_parameter_has_an_upper_bound() -> None:
    for name, field in SolveParams.model_fields.items():
        if field.annotation in ("int", "float", int, float):
            assert any(hasattr(m, "le") for m in field.metadata), name


def test_solve_refuses_an_unknown_subsolver_with_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    params = tmp_path / "p.toml"
    params.write_text('single_train_subsolvers = ["no_such_subsolver"]\n')
    out = tmp_path / "sol.json"
    args = ["solve", str(INSTANCE), "-w", "2", "--params", str(params), "-o", str(out)]
    line = one_line(runner.invoke(app, args))
    assert "'no_such_subsolver' is not a CP-SAT subsolver" in line
    assert not out.exists()


# ---- replan weights --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"), [("--change-weight", 10**12), ("--dwell-weight", 10**18)]
)
def test_replan_refuses_weights_out_of_range(
    runner: CliRunner, tmp_path: Path, option: str, value: int
) -> None:
    out = tmp_path / "new.json"
    args = ["replan", str(INSTANCE), str(SOLUTION), "--now", "5", option, str(value)]
    line = one_line(runner.invoke(app, [*args, "-o", str(out)]))
    assert line.startswith(f"error: Invalid value for '{option}'") and "1000000" in line
    assert not out.exists()


# ---- Ctrl-C while solve starts up ------------------------------------------------------------

#: ``gaugeopt solve`` run as the command line does, with a Ctrl-C while it reads the instance.
#: Ctrl-C is first given its terminal meaning: a job started in the background of a script
#: (a CI runner's, say) inherits SIGINT ignored, and then no Ctrl-C would reach it at all.
EARLY_CTRL_C = """
import os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
import gaugeopt.model.io as io
real = io.read_instance
def interrupted(path):
    os.kill(os.getpid(), signal.SIGINT)
    return real(path)
io.read_instance = interrupted
sys.argv = ["gaugeopt", *sys.argv[1:]]
from gaugeopt.cli import main
main()
"""


def test_ctrl_c_during_start_up_stops_solve_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "sol.json"
    run = subprocess.run(
        [sys.executable, "-c", EARLY_CTRL_C, "solve", str(INSTANCE), "-t", "30", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=tmp_path,
    )
    assert "Traceback" not in run.stderr and "KeyboardInterrupt" not in run.stderr, run.stderr
    # as a Ctrl-C later on: the best schedule so far (the first one), written, exit 0
    assert run.returncode == 0, run.stderr
    assert "interrupted: returning the best schedule found so far" in run.stderr
    assert json.loads(out.read_text())["status"] in ("optimal", "feasible")
