"""The malformed-input corpus (tests/data/bad): every command exits 2 with one line.

Each file of the corpus breaks the valid instance ``tests/data/checker/instance.json`` in
one way (``make_corpus.py`` there regenerates it); ``expected.json`` holds a substring of
the one-line message each must produce, field path included. ``solve``, ``check`` and
``validate`` must all exit 2, print exactly that one line on stderr, never a traceback,
and ``solve`` must not write its output file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaugeopt.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
BAD = DATA / "bad"
GOOD_INSTANCE = DATA / "checker" / "instance.json"
GOOD_SOLUTION = DATA / "checker" / "solution.json"
EXPECTED: dict[str, str] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
INSTANCES = sorted(k for k in EXPECTED if not k.startswith("sol_"))
SOLUTIONS = sorted(k for k in EXPECTED if k.startswith("sol_"))


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def assert_one_line(result, expected: str) -> None:
    """Exit 2, exactly one stderr line carrying ``expected``, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_corpus_is_large_and_complete() -> None:
    assert len(INSTANCES) >= 40
    assert len(SOLUTIONS) >= 5
    on_disk = {p.name for p in BAD.iterdir() if p.name not in ("expected.json", "make_corpus.py")}
    assert on_disk == set(EXPECTED)


def test_base_files_are_valid(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", str(GOOD_INSTANCE), str(GOOD_SOLUTION)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("name", INSTANCES)
def test_validate_rejects(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["validate", str(BAD / name)])
    assert_one_line(result, EXPECTED[name])
    assert result.stdout == ""


@pytest.mark.parametrize("name", INSTANCES)
def test_solve_rejects_and_writes_nothing(runner: CliRunner, tmp_path: Path, name: str) -> None:
    target = tmp_path / "out.solution.json"
    result = runner.invoke(app, ["solve", str(BAD / name), "--out", str(target), "-t", "1"])
    assert_one_line(result, EXPECTED[name])
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind either


@pytest.mark.parametrize("name", INSTANCES)
def test_check_rejects_bad_instance(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["check", str(BAD / name), str(GOOD_SOLUTION)])
    assert_one_line(result, EXPECTED[name])


@pytest.mark.parametrize("name", SOLUTIONS)
def test_check_rejects_bad_solution(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["check", str(GOOD_INSTANCE), str(BAD / name)])
    assert_one_line(result, EXPECTED[name])
    assert str(BAD / name) in result.stderr  # the bad file is named


def test_missing_and_directory_inputs(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["solve", str(tmp_path / "nope.json"), "--out", "x.json"])
    assert_one_line(result, "nope.json: no such file")
    result = runner.invoke(app, ["check", str(GOOD_INSTANCE), str(tmp_path)])
    assert_one_line(result, "is a directory, not a file")


def _gaugeopt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gaugeopt", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize(
    "name", ["deeply_nested.json", "binary.json", "mass_nan.json", "horizon_10e30.json"]
)
def test_real_process_has_no_traceback(tmp_path: Path, name: str) -> None:
    """The installed entry point, in a real process: one line, exit 2, nothing written."""
    target = tmp_path / "sol.json"
    proc = _gaugeopt("solve", str(BAD / name), "--out", str(target), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and EXPECTED[name] in lines[0], proc.stderr
    assert not target.exists()
    proc = _gaugeopt("check", str(GOOD_INSTANCE), str(BAD / "sol_unknown_op.json"), cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


# --- what the one line says: unknown fields first, ids in paths ------------------------------


def _one_line(runner: CliRunner, name: str) -> str:
    result = runner.invoke(app, ["validate", str(BAD / name)])
    assert_one_line(result, EXPECTED[name])
    line = result.stderr.strip()
    return line.removeprefix(f"error: {BAD / name}: ")


def test_typo_names_the_unknown_field_with_a_suggestion(runner: CliRunner) -> None:
    """`mas_t` is the mistake; the `mass_t` it leaves missing is the same one, not one more."""
    assert _one_line(runner, "unknown_field_typo.json") == (
        "trains[B].carriages[B3].mas_t: unknown field; did you mean 'mass_t'?"
    )
    assert _one_line(runner, "unknown_shift_field_typo.json") == (
        "station.crews[C2].shift: unknown field; did you mean 'shifts'?"
    )


def test_unknown_field_without_a_close_name_lists_the_known_ones(runner: CliRunner) -> None:
    assert _one_line(runner, "unknown_top_field.json") == (
        'colour: unknown field, got "blue"; known fields here: '
        "name, epoch, horizon, station, trains"
    )


def test_paths_name_items_by_id(runner: CliRunner) -> None:
    line = _one_line(runner, "mass_zero.json")
    assert line == "trains[B].carriages[B3].mass_t: must be > 0.0, got 0.0"
    assert _one_line(runner, "shift_end_before_start.json").startswith(
        "station.crews[C2].shifts[0]:"
    )
    assert _one_line(runner, "capacity_zero.json").startswith("station.tracks[T1].capacity:")


def test_a_duplicate_id_is_named_by_the_id(runner: CliRunner) -> None:
    line = _one_line(runner, "duplicate_carriage_id.json")
    # 'A2' is in train A and train B: both are named by it, within their trains.
    assert line == (
        "trains[B].carriages[A2].id: duplicate carriage id 'A2' "
        "(also at trains[A].carriages[A2].id)"
    )
    assert _one_line(runner, "duplicate_crew_id.json") == (
        "station.crews[C1].id: duplicate id 'C1' (the 1st and the 4th of station.crews)"
    )


def test_a_value_in_the_wrong_case_gets_a_suggestion(runner: CliRunner) -> None:
    assert _one_line(runner, "method_case.json").endswith("did you mean 'individual'?")
    assert "did you mean" not in _one_line(runner, "method_wrong.json")  # 'magnetic': none close


def test_solution_paths_name_trains_by_id(runner: CliRunner) -> None:
    name = "sol_departure_string.json"
    result = runner.invoke(app, ["check", str(GOOD_INSTANCE), str(BAD / name)])
    assert_one_line(result, 'trains[B].departure: must be an integer, got "noon"')
